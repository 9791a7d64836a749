"""Settings: language and the reviewer's wellbeing (blur, strength, grayscale, sound, breaks)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from moderator_gui.ui.wellbeing import MAX_BLUR_STRENGTH, MIN_BLUR_STRENGTH, WellbeingSettings

LANGUAGE_NAMES = {"en": "English", "zh_CN": "简体中文"}


class SettingsDialog(QDialog):
    def __init__(self, state: WellbeingSettings, lang: str, languages: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self._state = state
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.language = QComboBox(self)
        for code in languages:
            self.language.addItem(LANGUAGE_NAMES.get(code, code), code)
        self.language.setCurrentIndex(max(0, self.language.findData(lang)))
        form.addRow(self.tr("Language"), self.language)
        self.blur = QCheckBox(self.tr("Blur media until revealed"), self)
        self.blur.setChecked(state.blur)
        form.addRow(self.blur)
        self.strength = QSlider(Qt.Orientation.Horizontal, self)
        self.strength.setRange(MIN_BLUR_STRENGTH, MAX_BLUR_STRENGTH)
        self.strength.setValue(state.blur_strength)
        form.addRow(self.tr("Blur strength"), self.strength)
        self.grayscale = QCheckBox(self.tr("Show media in grayscale"), self)
        self.grayscale.setChecked(state.grayscale)
        form.addRow(self.grayscale)
        self.muted = QCheckBox(self.tr("Mute video sound"), self)
        self.muted.setChecked(state.muted)
        form.addRow(self.muted)
        self.break_minutes = QSpinBox(self)
        self.break_minutes.setRange(5, 240)
        self.break_minutes.setSuffix(self.tr(" min"))
        self.break_minutes.setValue(state.break_minutes)
        form.addRow(self.tr("Remind me to take a break after"), self.break_minutes)
        lay.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def wellbeing(self) -> WellbeingSettings:
        return replace(
            self._state,
            blur=self.blur.isChecked(),
            blur_strength=self.strength.value(),
            grayscale=self.grayscale.isChecked(),
            muted=self.muted.isChecked(),
            break_minutes=self.break_minutes.value(),
        )

    def language_code(self) -> str:
        return str(self.language.currentData())
