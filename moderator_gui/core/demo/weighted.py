"""A fast weighted choice, shared by the queue rows and the history."""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """A weighted choice that costs one ``random()`` and a bisect (``random.choices`` is 3x slower,
    which shows when a million rows are planned)."""

    def __init__(self, values: Sequence[T], weights: Sequence[float]) -> None:
        self.values = tuple(values)
        self.cum = list(itertools.accumulate(weights))

    def pick(self, rng: random.Random) -> T:
        return self.values[bisect.bisect(self.cum, rng.random() * self.cum[-1])]

