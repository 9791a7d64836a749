"""Guards against a Qt binding that would crash the app after minutes of review.

PySide6 6.12.0 on Python 3.11 drops a reference to ``True`` on every
``Signal.emit(True)``; after a few thousand emits the interpreter aborts with
"deallocating True or False" (and ``data()`` returning None through C++ did the
same to ``None``). pyproject.toml pins PySide6 below 6.12 for that;
this test fails loudly if a version with the bug is installed again.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QCoreApplication, QObject, Signal

    app = QCoreApplication([])

    class Sender(QObject):
        changed = Signal(bool)

    s = Sender()
    s.changed.connect(lambda value: None)
    before = sys.getrefcount(True)
    for _ in range(5000):
        s.changed.emit(True)
    print(sys.getrefcount(True) - before)

    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

    class Model(QAbstractTableModel):
        def rowCount(self, parent=QModelIndex()): return 1
        def columnCount(self, parent=QModelIndex()): return 1
        def data(self, index, role=Qt.ItemDataRole.DisplayRole): return None

    model = Model()  # must outlive its index
    index = model.index(0, 0)
    before = sys.getrefcount(None)
    for _ in range(5000):
        index.data(Qt.ItemDataRole.ToolTipRole)  # through C++ and back: None -> QVariant -> None
    print(sys.getrefcount(None) - before)
    """
)


def test_emitting_bools_does_not_leak_or_abort() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, f"the Qt binding aborted the interpreter:\n{proc.stderr[-2000:]}"
    true_leak, none_leak = (int(n) for n in proc.stdout.split())
    assert (true_leak, none_leak) == (0, 0)
