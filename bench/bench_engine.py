"""The engine alone at province scale, beside hand-written numpy doing the same computation.

    python bench/bench_engine.py [--units 250000] [--indicators 20] [--groups 2000] [--runs 5]

The computation is the scoring core of an assessment: min-max normalize 250,000 units × 20
indicators (a quarter of them lower-is-better), weighted sum, rank within 2,000 peer groups and
overall, and roll the totals up a 4-level tree (county → city → province). Figures are
medians of ``--runs``; the baseline is plain numpy written for this one case, without the
engine's validation and general parameters. Issue 3's targets: the engine under 1 s and
within 1.5× of the baseline.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import tracemalloc
from collections.abc import Callable

import numpy as np

from pacesetter.engine import normalize, rank, rank_within, rollup, weighted_sum


def province(units: int, indicators: int, groups: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    matrix = rng.uniform(0, 100, size=(units, indicators))
    directions = np.where(np.arange(indicators) % 4 == 3, -1.0, 1.0)
    weights = rng.uniform(1, 10, size=indicators)
    weights /= weights.sum()
    peer_group = rng.integers(0, groups, size=units)
    # tree: 1 province, 13 cities, 128 counties, then the units under counties
    cities = np.full(13, 0)
    counties = 1 + rng.integers(0, 13, size=128)
    leaves = 1 + 13 + rng.integers(0, 128, size=units)
    parents = np.concatenate([[-1], cities, counties, leaves])
    return matrix, directions, weights, peer_group, parents


def with_engine(matrix, directions, weights, peer_group, parents):
    scores = weighted_sum(normalize(matrix, "minmax", directions), weights)
    group_rank = rank_within(scores, peer_group)
    overall = rank(scores)
    tree_values = np.concatenate([np.zeros(len(parents) - len(scores)), scores])
    return scores, group_rank, overall, rollup(tree_values, parents)


def by_hand(matrix, directions, weights, peer_group, parents):
    low, high = matrix.min(axis=0), matrix.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    normalized = np.where(directions > 0, (matrix - low) / span, (high - matrix) / span)
    scores = normalized @ weights
    keys = -scores
    order = np.lexsort((keys, peer_group))
    sorted_keys, sorted_groups = keys[order], peer_group[order]
    positions = np.arange(len(keys))
    group_start = np.r_[True, sorted_groups[1:] != sorted_groups[:-1]]
    tie_start = group_start | np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]
    first_group = np.maximum.accumulate(np.where(group_start, positions, 0))
    first_tie = np.maximum.accumulate(np.where(tie_start, positions, 0))
    group_rank = np.empty(len(keys), dtype=np.int64)
    group_rank[order] = first_tie - first_group + 1
    overall = np.searchsorted(np.sort(keys), keys) + 1
    values = np.concatenate([np.zeros(len(parents) - len(scores)), scores])
    head = len(parents) - len(scores)
    for lo, hi in ((head, len(parents)), (14, head), (1, 14)):
        sums = np.bincount(parents[lo:hi], weights=values[lo:hi], minlength=len(parents))
        counts = np.bincount(parents[lo:hi], minlength=len(parents))
        targets = np.unique(parents[lo:hi])
        values[targets] = sums[targets] / counts[targets]
    return scores, group_rank, overall, values


def median_seconds(action: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=250_000)
    parser.add_argument("--indicators", type=int, default=20)
    parser.add_argument("--groups", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data = province(args.units, args.indicators, args.groups)
    ours, theirs = with_engine(*data), by_hand(*data)
    for mine, reference in zip(ours, theirs, strict=True):
        assert np.allclose(mine, reference), "the engine and the baseline disagree"
    engine_s = median_seconds(lambda: with_engine(*data), args.runs)
    hand_s = median_seconds(lambda: by_hand(*data), args.runs)
    tracemalloc.start()
    with_engine(*data)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"machine: {platform.node()} · {os.cpu_count()} cores · Python "
          f"{platform.python_version()} · numpy {np.__version__} · median of {args.runs} runs")
    print(f"{args.units:,} units × {args.indicators} indicators, {args.groups:,} peer groups")
    print(f"engine            {engine_s:8.3f} s   peak {peak / 2**20:,.0f} MiB above the input")
    print(f"hand-written numpy {hand_s:7.3f} s")
    print(f"ratio engine / hand-written: {engine_s / hand_s:.2f}")


if __name__ == "__main__":
    main()
