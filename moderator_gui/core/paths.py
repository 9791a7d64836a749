"""Where things live: bundled resources, migrations, per-user data and cache folders."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "moderator_gui"
APP_AUTHOR = "moderator_gui"

_PKG = Path(__file__).resolve().parent.parent  # .../moderator_gui


def _bundled(installed_name: str, repo_name: str) -> Path:
    """A top-level repo folder, installed inside the package by `pip install .`.

    In a wheel install it is ``moderator_gui/<installed_name>``; in a source
    checkout (editable install, tests) it is ``<repo>/<repo_name>``.
    """
    inside = _PKG / installed_name
    if inside.is_dir():
        return inside
    beside = _PKG.parent / repo_name
    if beside.is_dir():
        return beside
    raise FileNotFoundError(
        f"cannot find the bundled '{repo_name}' folder (looked in {inside} and {beside}); "
        "is the package installed correctly?"
    )


def resources_dir() -> Path:
    return _bundled("_resources", "resources")


def migrations_dir() -> Path:
    return _bundled("_db", "db")


def data_dir() -> Path:
    """Per-user data folder (the default database lives here)."""
    override = os.environ.get("MODERATOR_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Per-user cache folder (thumbnails and previews live here)."""
    override = os.environ.get("MODERATOR_CACHE_DIR")
    path = Path(override) if override else Path(platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    return data_dir() / "moderator.sqlite3"
