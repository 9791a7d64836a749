"""The keymap: ONE table of every keyboard command of the review window.

The main window builds its QActions (menus, buttons, shortcuts) from this table,
and the help overlay lists it, so a key cannot be documented in one place and
bound differently in another. Descriptions are marked with ``QT_TRANSLATE_NOOP``
(context ``"Keymap"``) so that pyside6-lupdate extracts them; show them with
:func:`describe`.

Keys without modifiers (digits, letters, space) are safe next to text fields:
QLineEdit/QPlainTextEdit accept the ShortcutOverride of printable keys, so while
the reviewer types a note or a search, the keys type text and no command fires.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QKeySequence

from moderator_gui.core.messages import QT_TRANSLATE_NOOP  # typed str -> str (PySide6 says object)

CONTEXT = "Keymap"


@dataclass(frozen=True)
class Binding:
    """A command, its keys (QKeySequence strings, first = shown in menus), what it does, its menu group."""

    command: str
    keys: tuple[str, ...]
    description: str
    group: str


# Groups name the menus the commands appear in.
GROUP_FILE = QT_TRANSLATE_NOOP("Keymap", "File")
GROUP_DECIDE = QT_TRANSLATE_NOOP("Keymap", "Decide")
GROUP_NAVIGATE = QT_TRANSLATE_NOOP("Keymap", "Navigate")
GROUP_VIEW = QT_TRANSLATE_NOOP("Keymap", "View")
GROUP_TOOLS = QT_TRANSLATE_NOOP("Keymap", "Tools")

# Category keys 1-7 and 0 are the policy's ``key`` fields; the command names carry
# the key ("category_3") and the main window resolves them with Policy.category_for_key.
KEYMAP: tuple[Binding, ...] = (
    # Team leads and solo desks only (a reviewer's desk hides it; the server refuses their imports).
    Binding("import", ("Ctrl+I",), QT_TRANSLATE_NOOP("Keymap", "Import…"), GROUP_FILE),
    Binding("category_1", ("1",), QT_TRANSLATE_NOOP("Keymap", "Choose category 1"), GROUP_DECIDE),
    Binding("category_2", ("2",), QT_TRANSLATE_NOOP("Keymap", "Choose category 2"), GROUP_DECIDE),
    Binding("category_3", ("3",), QT_TRANSLATE_NOOP("Keymap", "Choose category 3"), GROUP_DECIDE),
    Binding("category_4", ("4",), QT_TRANSLATE_NOOP("Keymap", "Choose category 4"), GROUP_DECIDE),
    Binding("category_5", ("5",), QT_TRANSLATE_NOOP("Keymap", "Choose category 5"), GROUP_DECIDE),
    Binding("category_6", ("6",), QT_TRANSLATE_NOOP("Keymap", "Choose category 6"), GROUP_DECIDE),
    Binding("category_7", ("7",), QT_TRANSLATE_NOOP("Keymap", "Choose category 7"), GROUP_DECIDE),
    Binding("category_0", ("0",), QT_TRANSLATE_NOOP("Keymap", "No violation"), GROUP_DECIDE),
    Binding(
        "record",
        ("Enter", "Return"),
        QT_TRANSLATE_NOOP("Keymap", "Record the decision and go to the next item"),
        GROUP_DECIDE,
    ),
    Binding(
        "decide_cluster",
        ("Shift+Return", "Shift+Enter"),
        QT_TRANSLATE_NOOP("Keymap", "Record the decision for every undecided item with this picture"),
        GROUP_DECIDE,
    ),
    Binding("skip", ("S",), QT_TRANSLATE_NOOP("Keymap", "Skip (the item stays in the queue for others)"), GROUP_DECIDE),
    Binding("escalate", ("E",), QT_TRANSLATE_NOOP("Keymap", "Escalate to a team lead (note required)"), GROUP_DECIDE),
    Binding("undo", ("Ctrl+Z",), QT_TRANSLATE_NOOP("Keymap", "Undo my last decision of this session"), GROUP_DECIDE),
    Binding("next", ("J", "Down"), QT_TRANSLATE_NOOP("Keymap", "Next item (without deciding)"), GROUP_NAVIGATE),
    Binding("previous", ("K", "Up"), QT_TRANSLATE_NOOP("Keymap", "Previous item (without deciding)"), GROUP_NAVIGATE),
    Binding("find", ("Ctrl+F",), QT_TRANSLATE_NOOP("Keymap", "Find by external id or account"), GROUP_NAVIGATE),
    Binding("refresh", ("F5",), QT_TRANSLATE_NOOP("Keymap", "Reload the queue"), GROUP_NAVIGATE),
    Binding("toggle_blur", ("B",), QT_TRANSLATE_NOOP("Keymap", "Blur on/off"), GROUP_VIEW),
    Binding("toggle_grayscale", ("G",), QT_TRANSLATE_NOOP("Keymap", "Grayscale on/off"), GROUP_VIEW),
    Binding("reveal", ("R",), QT_TRANSLATE_NOOP("Keymap", "Reveal while held"), GROUP_VIEW),
    Binding("zoom_in", ("+", "="), QT_TRANSLATE_NOOP("Keymap", "Zoom in"), GROUP_VIEW),
    Binding("zoom_out", ("-",), QT_TRANSLATE_NOOP("Keymap", "Zoom out"), GROUP_VIEW),
    # 0 is "No violation"; fitting uses Ctrl+0 like browsers and image viewers.
    Binding("zoom_fit", ("Ctrl+0",), QT_TRANSLATE_NOOP("Keymap", "Fit to window"), GROUP_VIEW),
    Binding("play_pause", ("Space",), QT_TRANSLATE_NOOP("Keymap", "Play / pause video or animation"), GROUP_VIEW),
    Binding("frame_back", (",",), QT_TRANSLATE_NOOP("Keymap", "Previous filmstrip frame"), GROUP_VIEW),
    Binding("frame_forward", (".",), QT_TRANSLATE_NOOP("Keymap", "Next filmstrip frame"), GROUP_VIEW),
    Binding("export", ("Ctrl+E",), QT_TRANSLATE_NOOP("Keymap", "Export the decision log"), GROUP_TOOLS),
    Binding("statistics", ("Ctrl+Shift+S",), QT_TRANSLATE_NOOP("Keymap", "Statistics"), GROUP_TOOLS),
    # Team leads only: the desk hides it from reviewers (and refuses to open it for them).
    Binding("lead_console", ("Ctrl+L",), QT_TRANSLATE_NOOP("Keymap", "Lead console (team leads)"), GROUP_TOOLS),
    Binding("settings", ("Ctrl+,",), QT_TRANSLATE_NOOP("Keymap", "Settings"), GROUP_TOOLS),
    Binding("help", ("F1", "?"), QT_TRANSLATE_NOOP("Keymap", "Keyboard help"), GROUP_TOOLS),
    Binding("quit", ("Ctrl+Q",), QT_TRANSLATE_NOOP("Keymap", "Quit"), GROUP_TOOLS),
)

GROUPS: tuple[str, ...] = (GROUP_FILE, GROUP_DECIDE, GROUP_NAVIGATE, GROUP_VIEW, GROUP_TOOLS)


#: Commands only a team lead (or a solo desk) has; a reviewer's desk hides them.
LEAD_COMMANDS = frozenset({"lead_console", "import"})


def for_desk(lead: bool) -> tuple[Binding, ...]:
    """The bindings this desk offers (a reviewer's lacks the lead's commands)."""
    return KEYMAP if lead else tuple(b for b in KEYMAP if b.command not in LEAD_COMMANDS)


def binding(command: str) -> Binding:
    """The binding of ``command``; KeyError names the command if it is not in the table."""
    for b in KEYMAP:
        if b.command == command:
            return b
    raise KeyError(command)


def describe(b: Binding) -> str:
    """The binding's description in the current UI language."""
    return QCoreApplication.translate(CONTEXT, b.description)


def group_title(group: str) -> str:
    return QCoreApplication.translate(CONTEXT, group)


def sequences(b: Binding) -> list[QKeySequence]:
    return [QKeySequence(k) for k in b.keys]


KEY_SEPARATOR = " / "


def key_text(b: Binding) -> str:
    """The keys as the user reads them (native text, e.g. "Ctrl+Z", "J / Down"), each name
    once: Qt's Chinese catalogue calls both Return and Enter "回车", and "回车 / 回车" would
    read like a mistake."""
    names = (s.toString(QKeySequence.SequenceFormat.NativeText) for s in sequences(b))
    return KEY_SEPARATOR.join(dict.fromkeys(names))


def collisions() -> list[str]:
    """Keys bound to more than one command (must be empty; a test checks it)."""
    seen: dict[str, str] = {}
    clashes = []
    for b in KEYMAP:
        for s in sequences(b):
            k = s.toString(QKeySequence.SequenceFormat.PortableText)
            if k in seen:
                clashes.append(f"{k}: {seen[k]} and {b.command}")
            seen[k] = b.command
    return clashes
