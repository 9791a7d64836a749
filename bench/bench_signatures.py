"""What PDQ signatures cost the prefetch (issue "duplicate clusters"). Not a test: run it by hand.

    .venv/bin/python bench/bench_signatures.py [--rounds N]

The prefetch renders a THUMB for every item; THUMB jobs now also hash the picture they
decode (``core/media/signatures.py``). This renders the THUMBs of a realistic set of
media in-process with ``decode.render`` (the work a worker does, without the process
around it) three ways, in the same run, whole runs alternated (A B C A B C …) and the
best of each kept, since load from other processes only ever makes a run slower:

- ``off``: hashing disabled (``signatures.ENABLED = False``), i.e. the pipeline as before;
- ``on``: what ships: the 256 px picture the thumbnail is made from is hashed;
- ``on, no crops``: ``full`` (and ``trim``) only, without the two central crops: what the
  crops cost;
- ``on, 512 px``: ``SOURCE_SIZE = 512`` (JPEGs drafted at 512 instead of 256, the picture
  shrunk to 512, hashed, then to 256): shown to justify hashing at 256.

Goal: ``on`` adds at most 10 % to the prefetch time (``on / off <= 1.10``).
Media are generated once into bench/.cache/signatures/ (git-ignored). ``--sets K`` makes K
distinct sets (new seeds; bench/.cache/signatures-xK/): a prefetch of 54 files is mostly the
command's own start (Python, imports: numpy for the hashes, in each process), a queue is not.
``BENCH_VERBOSE=1`` also prints every round's time of ``--prefetch``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

from media_corpus import write_video  # noqa: E402
from moderator_gui.core.dupes import pdq  # noqa: E402
from moderator_gui.core.media import signatures  # noqa: E402
from moderator_gui.core.media.decode import render  # noqa: E402
from moderator_gui.core.media.limits import configure_pillow  # noqa: E402
from moderator_gui.core.media.types import MediaKind  # noqa: E402

CACHE = ROOT / "bench" / ".cache" / "signatures"
SET = {"jpg": 40, "png": 8, "gif": 4, "mp4": 2}  # what a prefetch meets, roughly


def photo(seed: int, size: tuple[int, int]) -> Image.Image:
    """Photo-like: soft gradient background, blurred shapes, fine noise (real entropy for the codecs)."""
    rnd = random.Random(seed)
    w, h = size
    small = (max(1, w // 8), max(1, h // 8))
    g = Image.linear_gradient("L").rotate(rnd.randrange(360)).resize(small)
    colours = [tuple(rnd.randrange(256) for _ in range(3)) for _ in range(2)]
    im = Image.composite(Image.new("RGB", small, colours[0]), Image.new("RGB", small, colours[1]), g)
    d = ImageDraw.Draw(im)
    for _ in range(30):
        x, y = rnd.randrange(small[0]), rnd.randrange(small[1])
        r = rnd.randrange(3, max(4, small[1] // 3))
        d.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rnd.randrange(256) for _ in range(3)))
    im = im.filter(ImageFilter.GaussianBlur(1.5)).resize(size, Image.Resampling.BICUBIC)
    noise = Image.frombytes("L", (w // 2, h // 2), rnd.randbytes((w // 2) * (h // 2))).resize(size)
    return Image.blend(im, Image.merge("RGB", (noise,) * 3), 0.12)


def generate(sets: int = 1) -> list[Path]:
    """``sets`` distinct sets of SET's files (different seeds), cached per count."""
    folder = CACHE if sets == 1 else CACHE.with_name(f"signatures-x{sets}")
    want = sets * sum(SET.values())
    if folder.exists() and len(list(folder.iterdir())) == want:
        return sorted(folder.iterdir())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    print(f"generating the media ({want} files) ...", file=sys.stderr)
    for k in range(sets):
        tag = "" if k == 0 else f"-{k}"
        for i in range(SET["jpg"]):
            photo(1000 * k + i, (1920, 1080)).save(folder / f"photo{i:02d}{tag}.jpg", "JPEG", quality=88)
        for i in range(SET["png"]):
            photo(1000 * k + 100 + i, (1000, 750)).save(folder / f"shot{i:02d}{tag}.png")
        for i in range(SET["gif"]):
            frames = [photo(1000 * k + 200 + i * 10 + j, (480, 270)).quantize(64) for j in range(12)]
            frames[0].save(folder / f"anim{i}{tag}.gif", save_all=True, append_images=frames[1:], duration=80, loop=0)
        for i in range(SET["mp4"]):
            noise = 0.05 + 0.001 * k  # another file for each set: the same frames, blended a little differently
            write_video(folder / f"clip{i}{tag}.mp4", seconds=4, size=(640, 360), fps=25, gop=50, noise=noise)
    return sorted(folder.iterdir())


CROPS = pdq.CROPS


def run(files: list[Path], work: Path, *, enabled: bool, source_size: int, crops: bool = True) -> tuple[float, dict[str, float]]:
    """THUMB for every file; total seconds and seconds per file type."""
    signatures.ENABLED, signatures.SOURCE_SIZE = enabled, source_size
    pdq.CROPS = CROPS if crops else ()
    per: dict[str, float] = {}
    t_all = time.perf_counter()
    for p in files:
        t0 = time.perf_counter()
        done = render(os.fsencode(p), MediaKind.THUMB, work / p.stem, work)
        per[p.suffix] = per.get(p.suffix, 0.0) + time.perf_counter() - t0
        assert ("signatures" in done.probe) == enabled
    return time.perf_counter() - t_all, per


