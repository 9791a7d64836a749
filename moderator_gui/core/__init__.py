"""Qt-free core: nothing under this package may import PySide6 (import-linter enforces it)."""
