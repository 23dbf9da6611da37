"""Integrity flags for gamed surveys, as plain numpy over a campaign's responses.

Gaming is documented in this field: staff told to answer 非常满意 for their own unit, paid
answers, one office filling in many forms. Three signs are flagged (the responses are kept,
shown for review, and excluded only by a person with a recorded reason):

* a burst of identical all-top answers about one unit: at least ``burst_count`` responses
  giving every rating item its best option within ``burst_minutes``;
* many responses from one network (the keyed /24 or /48 prefix) within ``network_minutes``;
* answer-time outliers: less than ``seconds_per_item`` per answered item, or less than a
  quarter of the campaign's median time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pacesetter.surveys.models import Flag


@dataclass(frozen=True)
class Thresholds:
    burst_count: int = 5
    burst_minutes: float = 10
    network_count: int = 20
    network_minutes: float = 10
    seconds_per_item: float = 1.0

    @classmethod
    def of(cls, settings: dict[str, Any] | None) -> Thresholds:
        given = settings or {}
        defaults = cls()
        return cls(**{name: type(getattr(defaults, name))(given.get(name, getattr(defaults, name)))
                      for name in cls.__dataclass_fields__})


def in_bursts(seconds: np.ndarray, keys: np.ndarray, *, window: float, count: int) -> np.ndarray:
    """Whether each event lies in a burst: a span of ``window`` seconds holding at least
    ``count`` events of the same key. Sorted once by (key, time); each event that starts such
    a span marks the span's events, through a difference array: no loop over events."""
    n = len(seconds)
    marked = np.zeros(n, dtype=bool)
    if n == 0 or count < 1:
        return marked
    times = np.asarray(seconds, dtype=np.int64)
    times -= times.min()
    combined = (np.asarray(keys, dtype=np.int64) << 34) + times
    order = np.argsort(combined, kind="stable")
    ordered = combined[order]
    ends = np.searchsorted(ordered, ordered + int(window), side="right")
    starts = np.arange(n)[ends - np.arange(n) >= count]
    if not len(starts):
        return marked
    cover = np.zeros(n + 1, dtype=np.int64)
    np.add.at(cover, starts, 1)
    np.add.at(cover, ends[starts], -1)
    marked[order] = np.cumsum(cover[:-1]) > 0
    return marked


def flags(*, seconds: np.ndarray, targets: np.ndarray, networks: np.ndarray,
          durations: np.ndarray, top: np.ndarray, answered: np.ndarray,
          thresholds: Thresholds) -> np.ndarray:
    """The integrity flags (``Flag`` bits) of each response; ``durations`` < 0 where unknown,
    ``top`` whether it gave every rating item its best option, ``answered`` how many items it
    answered."""
    result = np.zeros(len(seconds), dtype=np.int64)
    if not len(seconds):
        return result
    top_rows = np.flatnonzero(top)
    burst = in_bursts(seconds[top_rows], targets[top_rows],
                      window=thresholds.burst_minutes * 60, count=thresholds.burst_count)
    result[top_rows[burst]] |= Flag.TOP_BURST
    known = np.flatnonzero(networks > 0)
    crowd = in_bursts(seconds[known], networks[known], window=thresholds.network_minutes * 60,
                      count=thresholds.network_count)
    result[known[crowd]] |= Flag.NETWORK_BURST
    timed = durations >= 0
    if timed.any():
        median = float(np.median(durations[timed]))
        fast = timed & ((durations < thresholds.seconds_per_item * answered)
                        | (durations < median / 4))
        result[fast] |= Flag.TOO_FAST
    return result
