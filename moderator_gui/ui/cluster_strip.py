"""The context panel's cluster line: "N other items with this picture (M undecided)", their
thumbnails (blurred and grayed as the reviewer's wellbeing settings say, like the queue's),
and what was decided on any of them before."""

from __future__ import annotations

import functools
from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from moderator_gui.core.policy import Policy
from moderator_gui.core.store import ItemCluster
from moderator_gui.ui.media_bridge import MediaBridge, Rendered, Variant
from moderator_gui.ui.queue_thumbs import THUMB_BLUR_FACTOR, THUMB_PX
from moderator_gui.ui.wellbeing import Wellbeing

STRIP_THUMBS = 8  # thumbnails shown; the count says how many there are


class ClusterStrip(QWidget):
    def __init__(
        self, policy: Policy, lang: str, wellbeing: Wellbeing, bridge: MediaBridge | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._policy = policy
        self._lang = lang
        self._wellbeing = wellbeing
        self._bridge = bridge
        self._cluster: ItemCluster | None = None
        self._generation = 0
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 2, 0, 2)
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setStyleSheet("font-weight:600;")
        self.title.setWordWrap(True)  # a long line in Chinese or English must not widen the window
        lay.addWidget(self.title)
        row = QHBoxLayout()
        row.setSpacing(3)
        self.thumbs: list[QLabel] = []
        for _ in range(STRIP_THUMBS):
            t = QLabel(self)
            t.setFixedSize(THUMB_PX, THUMB_PX)
            t.setStyleSheet("background: rgba(136, 136, 136, 50);")
            t.setAlignment(Qt.AlignmentFlag.AlignCenter)
            row.addWidget(t)
            self.thumbs.append(t)
        row.addStretch(1)
        lay.addLayout(row)
        self.decided = QLabel(self)
        self.decided.setTextFormat(Qt.TextFormat.PlainText)
        self.decided.setWordWrap(True)
        lay.addWidget(self.decided)
        wellbeing.changed.connect(self._render_thumbs)
        self.show_cluster(None)

    @property
    def cluster(self) -> ItemCluster | None:
        return self._cluster

    def set_language(self, lang: str) -> None:
        self._lang = lang
        self._fill()

    def show_cluster(self, cluster: ItemCluster | None) -> None:
        self._cluster = cluster if cluster is not None and cluster.others else None
        self._fill()
        self._render_thumbs()

    def _fill(self) -> None:
        c = self._cluster
        self.setVisible(c is not None)
        if c is None:
            return
        self.title.setText(
            self.tr("%n other item(s) with this picture (%1 undecided)", "", len(c.others)).replace(
                "%1", str(len(c.undecided))
            )
            + ("  ·  " + self.tr("Shift+Enter decides them all") if c.undecided else "")
        )
        counts = Counter((m.category, m.reviewer) for m in c.decided)
        parts = []
        for (code, reviewer), n in counts.most_common(4):
            label = self._policy.category(code).label.get(self._lang) if code and self._policy.has_category(code) else code
            parts.append(f"{label} ({reviewer}" + (f", ×{n})" if n > 1 else ")"))
        self.decided.setText(self.tr("Decided before: %1").replace("%1", "; ".join(parts)) if parts else "")
        self.decided.setVisible(bool(parts))

    def _variant(self) -> Variant:
        s = self._wellbeing.state
        return Variant(blur=round(s.blur_strength * THUMB_BLUR_FACTOR) if s.blur else 0, grayscale=s.grayscale, size=THUMB_PX)

    def _render_thumbs(self) -> None:
        self._generation += 1
        for t in self.thumbs:
            t.clear()
            t.setVisible(False)
        c = self._cluster
        if c is None:
            return
        variant = self._variant()
        for label, member in zip(self.thumbs, c.others, strict=False):
            label.setVisible(True)
            label.setToolTip(member.external_id)
            if self._bridge is not None and member.media_path is not None:
                done = functools.partial(self._arrived, label, self._generation)
                self._bridge.request(member.sha256, member.media_path, "thumb", (variant,), done, priority=2.0)

    def _arrived(self, label: QLabel, generation: int, res: Rendered) -> None:
        if generation != self._generation or not res.ok or not res.images:
            return
        label.setPixmap(QPixmap.fromImage(res.images[0]))
