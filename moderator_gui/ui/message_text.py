"""Coded messages from the core (``core/messages.py``), as text in the user's language.

The core's errors (StoreError, ExportError, FilterError, ...) carry a ``Message``:
a code and parameters. Its English template is translated here with Qt's
translator (context "Messages", the texts lupdate finds in the catalogues), then
filled in; without a translation the English text is shown.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from moderator_gui.core.messages import CONTEXT, CodedError, Message, template


def message_text(msg: Message) -> str:
    """``msg`` in the current UI language."""
    return msg.render(lambda template: QCoreApplication.translate(CONTEXT, template))


def error_text(exc: BaseException) -> str:
    """What went wrong, for a person: a coded error translated, anything else as Python says it."""
    if isinstance(exc, CodedError):
        return message_text(exc.msg)
    return str(exc) or type(exc).__name__


# Media errors the workers report as their English text (a worker's reply is text) that have
# a coded template: shown translated. "media removed by retention policy on {date}" is told
# by the queue row's date instead.
_MEDIA_CODES = ("media.failed_verification", "media.not_stored")


def media_error_text(error: str) -> str:
    """A media pipeline error in the current UI language where it is a coded one."""
    for code in _MEDIA_CODES:
        if error == template(code):
            return message_text(Message.of(code))
    return error
