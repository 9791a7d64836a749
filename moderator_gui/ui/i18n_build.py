"""Build the translations: ``python -m moderator_gui.ui.i18n_build [--update] [--quiet]``.

* default: compile every ``resources/i18n/*.ts`` into its ``.qm`` with Qt's
  ``lrelease``, but only when the ``.qm`` is missing or older than the ``.ts``.
  ``scripts/dev.sh`` runs this before every test run, so the no-op case must be
  fast: it only compares two mtimes and never starts a Qt tool.
* ``--update``: first run Qt's ``lupdate`` over ``moderator_gui/ui/*.py`` and the
  core's message catalogues (``CATALOGUE_MODULES`` of :mod:`moderator_gui.core.messages`:
  templates marked with ``QT_TRANSLATE_NOOP``) to add new source strings to the
  ``.ts`` files (existing translations are kept, strings that vanished from the code
  are dropped), then compile.

The ``.qm`` files are committed (the wheel ships ``resources/``), so a checkout
works without running this; ``tests/ui/test_i18n.py`` checks they are current.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from moderator_gui.core.paths import resources_dir

APP_CATALOGUE = "moderator_gui"
# Same options for --update and for the test's dry run, so both see the same strings.
# No source locations: several engineers edit the UI at once and line numbers would
# make every .ts diff noisy without helping the translator.
LUPDATE_OPTIONS = ("-no-obsolete", "-locations", "none", "-silent")


class BuildError(RuntimeError):
    """A Qt translation tool is missing or failed; the message says which and why."""


def i18n_dir() -> Path:
    return resources_dir() / "i18n"


def ui_sources() -> list[Path]:
    """The files lupdate scans: every module of the Qt layer, then the core modules that
    declare message catalogues (the core's only texts a person reads in the window)."""
    return sorted(Path(__file__).resolve().parent.glob("*.py")) + catalogue_sources()


def catalogue_sources() -> list[Path]:
    """The files of :data:`moderator_gui.core.messages.CATALOGUE_MODULES`, found without
    importing them (``find_spec`` only imports their packages, which are Qt-free)."""
    from moderator_gui.core.messages import CATALOGUE_MODULES

    paths = []
    for name in CATALOGUE_MODULES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
            raise BuildError(f"message catalogue module {name} has no source file to scan")
        paths.append(Path(spec.origin).resolve())
    return sorted(paths)


def ts_files() -> list[Path]:
    return sorted(i18n_dir().glob(f"{APP_CATALOGUE}_*.ts"))


def qm_for(ts: Path) -> Path:
    return ts.with_suffix(".qm")


def qt_tool(name: str) -> Path:
    """A Qt tool shipped inside the PySide6 wheel (what ``pyside6-<name>`` wraps)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or spec.origin is None:
        raise BuildError("PySide6 is not installed; cannot run Qt's translation tools")
    exe = Path(spec.origin).parent / (name + (".exe" if sys.platform == "win32" else ""))
    if not exe.is_file():
        raise BuildError(f"Qt's {name} is missing from the PySide6 installation ({exe})")
    return exe


def _run(cmd: Sequence[str | os.PathLike[str]]) -> None:
    proc = subprocess.run([os.fspath(c) for c in cmd], capture_output=True, text=True)
    if proc.returncode != 0:
        output = (proc.stderr or proc.stdout).strip()
        raise BuildError(f"{Path(cmd[0]).name} failed (exit {proc.returncode}): {output}")


def is_source_language(ts: Path) -> bool:
    """The English catalogue holds only plural forms ("1 decision" / "2 decisions"): the
    source strings are English already, but "%n decision(s)" is not how anyone writes."""
    return ts.stem == f"{APP_CATALOGUE}_en"


def lupdate(ts: Path, sources: Sequence[Path] | None = None) -> None:
    """Merge the current source strings into ``ts`` (translations already in it are kept)."""
    plural_only = ("-pluralonly",) if is_source_language(ts) else ()
    _run([qt_tool("lupdate"), *LUPDATE_OPTIONS, *plural_only, *(sources or ui_sources()), "-ts", ts])


def lrelease(ts: Path, qm: Path) -> None:
    """Compile ``ts`` into ``qm`` atomically: a reader never sees a half-written catalogue."""
    fd, tmp_name = tempfile.mkstemp(prefix=qm.name + ".", suffix=".tmp", dir=qm.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        _run([qt_tool("lrelease"), "-silent", ts, "-qm", tmp])
        tmp.chmod(0o644)  # mkstemp makes it private; the catalogue ships in the wheel
        os.replace(tmp, qm)
    finally:
        tmp.unlink(missing_ok=True)


def is_stale(ts: Path) -> bool:
    qm = qm_for(ts)
    return not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime


def build(*, update: bool = False, quiet: bool = False) -> list[Path]:
    """Bring the catalogues up to date; returns the .qm files that were (re)written."""
    written: list[Path] = []
    for ts in ts_files():
        if update:
            lupdate(ts)
            if not quiet:
                print(f"updated {ts}")
        if update or is_stale(ts):
            lrelease(ts, qm_for(ts))
            written.append(qm_for(ts))
            if not quiet:
                print(f"compiled {qm_for(ts)}")
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m moderator_gui.ui.i18n_build", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--update",
        action="store_true",
        help="refresh the .ts files from the sources first (ui/*.py and the core's message catalogues)",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing unless something fails")
    args = parser.parse_args(argv)
    if not ts_files():
        print(f"i18n_build: no {APP_CATALOGUE}_*.ts in {i18n_dir()}", file=sys.stderr)
        return 1
    try:
        build(update=args.update, quiet=args.quiet)
    except (BuildError, OSError) as exc:
        print(f"i18n_build: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