def _children_cpu() -> float:
    """User + system CPU seconds of the finished child processes (and theirs, once waited for)."""
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def prefetch_runs(files: list[Path], rounds: int) -> None:
    """The real prefetch: ``moderator-cli prefetch`` (worker processes, thumbnail cache, the
    store's writes, now with signature linking) on a database of these files, with hashing
    off (``MODERATOR_BENCH_NO_PDQ=1`` in the workers) and on, alternated; the best of each, and
    the median of the rounds' ratios."""
    import subprocess

    cli = [sys.executable, "-m", "moderator_gui.cli"]
    took: dict[bool, list[float]] = {False: [], True: []}
    cpu: dict[bool, list[float]] = {False: [], True: []}
    with tempfile.TemporaryDirectory(prefix="bench-sig-db-") as tmp_name:
        tmp = Path(tmp_name)
        folder = tmp / "media"
        shutil.copytree(files[0].parent, folder)
        base = tmp / "base.sqlite3"
        subprocess.run([*cli, "import", str(folder), "--db", str(base)], check=True, capture_output=True, cwd=ROOT)
        for r in range(rounds + 1):  # the first round warms the page cache and is not counted
            # off/on, then on/off: neither mode always runs right after the other
            for enabled in (False, True) if r % 2 else (True, False):
                run_dir = tmp / f"run-{r}-{enabled}"
                run_dir.mkdir()
                db = run_dir / "q.sqlite3"
                shutil.copy(base, db)
                env = {**os.environ, "MODERATOR_CACHE_DIR": str(run_dir / "cache")}
                env["MODERATOR_BENCH_NO_PDQ"] = "" if enabled else "1"
                t, c = time.perf_counter(), _children_cpu()
                argv = [*cli, "prefetch", "--db", str(db), "--jobs", "2"]
                subprocess.run(argv, check=True, capture_output=True, env=env, cwd=ROOT)
                if r:
                    took[enabled].append(time.perf_counter() - t)
                    cpu[enabled].append(_children_cpu() - c)
    best = {mode: min(ts) for mode, ts in took.items()}
    if os.environ.get("BENCH_VERBOSE"):
        print("off", [round(t, 2) for t in took[False]], "\non ", [round(t, 2) for t in took[True]])
    # Each round's pair ran back to back: the median of their ratios is robust to the machine
    # slowing down for a while (other processes, a virtual machine's host), which can make one
    # mode's best come from a quieter moment than the other's.
    pairs = statistics.median(on / off for on, off in zip(took[True], took[False], strict=True))
    print(f"moderator-cli prefetch of the same {len(files)} files (worker processes, cache, store), {rounds} rounds:")
    off, on = best[False], best[True]
    print(f"best: off {off * 1000:7.0f} ms   on {on * 1000:7.0f} ms   on / off = {on / off:4.2f}x")
    print(f"median of the rounds' on / off: {pairs:4.2f}x")
    cpu_ratio = statistics.median(on / off for on, off in zip(cpu[True], cpu[False], strict=True))
    print(
        f"CPU time (the command and its workers), median: off {statistics.median(cpu[False]):.2f} s"
        f"   on {statistics.median(cpu[True]):.2f} s   median of the rounds' on / off: {cpu_ratio:4.2f}x"
    )
    print(f"  hashing adds {(best[True] - best[False]) * 1000 / len(files):.2f} ms per file (best), fixed costs included")
    print(f"(load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--prefetch", action="store_true", help="measure the real `moderator-cli prefetch` instead")
    ap.add_argument(
        "--sets", type=int, default=1, help="distinct sets of the 54 files (new seeds; for --prefetch: a bigger queue)"
    )
    args = ap.parse_args()
    configure_pillow()
    files = generate(args.sets)
    if args.prefetch:
        prefetch_runs(files, args.rounds)
        return 0
    modes = {
        "off": (False, 256, True),
        "on": (True, 256, True),
        "on, no crops": (True, 256, False),
        "on, 512 px": (True, 512, True),
    }
    best: dict[str, tuple[float, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-sig-") as tmp:
        work = Path(tmp)
        for mode in modes.values():  # warm-up: file cache, imports (numpy + pdqhash), plugins
            run(files, work, enabled=mode[0], source_size=mode[1], crops=mode[2])
        for _ in range(args.rounds):
            for name, (enabled, size, crops) in modes.items():
                total, per = run(files, work, enabled=enabled, source_size=size, crops=crops)
                if name not in best or total < best[name][0]:
                    best[name] = (total, per)
    signatures.ENABLED, signatures.SOURCE_SIZE, pdq.CROPS = True, 256, CROPS
    kinds_n = ", ".join(f"{n * args.sets} {k}" for k, n in SET.items())
    print(f"THUMB of {len(files)} files ({kinds_n}), in-process, best of {args.rounds}")
    off = best["off"][0]
    for name, (total, per) in best.items():
        kinds = "  ".join(f"{k[1:]} {v * 1000 / (SET[k[1:]] * args.sets):5.1f}" for k, v in sorted(per.items()))
        print(f"{name:13} {total * 1000:7.1f} ms  on / off = {total / off:4.2f}x  | ms per file: {kinds}")
    print("goal: on / off <= 1.10x")
    print(f"(load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
