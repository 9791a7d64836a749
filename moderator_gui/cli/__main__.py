"""`python -m moderator_gui.cli`: same as `moderator-cli`."""

import sys

from moderator_gui.cli import main

sys.exit(main())
