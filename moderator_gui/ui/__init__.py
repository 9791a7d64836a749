"""The thin Qt layer (PySide6). Everything it shows comes from ``moderator_gui.core``."""
