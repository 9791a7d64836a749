"""Coded messages: what the core tells a person, as a code and parameters, not as a sentence.

Why: the core is Qt-free and its errors end up in a Chinese window as well as in an
English terminal. A :class:`Message` carries a stable ``code`` (``"store.locked"``,
``"import.outside_root"``) and its parameters; the CLI renders it in English, the UI
translates its template with Qt's translator and then fills in the parameters.

Each area declares its templates in one catalogue (``catalogue({...})``) with every
English text wrapped in :func:`QT_TRANSLATE_NOOP`: that marker does nothing at run
time, but Qt's ``lupdate`` finds the texts in these modules too
(:data:`CATALOGUE_MODULES`), so the translator sees exactly the templates the code
uses. Templates use ``{name}`` placeholders (``str.format``); a translation must keep
the same placeholders (a test checks it). A parameter may itself be a Message: it
is rendered (and translated) first.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

# (Plain comments here: lupdate scans this file and would give a "#:" comment to the next
# template as a note for the translator.)
# The translation context of every catalogued template (Qt's ``translate(context, text)``).
CONTEXT = "Messages"

# Modules that declare catalogues: imported by :func:`all_templates`, scanned by lupdate.
CATALOGUE_MODULES: tuple[str, ...] = (
    "moderator_gui.core.messages",
    "moderator_gui.core.policy",
    "moderator_gui.core.decision_filter",
    "moderator_gui.core.store.errors",
    "moderator_gui.core.export.errors",
    "moderator_gui.core.decision_builder",
    "moderator_gui.core.write_queue",
    "moderator_gui.core.demo.samples",
    "moderator_gui.core.ingest.reasons",
    "moderator_gui.core.store.hashlists",
    "moderator_gui.core.store.batch_events",
)

_TEMPLATES: dict[str, str] = {}

Translate = Callable[[str], str]


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    """Marks ``text`` for Qt's lupdate; returns it unchanged."""
    return text


def catalogue(templates: Mapping[str, str]) -> Mapping[str, str]:
    """Register an area's templates (code -> English template). A code is declared once."""
    for code, template in templates.items():
        if _TEMPLATES.get(code, template) != template:
            raise ValueError(f"message code {code!r} is declared twice with different texts")
        _TEMPLATES[code] = template
    return templates


def template(code: str) -> str:
    try:
        return _TEMPLATES[code]
    except KeyError:
        raise KeyError(f"no message template for code {code!r}") from None


def is_code(text: str) -> bool:
    return text in _TEMPLATES


def all_templates() -> dict[str, str]:
    """Every template of every catalogue (imports the catalogue modules)."""
    for name in CATALOGUE_MODULES:
        importlib.import_module(name)
    return dict(_TEMPLATES)


def _identity(text: str) -> str:
    return text


@dataclass(frozen=True)
class Message:
    """A code and its parameters (a sorted tuple: messages are hashable and comparable)."""

    code: str
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, code: str, /, **params: Any) -> Message:
        template(code)  # a typo in a code fails where the message is made, not where it is shown
        return cls(code, tuple(sorted(params.items())))

    @property
    def args(self) -> dict[str, Any]:
        return dict(self.params)

    def render(self, translate: Translate = _identity) -> str:
        """The text: the template (translated by ``translate``) with its parameters filled in."""
        values = {k: v.render(translate) if isinstance(v, Message) else v for k, v in self.params}
        text = translate(template(self.code))
        try:
            return text.format_map(values)
        except (KeyError, IndexError, ValueError):
            # A translation with a broken placeholder: the English text is still right.
            return template(self.code).format_map(values)

    def __str__(self) -> str:
        return self.render()


class CodedError(Exception):
    """An error that carries a :class:`Message`. ``str(exc)`` and ``.message`` are English."""

    def __init__(self, msg: Message | str, /, **params: Any) -> None:
        if isinstance(msg, str):
            msg = Message.of(msg, **params)
        self.msg = msg
        super().__init__(msg.render())

    @property
    def code(self) -> str:
        return self.msg.code

    @property
    def message(self) -> str:
        return self.msg.render()


# Messages shared by several areas.
catalogue(
    {
        "generic.text": QT_TRANSLATE_NOOP("Messages", "{text}"),
        "os.error": QT_TRANSLATE_NOOP("Messages", "{reason}"),
    }
)

# Media stored in a team database (core/media_store.py, core/store/blobs.py, the media workers).
catalogue(
    {
        "media.failed_verification": QT_TRANSLATE_NOOP("Messages", "media failed verification"),
        "media.retired": QT_TRANSLATE_NOOP("Messages", "media removed by retention policy on {date}"),
        "media.not_stored": QT_TRANSLATE_NOOP("Messages", "the media is not stored in the team database"),
        "media.fetch_failed": QT_TRANSLATE_NOOP("Messages", "cannot fetch the media from the team database: {detail}"),
        "media.changed_while_storing": QT_TRANSLATE_NOOP(
            "Messages", "the file changed while it was being stored: {path}"
        ),
        "media.unreadable": QT_TRANSLATE_NOOP("Messages", "cannot read the media file {path}: {reason}"),
    }
)
