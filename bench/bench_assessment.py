"""Scoring a province-scale plan from the database to written results.

    python bench/bench_assessment.py [--units 250000] [--indicators 20] [--groups 2000]
                                     [--runs 3] [--naive 5000] [--profile] [--reuse]

Set-up (not timed): a scratch PostgreSQL database with the 250,000-unit province of
``bench_orgs.py``, every branch in one of 2,000 peer groups, a plan assessing the branches on
20 indicators, and 5 million values loaded with COPY. Timed, median of ``--runs``:
``services.plan_score`` (one read of the values, the engine, results written with COPY) as
the first scoring of a period, and again replacing the draft it wrote; and beside it a naive
per-unit ORM loop (read a unit's values, score it, save its result) on a ``--naive`` slice,
to show the factor saved. Peak memory is Python's, from tracemalloc.
``--reuse`` keeps the database of an earlier run (migrated to the current schema) instead of
building it again.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import os
import platform
import pstats
import statistics
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_orgs


def setup(units: int, indicators: int, groups: int):
    from django.db import connection

    from pacesetter.assessment import services
    from pacesetter.orgs.imports import units_import
    from pacesetter.orgs.models import PeerGroup, Unit

    admin = bench_orgs.load_root_and_admin()
    units_import(actor=admin, rows=bench_orgs.province_rows(units))
    root = Unit.objects.get(code="230000")
    branches = list(Unit.objects.filter(level=5).order_by("pk").values_list("pk", flat=True))
    PeerGroup.objects.bulk_create([PeerGroup(name=f"组{g:04d}") for g in range(groups)])
    group_ids = list(PeerGroup.objects.filter(name__startswith="组").order_by("name")
                     .values_list("pk", flat=True))
    rng = np.random.default_rng(11)
    membership = rng.integers(0, groups, size=len(branches))
    through = Unit.peer_groups.through._meta.db_table
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {through} (unit_id, peergroup_id) FROM STDIN") as copy:
        for unit_id, g in zip(branches, membership, strict=True):
            copy.write_row((unit_id, group_ids[g]))
    period = services.period_get(kind="month", day=datetime.date(2026, 10, 1))
    plan = services.plan_create(actor=admin, owner=root, name="全省支部考核", period=period,
                                assessed_levels=[5], ranking_groups=[f"组{g:04d}" for g in
                                                                     range(groups)],
                                red_top_percent=Decimal(10), black_bottom_percent=Decimal(10),
                                gray_below_score=Decimal(40))
    weight = Decimal(100) / indicators
    for j in range(indicators):
        indicator = services.indicator_create(
            actor=admin, owner=root, code=f"I{j:02d}", name=f"指标{j}", direction=1 if j % 4
            else -1, rule_kind="normalize", rule={"method": "minmax"})
        services.plan_indicator_set(actor=admin, plan=plan, indicator=indicator, weight=weight)
    open_started = time.perf_counter()
    services.plan_open(actor=admin, plan=plan)
    open_s = time.perf_counter() - open_started
    items = list(plan.plan_indicators.order_by("pk").values_list("pk", flat=True))
    values = rng.uniform(0, 100, size=(len(branches), indicators)).round(2)
    buffer = io.StringIO()
    now = "2026-11-22 00:00:00+08"
    for u, unit_id in enumerate(branches):
        for j, item in enumerate(items):
            buffer.write(f"{plan.pk}\t{unit_id}\t{item}\t{values[u, j]}\t\t{now}\n")
    buffer.seek(0)
    with connection.cursor() as cursor, cursor.cursor.copy(
            "COPY assessment_indicatorvalue (plan_id, unit_id, plan_indicator_id, value, "
            "comment, updated_at) FROM STDIN") as copy:
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)
    return admin, plan, open_s


def timed(function, **kwargs):
    started = time.perf_counter()
    value = function(**kwargs)
    return value, time.perf_counter() - started


def drafts_delete(plan) -> None:
    """Not timed: the next scoring then has no draft to replace, as the first of a period."""
    from pacesetter.assessment.models import AreaResult, ResultVersion, UnitResult

    drafts = ResultVersion.objects.filter(plan=plan, is_published=False)
    UnitResult.objects.filter(version__in=drafts).delete()
    AreaResult.objects.filter(version__in=drafts).delete()
    drafts.delete()


def naive_loop(plan, sample: int) -> float:
    """What a per-unit implementation costs: per unit, read its values, score, save."""
    from pacesetter.assessment.models import IndicatorValue, ResultVersion, UnitResult

    version = ResultVersion.objects.create(plan=plan, number=999, weights={})
    items = {i.pk: float(i.weight) for i in plan.plan_indicators.all()}
    started = time.perf_counter()
    for plan_unit in plan.plan_units.all()[:sample]:
        total = 0.0
        for value in IndicatorValue.objects.filter(plan=plan, unit_id=plan_unit.unit_id):
            total += items[value.plan_indicator_id] / 100 * float(value.value)
        UnitResult.objects.create(version=version, unit_id=plan_unit.unit_id,
                                  total=Decimal(str(round(total, 4))),
                                  weighted_score=Decimal(str(round(total, 4))), rank=1,
                                  group_rank=1)
    elapsed = time.perf_counter() - started
    version.delete()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=250_000)
    parser.add_argument("--indicators", type=int, default=20)
    parser.add_argument("--groups", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--naive", type=int, default=5000)
    parser.add_argument("--profile", action="store_true",
                        help="also run plan_score once under cProfile and print where it goes")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database of an earlier run of this script")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", bench_orgs.DEFAULT_URL)
    if not args.reuse:
        bench_orgs.recreate_database(url)
    bench_orgs.setup_django(url)
    from pacesetter.assessment import services
    from pacesetter.assessment.models import AssessmentPlan, IndicatorValue

    if args.reuse:
        plan = AssessmentPlan.objects.get(name="全省支部考核")
        admin, open_s = plan.created_by, float("nan")
    else:
        admin, plan, open_s = setup(args.units, args.indicators, args.groups)
    assessed = plan.plan_units.count()
    stored = IndicatorValue.objects.filter(plan=plan).count()
    first, again = [], []
    for run in range(args.runs):
        drafts_delete(plan)
        first.append(timed(services.plan_score, actor=admin, plan=plan)[1])
        version, seconds = timed(services.plan_score, actor=admin, plan=plan)
        again.append(seconds)
        print(f"run {run + 1}: plan_score {first[-1]:.1f} s, again (replacing that draft) "
              f"{again[-1]:.1f} s", flush=True)
    assert version.results.count() == assessed
    tracemalloc.start()  # a separate run: tracemalloc slows Python down several times
    services.plan_score(actor=admin, plan=plan)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(services.plan_score, actor=admin, plan=plan)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(
            "services.py|bulk.py|scoring.py|commit", 20)
    naive_s = naive_loop(plan, args.naive)
    score_s = statistics.median(first)
    per_unit_naive = naive_s / args.naive
    print(f"\nmachine: {platform.node()} · {os.cpu_count()} cores · Python "
          f"{platform.python_version()} · PostgreSQL · median of {args.runs} runs")
    print(f"assessed units {assessed:,} · values {stored:,} · ranking groups {args.groups:,}")
    print(f"plan_open (resolve units, groups, submissions)  {open_s:8.1f} s")
    print(f"plan_score, database to written results          {score_s:8.1f} s")
    print(f"plan_score again, replacing the draft            {statistics.median(again):8.1f} s")
    print(f"peak Python memory during plan_score             {peak / 2**20:8.0f} MiB")
    extrapolated = per_unit_naive * assessed
    print(f"naive per-unit ORM loop on {args.naive:,} units           {naive_s:8.1f} s "
          f"→ {extrapolated:,.0f} s for all ({extrapolated / score_s:,.0f}×)")


if __name__ == "__main__":
    main()
