"""Coded messages of the core (:mod:`moderator_gui.core.messages`) in the reviewer's language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from moderator_gui.core.messages import CONTEXT, Message


def message_text(msg: Message) -> str:
    """``msg`` translated with the installed catalogues (context ``Messages``), parameters filled in."""
    return msg.render(lambda t: QCoreApplication.translate(CONTEXT, t))
