"""Change events: what a committed write changed (like Anki's ``OpChanges``).

Every write of the store, once its transaction has committed, publishes one
:class:`Changes`: the items whose row changed (with their new status and head event
when the write knows them), the items added, the events recorded, the media
whose pipeline results changed. Views update exactly those rows instead of
reloading, whoever made the change.

The same type carries changes made elsewhere: another process on the same SQLite
file, another desk on the team's PostgreSQL server. Those arrive with
``origin=EXTERNAL``, possibly without the new states (the view then reads the rows
again) or, when the watcher cannot tell what changed, with ``everything=True``.

:class:`ChangeHub` delivers them to subscribers on the thread that committed the
write (a worker thread for the desk): a subscriber must be quick and thread-safe;
the desk's subscriber only posts them to the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

log = logging.getLogger(__name__)


class Origin(StrEnum):
    LOCAL = "local"  # a write of this process (this Store)
    EXTERNAL = "external"  # another process or desk, seen by a watcher


@dataclass(frozen=True)
class ItemState:
    """An item's projection after the write."""

    status: str
    head_event: str | None


@dataclass(frozen=True)
class Changes:
    items: frozenset[int] = frozenset()  # items whose row changed (status, head, media, claims...)
    added: frozenset[int] = frozenset()  # items that are new
    events: tuple[str, ...] = ()  # uuids of the events recorded, in order
    media: frozenset[str] = frozenset()  # sha256 of media whose pipeline results changed
    states: Mapping[int, ItemState] = field(default_factory=dict)  # new projection, where known
    everything: bool = False  # something changed, but not said what: reload
    origin: Origin = Origin.LOCAL

    @property
    def empty(self) -> bool:
        return not (self.items or self.added or self.events or self.media or self.everything)

    @classmethod
    def of_events(cls, events: Iterable[str], states: Mapping[int, ItemState]) -> Changes:
        """Events were recorded; ``states`` holds the projection of every item they touched."""
        return cls(
            items=frozenset(states),
            events=tuple(events),
            states=MappingProxyType(dict(states)),
        )

    def merged(self, other: Changes) -> Changes:
        """Both at once (for batching deliveries); the later state of an item wins."""
        return Changes(
            items=self.items | other.items,
            added=self.added | other.added,
            events=self.events + other.events,
            media=self.media | other.media,
            states=MappingProxyType({**self.states, **other.states}),
            everything=self.everything or other.everything,
            origin=other.origin if self.origin == other.origin else Origin.EXTERNAL,
        )


Subscriber = Callable[[Changes], None]


class ChangeHub:
    """Subscribers of one store's change events. Thread-safe; no global state."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: tuple[Subscriber, ...] = ()

    def subscribe(self, fn: Subscriber) -> Callable[[], None]:
        """Call ``fn(changes)`` after every committed write; returns the unsubscribe function."""
        with self._lock:
            self._subscribers = (*self._subscribers, fn)

        def unsubscribe() -> None:
            with self._lock:
                self._subscribers = tuple(s for s in self._subscribers if s is not fn)

        return unsubscribe

    def publish(self, changes: Changes) -> None:
        if changes.empty:
            return
        for fn in self._subscribers:
            try:
                fn(changes)
            except Exception:  # a broken listener must not turn a committed write into an error
                log.exception("a change listener failed")
