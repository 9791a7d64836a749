"""Display names for codes that the data carries: platforms and flag sources.

One table per kind of code, translated at display time; a code not in the table
(a platform added by an import, say) is shown as it is.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from moderator_gui.core.messages import QT_TRANSLATE_NOOP  # typed str -> str (PySide6 says object)

CONTEXT = "Names"

PLATFORMS: dict[str, str] = {
    "douyin": QT_TRANSLATE_NOOP("Names", "Douyin"),
    "kuaishou": QT_TRANSLATE_NOOP("Names", "Kuaishou"),
    "bilibili": QT_TRANSLATE_NOOP("Names", "Bilibili"),
    "weibo": QT_TRANSLATE_NOOP("Names", "Weibo"),
    "xiaohongshu": QT_TRANSLATE_NOOP("Names", "Xiaohongshu"),
    "taobao": QT_TRANSLATE_NOOP("Names", "Taobao"),
    "wechat": QT_TRANSLATE_NOOP("Names", "WeChat"),
}

FLAG_SOURCES: dict[str, str] = {
    "user_report": QT_TRANSLATE_NOOP("Names", "User report"),
    "classifier": QT_TRANSLATE_NOOP("Names", "Classifier"),
    "keyword": QT_TRANSLATE_NOOP("Names", "Keyword match"),
    "proactive_sweep": QT_TRANSLATE_NOOP("Names", "Proactive sweep"),
}


def _name(table: dict[str, str], code: str) -> str:
    source = table.get(code)
    return code if source is None else QCoreApplication.translate(CONTEXT, source)


def platform_name(code: str) -> str:
    """``douyin`` → "Douyin" / "抖音"; an unknown code as it is."""
    return _name(PLATFORMS, code)


def flag_source_name(code: str) -> str:
    """``user_report`` → "User report" / "用户举报"; an unknown code as it is."""
    return _name(FLAG_SOURCES, code)
