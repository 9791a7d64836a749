"""``python -m moderator_gui``: the desktop app (same as ``moderator-gui``)."""

import sys

from moderator_gui.app import main

sys.exit(main())
