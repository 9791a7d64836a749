"""Reviewer wellbeing: blur until revealed, grayscale, muted video, break reminders.

Reviewers look at harmful content for hours; the defaults protect them (blur on,
video muted, a break reminder after 50 minutes) and every choice is remembered
per reviewer in QSettings (organisation "moderator_gui"), so two reviewers who
share a workstation keep their own settings.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QElapsedTimer, QObject, QSettings, QTimer, Signal

ORGANIZATION = "moderator_gui"
APPLICATION = "moderator_gui"
DEFAULT_BLUR_STRENGTH = 48  # Gaussian radius in pixels at preview size (thumbnails scale it down)
MIN_BLUR_STRENGTH = 4
MAX_BLUR_STRENGTH = 120
DEFAULT_BREAK_MINUTES = 50


def app_settings() -> QSettings:
    """The application's settings store (tests redirect it with QSettings.setPath)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


@dataclass(frozen=True)
class WellbeingSettings:
    blur: bool = True
    blur_strength: int = DEFAULT_BLUR_STRENGTH
    grayscale: bool = False
    muted: bool = True
    break_minutes: int = DEFAULT_BREAK_MINUTES

    @staticmethod
    def _group(reviewer: str) -> str:
        # QSettings keys treat "/" and "\\" as separators: keep a reviewer one group.
        safe = reviewer.replace("/", "_").replace("\\", "_")
        return f"reviewers/{safe}/wellbeing"

    @classmethod
    def load(cls, settings: QSettings, reviewer: str) -> WellbeingSettings:
        d = cls()
        settings.beginGroup(cls._group(reviewer))
        try:
            strength = _as_int(settings.value("blur_strength", d.blur_strength))
            minutes = _as_int(settings.value("break_minutes", d.break_minutes))
            return cls(
                blur=_as_bool(settings.value("blur", d.blur)),
                blur_strength=max(MIN_BLUR_STRENGTH, min(MAX_BLUR_STRENGTH, strength)),
                grayscale=_as_bool(settings.value("grayscale", d.grayscale)),
                muted=_as_bool(settings.value("muted", d.muted)),
                break_minutes=max(1, minutes),
            )
        except (TypeError, ValueError):
            return d  # a hand-edited, unreadable settings file falls back to the safe defaults
        finally:
            settings.endGroup()

    def save(self, settings: QSettings, reviewer: str) -> None:
        settings.beginGroup(self._group(reviewer))
        for key in ("blur", "blur_strength", "grayscale", "muted", "break_minutes"):
            settings.setValue(key, getattr(self, key))
        settings.endGroup()
        settings.sync()


def _as_int(value: object) -> int:
    # INI files give strings back; anything else that is not a number is unreadable (TypeError).
    if isinstance(value, str | int | float):
        return int(value)
    raise TypeError(f"not a number: {value!r}")


def _as_bool(value: object) -> bool:
    # INI files give "true"/"false" strings back.
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


class Wellbeing(QObject):
    """The reviewer's current wellbeing state, shared by the viewer and the queue thumbnails.

    ``revealed`` is transient (R held): it never persists and never reaches the thumbnails.
    """

    changed = Signal()  # settings changed: re-render thumbnails and the viewer
    reveal_changed = Signal(bool)

    def __init__(self, settings: QSettings, reviewer: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._reviewer = reviewer
        self._state = WellbeingSettings.load(settings, reviewer)
        self._revealed = False

    @property
    def state(self) -> WellbeingSettings:
        return self._state

    @property
    def revealed(self) -> bool:
        return self._revealed

    @property
    def effective_blur(self) -> bool:
        """Whether the viewer shows the blurred image right now."""
        return self._state.blur and not self._revealed

    def update(self, new: WellbeingSettings) -> None:
        if new == self._state:
            return
        self._state = new
        new.save(self._settings, self._reviewer)
        self.changed.emit()

    def toggle_blur(self) -> None:
        self.update(replace(self._state, blur=not self._state.blur))

    def toggle_grayscale(self) -> None:
        self.update(replace(self._state, grayscale=not self._state.grayscale))

    def set_revealed(self, on: bool) -> None:
        if on != self._revealed:
            self._revealed = on
            self.reveal_changed.emit(on)


class BreakReminder(QObject):
    """Says "take a break" after a stretch of continuous review.

    Continuous review is the time since the session started or since the last
    break was taken; ``due`` carries that time and the items reviewed in it.
    """

    due = Signal(int, int)  # minutes on task, items reviewed

    def __init__(self, wellbeing: Wellbeing, parent: QObject | None = None, *, interval_ms: int | None = None) -> None:
        super().__init__(parent)
        self._wellbeing = wellbeing
        self._override_ms = interval_ms
        self._clock = QElapsedTimer()
        self._items = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fire)
        wellbeing.changed.connect(self._rearm)
        self.restart()

    def interval_ms(self) -> int:
        return self._override_ms if self._override_ms is not None else self._wellbeing.state.break_minutes * 60_000

    def item_reviewed(self) -> None:
        self._items += 1

    @property
    def items(self) -> int:
        return self._items

    def restart(self) -> None:
        """A break was taken (or the session began): count a new stretch."""
        self._items = 0
        self._clock.start()
        self._timer.start(self.interval_ms())

    def snooze(self, ms: int) -> None:
        """Remind again in ``ms`` without starting a new stretch."""
        self._timer.start(ms)

    def _rearm(self) -> None:
        remaining = max(0, self.interval_ms() - self._clock.elapsed())
        self._timer.start(remaining)

    def _fire(self) -> None:
        self.due.emit(int(self._clock.elapsed() // 60_000), self._items)
