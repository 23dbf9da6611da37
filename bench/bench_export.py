"""Exporting a province-scale result to xlsx: the streamed (write-only) export against a
workbook built in memory.

    python bench/bench_export.py [--units 250000] [--indicators 20] [--groups 2000]
                                 [--runs 3] [--slice 20000]

Set-up (not timed): the scored plan of ``bench_assessment.py`` (every branch of the
``bench_orgs.py`` province, 20 indicators, 2,000 ranking groups) in a scratch PostgreSQL
database (``BENCH_DATABASE_URL``). Timed, median of ``--runs``: ``spreadsheets.results_file``
for the whole version (rank, group, unit, total, bonus, deduction, veto, list, changes, and a
raw value and points per indicator), rows read in chunks and written by openpyxl in write-only
mode to a temporary file. The baseline is the same function with the workbook built in memory
(openpyxl's default mode), on the first ``--slice`` rows, since it grows with the rows.

Every export runs in a fresh Python process (Django set up, nothing else), so its memory is
measured from a clean start: the growth of the resident set from just before the export to
its peak (VmHWM), and, in separate runs on the slice, Python's own peak from tracemalloc
(which slows Python down several times, so it is not timed). ``--reuse`` keeps the scored plan
of an earlier run instead of building it again.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_assessment
import bench_orgs


def _status(field: str) -> int:
    """A /proc/self/status figure in bytes (VmRSS, VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise LookupError(field)


def child(mode: str, limit: int, trace: bool) -> None:
    """One export in this fresh process; prints seconds, peak RSS growth, traced peak, size."""
    bench_orgs.setup_django(os.environ["BENCH_DATABASE_URL"])
    from openpyxl import Workbook

    from pacesetter.assessment import selectors, spreadsheets
    from pacesetter.assessment.models import ResultVersion
    from pacesetter.orgs.models import User

    admin = User.objects.get(username="bench")
    version = ResultVersion.objects.select_related("plan__owner", "plan__period").latest("pk")
    if limit:
        full = selectors.results
        spreadsheets.selectors.results = lambda **kwargs: full(**kwargs)[:limit]
    if mode == "memory":
        spreadsheets.Workbook = lambda write_only=False: Workbook(write_only=False)
    if trace:
        tracemalloc.start()
    before = _status("VmRSS")
    started = time.perf_counter()
    with spreadsheets.results_file(actor=admin, plan=version.plan, version=version) as handle:
        size = handle.seek(0, os.SEEK_END)
    seconds = time.perf_counter() - started
    traced = tracemalloc.get_traced_memory()[1] if trace else 0
    print(json.dumps({"seconds": seconds, "rss": _status("VmHWM") - before, "traced": traced,
                      "size": size}))


def measure(mode: str, limit: int = 0, trace: bool = False) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", mode, "--limit", str(limit)]
    if trace:
        command.append("--trace")
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=250_000)
    parser.add_argument("--indicators", type=int, default=20)
    parser.add_argument("--groups", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slice", type=int, default=20_000)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the scored plan of an earlier run of this script")
    parser.add_argument("--child", choices=["streamed", "memory"], help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = os.environ.setdefault("BENCH_DATABASE_URL", bench_orgs.DEFAULT_URL)
    if args.child:
        child(args.child, args.limit, args.trace)
        return
    if not args.reuse:
        bench_orgs.recreate_database(url)
    bench_orgs.setup_django(url)
    from openpyxl import load_workbook

    from pacesetter.assessment import services, spreadsheets
    from pacesetter.assessment.models import ResultVersion

    if args.reuse:
        version = ResultVersion.objects.select_related("plan").latest("pk")
    else:
        started = time.perf_counter()
        admin, plan, _open_s = bench_assessment.setup(args.units, args.indicators, args.groups)
        version = services.plan_score(actor=admin, plan=plan)
        print(f"set-up {time.perf_counter() - started:.0f} s", flush=True)
    rows = version.results.count()
    indicators = len(version.weights)
    with spreadsheets.results_file(actor=version.plan.created_by, plan=version.plan,
                                   version=version) as handle:
        sheet = load_workbook(handle, read_only=True).worksheets[0]
        written = sum(1 for _row in sheet.iter_rows(values_only=True)) - 1
    assert written == rows, (written, rows)
    print(f"checked: {written:,} results in the file", flush=True)

    streamed, sliced, in_memory = [], [], []
    for run in range(args.runs):
        streamed.append(measure("streamed"))
        sliced.append(measure("streamed", args.slice))
        in_memory.append(measure("memory", args.slice))
        print(f"run {run + 1}: streamed all {streamed[-1]['seconds']:.1f} s "
              f"+{streamed[-1]['rss'] / 2**20:.0f} MiB · {args.slice:,} rows streamed "
              f"{sliced[-1]['seconds']:.1f} s +{sliced[-1]['rss'] / 2**20:.0f} MiB, in memory "
              f"{in_memory[-1]['seconds']:.1f} s +{in_memory[-1]['rss'] / 2**20:.0f} MiB",
              flush=True)
    traced_streamed = measure("streamed", args.slice, trace=True)["traced"]
    traced_memory = measure("memory", args.slice, trace=True)["traced"]

    def median(samples: list[dict[str, float]], key: str = "seconds") -> float:
        return statistics.median(s[key] for s in samples)

    mib = 2**20
    cells = rows * (13 + 2 * indicators)
    print(f"\nmachine: {platform.node()} · {os.cpu_count()} cores · Python "
          f"{platform.python_version()} · PostgreSQL · median of {args.runs} runs, each export "
          "in a fresh process")
    print(f"results {rows:,} × {indicators} indicators ({cells:,} cells), "
          f"file {streamed[-1]['size'] / mib:.0f} MiB")
    print(f"streamed, all {rows:,} rows        {median(streamed):8.1f} s "
          f"({cells / median(streamed):,.0f} cells/s)  peak RSS growth "
          f"{median(streamed, 'rss') / mib:5.0f} MiB")
    print(f"streamed, first {args.slice:,} rows     {median(sliced):8.1f} s  peak RSS growth "
          f"{median(sliced, 'rss') / mib:5.0f} MiB  tracemalloc peak "
          f"{traced_streamed / mib:5.0f} MiB")
    print(f"in memory, first {args.slice:,} rows    {median(in_memory):8.1f} s  peak RSS growth "
          f"{median(in_memory, 'rss') / mib:5.0f} MiB  tracemalloc peak "
          f"{traced_memory / mib:5.0f} MiB")
    factor = rows / args.slice
    print(f"in memory, extrapolated to {rows:,} rows: about {median(in_memory) * factor:,.0f} s "
          f"and {median(in_memory, 'rss') * factor / 2**30:.1f} GiB")


if __name__ == "__main__":
    main()
