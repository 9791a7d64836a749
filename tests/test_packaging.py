"""A plain (non-editable) ``pip install .`` carries resources/ and db/ inside the package,
and the installed program finds them there; the command-line entry points run.

How the installed case is proven without the network and without the repo leaking in:

1. The sources the build reads (pyproject.toml, moderator_gui/, resources/, db/) are copied
   to a temporary folder, so the build's ``build/`` and ``*.egg-info`` never touch the
   shared work tree, and the wheel is built there with
   ``pip wheel --no-deps --no-build-isolation --no-index`` (the venv's own setuptools/wheel).
2. The wheel's file list must hold every file of resources/ and db/ under
   ``moderator_gui/_resources`` and ``moderator_gui/_db`` (pyproject's package-dir mapping).
3. The wheel is installed with ``pip install --no-deps --target DIR``, and a fresh
   interpreter runs from a folder outside the repo with ``-I -S`` (no PYTHONPATH, no user
   site, no ``.pth`` files, so the editable install's finder for moderator_gui is never
   loaded) and ``sys.path`` = [DIR, stdlib, the venv's site-packages for the dependencies].
   It loads the policy and opens a new store (which runs the migrations), and reports
   where moderator_gui, the resources and the migrations were found: all must be in DIR.
"""

from __future__ import annotations

import json
import shutil
import site
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
BUILD_INPUTS = ("pyproject.toml", "README.md", "moderator_gui", "resources", "db")
JUNK = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")



def _build_backend_problem() -> str | None:
    """Why the venv cannot build the wheel offline, or None."""
    try:
        setuptools = tuple(int(x) for x in metadata.version("setuptools").split(".")[:2])
    except metadata.PackageNotFoundError:
        return "setuptools is not installed in the venv"
    if setuptools < (68, 0):
        return f"pyproject.toml needs setuptools>=68 to build; the venv has {metadata.version('setuptools')}"
    if setuptools < (70, 1):  # bdist_wheel moved into setuptools in 70.1
        try:
            metadata.version("wheel")
        except metadata.PackageNotFoundError:
            return "the venv's setuptools needs the 'wheel' package to build a wheel"
    return None


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    problem = _build_backend_problem()
    if problem:
        pytest.skip(f"cannot build without the network: {problem} (pip install 'setuptools>=68' wheel)")
    src = tmp_path_factory.mktemp("src")
    for name in BUILD_INPUTS:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, src / name, ignore=JUNK)
        elif (REPO / name).exists():
            shutil.copy2(REPO / name, src / name)
    out = tmp_path_factory.mktemp("wheelhouse")
    res = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(out), str(src)],
        capture_output=True, text=True, timeout=120,
    )
    assert res.returncode == 0, f"building the wheel failed:\n{res.stdout}\n{res.stderr}"
    (whl,) = out.glob("moderator_gui-*.whl")
    return whl


def _bundled_files(folder: str) -> list[str]:
    root = REPO / folder
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )


@pytest.mark.slow
def test_the_wheel_carries_resources_and_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, installed in (("resources", "_resources"), ("db", "_db")):
        expected = {f"moderator_gui/{installed}/{rel}" for rel in _bundled_files(folder)}
        assert expected, folder
        assert expected <= names, f"missing from the wheel: {sorted(expected - names)}"
    for must in ("_resources/policy/policy.toml", "_db/env.py", "_db/versions/0001_initial.py"):
        assert f"moderator_gui/{must}" in names
    assert not any(n.startswith(("resources/", "db/")) for n in names), "top-level folders would clash"


@pytest.mark.slow
def test_the_wheel_carries_every_subpackage(wheel: Path) -> None:
    """pyproject.toml lists the packages by hand: a new subpackage must not be left out."""
    names = set(zipfile.ZipFile(wheel).namelist())
    packages = sorted(p.parent.relative_to(REPO).as_posix() for p in (REPO / "moderator_gui").rglob("__init__.py"))
    assert "moderator_gui/core/demo" in packages
    missing = [pkg for pkg in packages if f"{pkg}/__init__.py" not in names]
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"


@pytest.mark.slow
def test_the_installed_wheel_finds_its_policy_and_migrations(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "installed"
    res = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", str(target), str(wheel)],
        capture_output=True, text=True, timeout=120,
    )
    assert res.returncode == 0, res.stderr
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    script = (
        "import json, sys\n"
        "sys.path[:0] = [sys.argv[1]]\n"
        "sys.path.extend(sys.argv[2:])\n"
        "import moderator_gui\n"
        "from moderator_gui.core import paths, policy\n"
        "from moderator_gui.core.store import Store, migrate\n"
        "from moderator_gui.core.demo import bundled_samples\n"
        "pol = policy.load_policy()\n"
        "with Store.open('installed.sqlite3') as s:\n"
        "    revision = migrate.current_revision(s.engine)\n"
        "print(json.dumps({'package': moderator_gui.__file__, 'resources': str(paths.resources_dir()),\n"
        "    'migrations': str(paths.migrations_dir()), 'policy': pol.source, 'categories': len(pol.categories),\n"
        "    'revision': revision, 'head': migrate.head_revision(), 'samples': str(bundled_samples().source)}))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "MODERATOR_DATA_DIR": str(tmp_path / "data"), "HOME": str(tmp_path)}
    res = subprocess.run(
        [sys.executable, "-I", "-S", "-c", script, str(target), *site.getsitepackages()],
        cwd=outside, env=env, capture_output=True, text=True, timeout=60,
    )
    assert res.returncode == 0, res.stderr
    found = json.loads(res.stdout)
    for key in ("package", "resources", "migrations", "policy", "samples"):
        assert Path(found[key]).is_relative_to(target), f"{key} came from {found[key]}, not the installed wheel"
    assert Path(found["resources"]) == target / "moderator_gui" / "_resources"
    assert Path(found["migrations"]) == target / "moderator_gui" / "_db"
    assert found["categories"] == 8
    assert found["revision"] == found["head"] is not None
    assert (outside / "installed.sqlite3").is_file()


@pytest.mark.parametrize(
    "command",
    [[str(VENV_BIN / "moderator-cli"), "--help"], [sys.executable, "-m", "moderator_gui.cli", "--help"]],
    ids=["moderator-cli", "python-m"],
)
def test_the_command_line_entry_points_run(command: list[str], tmp_path: Path) -> None:
    res = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("usage: moderator-cli")
    for name in ("import", "demo", "export", "verify", "queue", "stats", "prefetch"):
        assert name in res.stdout
