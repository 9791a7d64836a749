"""moderator_gui: a desktop review tool for trust-and-safety teams.

Layout: ``moderator_gui.core`` is Qt-free (domain, store, media, ingest,
export) and usable from the CLI and tests without a display;
``moderator_gui.ui`` is the thin Qt layer on top of it.
"""

__version__ = "0.1.0"
