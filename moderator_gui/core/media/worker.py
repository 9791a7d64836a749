"""Worker process: ``python -m moderator_gui.core.media.worker --memory-mb N``.

Decodes one job at a time for the parent (``worker_pool.py``), reading requests on stdin
and writing results on a private copy of stdout; fd 1 itself is pointed at stderr so
a stray print from a library cannot corrupt the protocol. Limits are set before the
first untrusted byte is read:

- RLIMIT_AS caps the address space: a MemoryError is reported as "needs more memory
  than the N MB limit" and the worker then exits so its replacement starts clean;
- on Linux the kernel kills the worker if the parent dies (PR_SET_PDEATHSIG), so a
  worker stuck in a decoder never outlives the application.

Imports are lean on purpose (Pillow at start, PyAV / pillow-heif only on the first
file that needs them): every respawn after a crash or time-out pays for them again. A
worker started ahead of its jobs (``--warm``: ``worker_pool.Prestarted``) imports what a
thumbnail job needs while it waits.
"""

from __future__ import annotations

import argparse
import os
import select
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from moderator_gui.core.media.decode import render
from moderator_gui.core.media.limits import configure_pillow
from moderator_gui.core.media.protocol import encode, read_message
from moderator_gui.core.media.types import MediaError, MediaKind

_PR_SET_PDEATHSIG = 1


def _set_limits(memory_mb: int) -> None:
    import resource

    # The cap is on address space, not resident memory: glibc arenas and FFmpeg thread
    # stacks reserve far more than they touch, so callers must leave head-room for that
    # (the service spawns workers with MALLOC_ARENA_MAX=2 and single-threaded decoding).
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # crashing on hostile input must not dump cores


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(0)


def handle(
    msg: dict[str, Any], memory_mb: int, tell: Callable[[dict[str, Any]], None] = lambda _msg: None
) -> tuple[dict[str, Any], bool]:
    """Run one job; returns (reply, exit_afterwards)."""
    reply: dict[str, Any] = {"id": msg["id"]}
    try:
        path = bytes.fromhex(msg["path"])
        blob = msg.get("blob")
        if blob:
            from moderator_gui.core.media.blob_source import local_copy

            path = local_copy(
                msg["sha256"], path, blob["source"], Path(blob["dir"]), lambda size: tell({"id": msg["id"], "fetch": size})
            )
        done = render(path, MediaKind(msg["kind"]), Path(msg["stem"]), Path(msg["tmp"]))
    except MediaError as exc:
        reply.update(ok=False, error=exc.message, permanent=exc.permanent)
        return reply, False
    except MemoryError:
        reply.update(ok=False, error=f"needs more memory than the {memory_mb} MB limit", permanent=True)
        return reply, True
    reply.update(
        ok=True,
        probe=done.probe,
        files=[{"name": w.name, "size": w.size, "hash": w.hash, "t": w.timestamp_ms} for w in done.files],
    )
    return reply, False


def _send(out: Any, msg: dict[str, Any]) -> None:
    out.write(encode(msg))
    out.flush()


def _warm_up(inp: Any) -> None:
    """Nothing to do yet (a worker started ahead of its jobs: ``worker_pool.Prestarted``):
    import what a thumbnail job needs anyway — Pillow's common formats, and numpy
    for the signatures. If a job is already waiting, it comes first and pays for its own."""
    if select.select([inp], [], [], 0)[0]:
        return
    from PIL import Image

    from moderator_gui.core.media import signatures

    Image.preinit()
    signatures.warm_up()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="moderator_gui.core.media.worker")
    ap.add_argument("--memory-mb", type=int, required=True)
    ap.add_argument("--warm", action="store_true", help="started ahead of its jobs: import what they need now")
    args = ap.parse_args(argv)
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    _die_with_parent()
    _set_limits(args.memory_mb)
    configure_pillow()
    inp = sys.stdin.buffer
    out.write(encode({"ready": True, "pid": os.getpid()}))
    out.flush()
    if args.warm:
        _warm_up(inp)
    while True:
        msg = read_message(inp)
        if msg is None:
            return 0
        reply, leave = handle(msg, args.memory_mb, lambda note: _send(out, note))
        reply["retire"] = leave
        out.write(encode(reply))
        out.flush()
        if leave:
            return 0


if __name__ == "__main__":
    sys.exit(main())
