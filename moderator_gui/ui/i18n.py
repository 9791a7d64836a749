"""Languages of the user interface.

Strings in the Qt layer go through Qt's translation system (``self.tr`` /
``QCoreApplication.translate``); the catalogues are ``resources/i18n/moderator_gui_<lang>.qm``
(built by :mod:`moderator_gui.ui.i18n_build`). Category and action labels are
not in the catalogues: they come from the policy file (``Label.get(lang)``), so
widgets ask :func:`current_language` which language to pick.

The translators are children of the application object, not module globals:
they live exactly as long as the app, and switching language replaces them.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from moderator_gui.core.paths import resources_dir

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"
APP_CATALOGUE = "moderator_gui"
# Qt's own strings (standard buttons, QFileDialog, context menus) for that language.
QT_CATALOGUES = ("qtbase",)
_TRANSLATOR_NAME = "moderator_gui.i18n"


def available_languages() -> list[str]:
    """The source language, then every language with a compiled catalogue, e.g. ``["en", "zh_CN"]``."""
    found = sorted(p.stem.removeprefix(APP_CATALOGUE + "_") for p in (resources_dir() / "i18n").glob(f"{APP_CATALOGUE}_*.qm"))
    return [SOURCE_LANGUAGE, *(lang for lang in found if lang != SOURCE_LANGUAGE)]


def _installed(app: QCoreApplication) -> list[QTranslator]:
    return [t for t in app.findChildren(QTranslator) if t.objectName() == _TRANSLATOR_NAME]


def install_translators(app: QCoreApplication, lang: str) -> None:
    """Show the UI in ``lang`` (one of :func:`available_languages`).

    Replaces translators installed by an earlier call, so switching at runtime
    works: Qt then sends every widget a ``LanguageChange`` event. Also makes
    ``lang`` the default ``QLocale`` so dates and numbers follow the language.
    Raises ``ValueError`` naming the choices for an unknown language.
    """
    languages = available_languages()
    if lang not in languages:
        raise ValueError(f"unknown language {lang!r}; available: {', '.join(languages)}")
    for old in _installed(app):
        app.removeTranslator(old)
        old.setObjectName("")  # no longer ours even before the deferred delete runs
        old.deleteLater()
    QLocale.setDefault(QLocale(lang))
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    # English needs no Qt catalogue; ours holds its plural forms ("1 decision", "2 decisions").
    for name in QT_CATALOGUES if lang != SOURCE_LANGUAGE else ():
        qt = QTranslator(app)
        qt.setObjectName(_TRANSLATOR_NAME)
        if qt.load(f"{name}_{lang}", qt_dir):
            app.installTranslator(qt)
        else:
            # Not fatal: only Qt's stock strings (dialog buttons) stay in English.
            log.info("Qt's own %s catalogue for %s is not in %s", name, lang, qt_dir)
            qt.deleteLater()
    ours = QTranslator(app)
    ours.setObjectName(_TRANSLATOR_NAME)
    path = resources_dir() / "i18n" / f"{APP_CATALOGUE}_{lang}.qm"
    if lang == SOURCE_LANGUAGE and not path.exists():
        ours.deleteLater()  # a build without the plural catalogue: "(s)" plurals, nothing worse
        return
    if not ours.load(str(path)):
        ours.deleteLater()
        raise ValueError(f"cannot load the {lang} translations from {path} (damaged file?)")
    app.installTranslator(ours)


def current_language(app: QCoreApplication | None = None) -> str:
    """The language installed by :func:`install_translators` (the source language if none)."""
    app = app or QCoreApplication.instance()
    if app is not None:
        for t in _installed(app):
            if t.language() and t.filePath().endswith(f"{APP_CATALOGUE}_{t.language()}.qm"):
                return t.language()
    return SOURCE_LANGUAGE
