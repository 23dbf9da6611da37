"""Province-scale benchmark of the unit tree: import, re-import, subtree reads, moves, API lists.

    python bench/bench_orgs.py [--units 250000] [--runs 3]

Uses a scratch PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/pacesetter_bench), dropped and re-created at each run.
Every figure is the median of ``--runs`` runs, each beside a baseline measured in the same run:
the machine is shared, so compare ratios rather than seconds.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/pacesetter_bench"


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("PACESETTER_HOME", str(ROOT / "var" / "bench"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "pacesetter.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def province_rows(units: int):
    """A province of ``units`` units: 13 cities, 128 counties, 10 townships each, branches."""
    from pacesetter.orgs.spreadsheets import UnitRow

    rows: list[UnitRow] = []

    def add(code: str, name: str, parent: str, kind: str, groups: str) -> None:
        rows.append(UnitRow(number=len(rows) + 2, code=code, name=name, parent_code=parent,
                            kind=kind, groups=groups))

    counties = []
    for c in range(1, 14):
        city = f"23{c:02d}00"
        add(city, f"市{c}", "230000", "party_committee", "市地")
        for k in range(1, 11 if c < 13 else 9):
            county = f"23{c:02d}{k:02d}"
            add(county, f"县{c}-{k}", city, "party_committee", "县(市)")
            counties.append(county)
    townships = [f"{county}{t:03d}" for county in counties for t in range(1, 11)]
    for town in townships:
        add(town, f"镇{town}", town[:6], "township", "乡镇")
    remaining = units - 1 - len(rows)
    per_town, extra = divmod(remaining, len(townships))
    for i, town in enumerate(townships):
        for b in range(1, per_town + (1 if i < extra else 0) + 1):
            add(f"{town}{b:04d}", f"支部{town}-{b}", town, "branch", "支部")
    return rows


def load_root_and_admin():
    from pacesetter.orgs.models import Role, RoleGrant, Unit, User

    root = Unit.objects.create(code="230000", name="省", kind="party_committee", level=1,
                               path="/230000/")
    admin = User.objects.create(username="bench")
    RoleGrant.objects.create(user=admin, role=Role.SYSTEM_ADMIN, unit=root)
    return admin


def bench_import(units: int) -> dict[str, float]:
    from pacesetter.orgs import services
    from pacesetter.orgs.imports import units_import
    from pacesetter.orgs.models import Unit

    admin = load_root_and_admin()
    rows = province_rows(units)
    seconds, _ = timed(lambda: units_import(actor=admin, rows=rows))
    again, result = timed(lambda: units_import(actor=admin, rows=rows))
    assert result.unchanged == len(rows) and not result.changed

    # baseline: the same kind of rows created one by one through the per-unit service
    parent = Unit.objects.get(code="230101001")
    sample = 2000
    baseline, _ = timed(lambda: [
        services.unit_create(actor=admin, code=f"B{i:06d}", name=f"基线{i}", kind="branch",
                             parent=parent)
        for i in range(sample)
    ])
    return {
        "rows": len(rows),
        "import_s": seconds,
        "import_rows_per_s": len(rows) / seconds,
        "reimport_noop_s": again,
        "baseline_one_by_one_rows_per_s": sample / baseline,
    }


def bench_reads(runs: int) -> dict[str, float]:
    from django.db import connection
    from django.test import Client

    from pacesetter.orgs import scope
    from pacesetter.orgs.models import Unit, User
    from pacesetter.orgs.tokens import token_issue

    city = Unit.objects.get(code="230100")
    admin = User.objects.get(username="bench")

    def by_path() -> int:
        return Unit.objects.filter(path__startswith=city.path).count()

    def by_recursive_cte() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "WITH RECURSIVE sub(id) AS (SELECT id FROM orgs_unit WHERE id = %s "
                "UNION ALL SELECT u.id FROM orgs_unit u JOIN sub ON u.parent_id = sub.id) "
                "SELECT count(*) FROM sub", [city.pk])
            return cursor.fetchone()[0]

    assert by_path() == by_recursive_cte()
    path_s = statistics.median(timed(by_path)[0] for _ in range(runs * 3))
    cte_s = statistics.median(timed(by_recursive_cte)[0] for _ in range(runs * 3))

    client = Client()
    headers = {"Authorization": f"Bearer {token_issue(user=admin)[1]}"}
    url = f"/api/v1/units?under={city.pk}&page=50&page_size=50"
    assert client.get(url, headers=headers).status_code == 200
    api_s = statistics.median(timed(lambda: client.get(url, headers=headers))[0]
                              for _ in range(runs * 3))
    scope.forget_grants(admin)
    return {
        "subtree_units": by_path(),
        "subtree_count_by_path_ms": path_s * 1000,
        "subtree_count_by_recursive_cte_ms": cte_s * 1000,
        "api_units_page_under_city_ms": api_s * 1000,
    }


def bench_move() -> dict[str, float]:
    from pacesetter.orgs import services
    from pacesetter.orgs.models import Unit, User

    admin = User.objects.get(username="bench")
    county = Unit.objects.get(code="230101")
    size = Unit.objects.filter(path__startswith=county.path).count()
    seconds, _ = timed(lambda: services.unit_move(
        actor=admin, unit=county, new_parent=Unit.objects.get(code="230200")))
    return {"moved_subtree_units": size, "move_ms": seconds * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=250_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    sys.path.insert(0, str(ROOT / "src"))
    results: list[dict[str, float]] = []
    for run in range(args.runs):
        recreate_database(url)
        if run == 0:
            setup_django(url)
        else:
            from django.core.management import call_command
            from django.db import connections

            connections.close_all()
            call_command("migrate", verbosity=0)
        figures = bench_import(args.units)
        figures.update(bench_reads(args.runs))
        figures.update(bench_move())
        results.append(figures)
        print(f"run {run + 1}: " + ", ".join(f"{k}={v:,.1f}" for k, v in figures.items()),
              flush=True)
    print(f"\nmachine: {platform.node()} · {os.cpu_count()} cores · Python "
          f"{platform.python_version()} · PostgreSQL · median of {args.runs} runs")
    for key in results[0]:
        print(f"{key:<36} {statistics.median(r[key] for r in results):>12,.1f}")


if __name__ == "__main__":
    main()
