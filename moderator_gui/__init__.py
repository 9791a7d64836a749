"""moderator_gui: a desktop review tool for trust-and-safety teams.

Layout: ``moderator_gui.core`` is Qt-free (domain, store, media, ingest,
export) and usable from the CLI and tests without a display;
``moderator_gui.ui`` is the thin Qt layer on top of it.
"""

import os

__version__ = "0.1.0"

# numpy (PDQ hashes and their index) loads OpenBLAS, which starts a thread per CPU on import:
# ~60 ms of CPU in every process that hashes or matches (each media worker, the store), and
# nothing here uses BLAS (the index's work is element-wise). One thread, unless the user says
# otherwise. It must be set before numpy is first imported, hence here, on the package.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
