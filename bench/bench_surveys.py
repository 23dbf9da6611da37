"""Satisfaction surveys at province scale (issue 4): the public submission endpoint under load,
results over a million responses, and the raw responses exported to xlsx.

    python bench/bench_surveys.py [--parts load results export] [--responses 1000000]
        [--runs 3] [--load-runs 3] [--duration 20] [--concurrency 16 64] [--workers 4]
        [--serve-src DIR] [--export-runs 3] [--slice 100000] [--naive 100000] [--profile]
        [--reuse]

Set-up (not timed, in a scratch PostgreSQL database ``BENCH_DATABASE_URL``, default
``…/pacesetter_bench_surveys``): the root, 13 cities and 64 counties; seed 002's
questionnaire (19 rating items on 4 aspects, 3 respondent attributes, a free-text item)
through the XLSForm import; a campaign over the 64 counties for the load test, one holding
``--responses`` generated responses (numpy, then COPY) for the results and the export, and a
small one with awkward texts on which the export is compared with the openpyxl writer.

* ``load``: gunicorn serves the product (``surveys_bench_settings``: the product's settings
  and URLs plus a bench-only bare view; ``--serve-src`` serves another ``src`` folder, e.g.
  an earlier commit's, to measure a change); wrk posts submissions through
  ``surveys_load.lua`` (80% new respondents, 5% retries of an earlier submission, 5% earlier
  respondents with another submission, 10% invalid answers, over the 64 links) at each
  ``--concurrency`` for ``--duration`` seconds; and in the same run, alternating with it, the
  same load against the ceiling, a bare view that inserts one row. Each run reports
  requests/s, latency percentiles, and the server's CPU per request (its gunicorn workers and
  their PostgreSQL backends, read from /proc: on a shared machine the steadier figure); the
  ratio to the ceiling is taken run by run, between neighbouring runs. After each run the
  database is checked against what wrk saw.
* ``results``: ``results.compute``, ``services.results_current`` and
  ``services.integrity_review`` over the million (and the review reading rows one by one, as
  it did before); baselines: one SQL aggregate of the item means per unit (checked equal to
  compute's), and the naive ORM loop on ``--naive`` rows.
* ``export``: the background export job of the raw responses (``surveys.responses``), each
  run in a fresh process for its time and peak memory; baselines: the same export through
  openpyxl's write-only mode (the writer before this benchmark) on ``--slice`` rows, and the
  same rows and columns as CSV.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import datetime
import json
import os
import platform
import pstats
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import bench_orgs  # noqa: E402
import surveys_setup  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/pacesetter_bench_surveys"
MIB = 2**20
LOG_FILE = BENCH.parent / "var" / "bench" / "gunicorn.log"


# ---------------------------------------------------------------------------------------------
# common


def median(values: list[float]) -> float:
    return statistics.median(values)


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def campaign(title: str) -> Any:
    from pacesetter.surveys.models import Campaign

    return Campaign.objects.select_related("questionnaire", "owner").get(title=title)


def setup(responses: int) -> None:
    started = time.perf_counter()
    _admin, _load, results = surveys_setup.setup_surveys()
    surveys_setup.load_responses(results, responses)
    print(f"set-up {time.perf_counter() - started:.0f} s: {responses:,} responses", flush=True)


# ---------------------------------------------------------------------------------------------
# (a) the public submission endpoint under load


PRODUCT_PATH = "/api/v1/public/surveys/%s/responses"
BARE_PATH = "/bench/bare/%s/responses"


def server_start(url: str, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    """gunicorn on ``--port`` with the bench settings; rate limiting off
    (``SURVEY_RATE_LIMIT`` 0: every request comes from 127.0.0.1), persistent database
    connections, the product's logging (a warning per 4xx) to ``var/bench/gunicorn.log``.
    ``--serve-src`` serves another source tree (an earlier commit, a proposed change)."""
    port, workers, worker_class, threads = (args.port, args.workers, args.worker_class,
                                            args.threads)
    path = [str(BENCH), *([args.serve_src] if args.serve_src else []),
            os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "surveys_bench_settings",
           "DATABASE_URL": url, "SURVEY_RATE_LIMIT": "0", "ALLOWED_HOSTS": "127.0.0.1",
           "DEBUG": "0", "DB_CONN_MAX_AGE": "600", "LOG_LEVEL": "WARNING",
           "PYTHONPATH": os.pathsep.join(path)}
    log = open(LOG_FILE, "ab")  # noqa: SIM115 the server's, closed with it
    command = [sys.executable, "-m", "gunicorn", "pacesetter.wsgi:application",
               "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--worker-class", worker_class, "--threads", str(threads),
               "--backlog", "2048", "--log-level", "warning"]
    server = subprocess.Popen(command, env=env, start_new_session=True,  # noqa: S603
                              stdout=log, stderr=log)
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare/x/responses",
                                   timeout=2)
        except urllib.error.HTTPError:  # 405: the view is there and refuses a GET
            return server
        except OSError:
            time.sleep(0.5)
    server_stop(server)
    raise RuntimeError("gunicorn did not answer within a minute")


def server_stop(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def wrk_run(port: int, path: str, tokens: list[str], connections: int, active: float,
            run: int, drain: float = 5.0) -> dict[str, Any]:
    """One wrk run; its counts, latencies, and the ids of the 201 and 200 answers."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{active + drain:.0f}s", "--timeout", "10s",
               "-s", str(BENCH / "surveys_load.lua"), f"http://127.0.0.1:{port}", "--",
               f"path={path}", f"tokens={','.join(tokens)}", f"run={run}",
               f"active={active}"]
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    found: dict[str, Any] = {}
    for line in done.stdout.splitlines():
        if line.startswith("BENCH "):
            found.update(json.loads(line[6:]))
        elif line.startswith("IDS "):
            found["ids"] = [int(v) for v in line[4:].split(",") if v]
        elif line.startswith("RETRY_IDS "):
            found["retry_ids"] = [int(v) for v in line[10:].split(",") if v]
    if "completed" not in found:
        raise RuntimeError(f"wrk said: {done.stdout}\n{done.stderr}")
    found["rps"] = found["completed"] / found["seconds"]
    return found


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu(master: int) -> dict[int, float]:
    """CPU seconds so far of each gunicorn worker and each PostgreSQL backend serving them
    (every client of the bench database but this process's own connection)."""
    from django.db import connection

    workers = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()
               and _parent(int(p.name)) == master]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND backend_type = 'client backend' AND pid <> pg_backend_pid()")
        backends = [row[0] for row in cursor.fetchall()]
    return {**{pid: _cpu_seconds(pid) for pid in workers},
            **{-pid: _cpu_seconds(pid) for pid in backends}}


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def cpu_used(before: dict[int, float], after: dict[int, float]) -> tuple[float, float]:
    """(gunicorn workers, PostgreSQL backends) CPU seconds between two ``server_cpu``."""
    used = {pid: after[pid] - before.get(pid, 0.0) for pid in after}
    return (sum(v for pid, v in used.items() if pid > 0),
            sum(v for pid, v in used.items() if pid < 0))


def stored_count(bare: bool, campaign_id: int) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        if bare:
            cursor.execute(f"SELECT count(*) FROM {surveys_setup.BARE_TABLE}")  # noqa: S608
        else:
            cursor.execute("SELECT count(*) FROM surveys_response WHERE campaign_id = %s",
                           [campaign_id])
        return cursor.fetchone()[0]


def settled_count(bare: bool, campaign_id: int) -> int:
    """The stored rows once the server has finished: requests still queued when wrk stopped
    (behind connections it had opened and left idle) are answered after it closes them."""
    last, steady = stored_count(bare, campaign_id), 0
    deadline = time.monotonic() + 30
    while steady < 3 and time.monotonic() < deadline:
        time.sleep(0.3)
        now = stored_count(bare, campaign_id)
        steady = steady + 1 if now == last else 0
        last = now
    return last


def sent(seen: dict[str, Any]) -> int:
    return seen["new"] + seen["retry"] + seen["duplicate"] + seen["invalid"]


def verify_product(seen: dict[str, Any], stored: int, campaign_id: int) -> list[str]:
    """What must hold after a run of the product: each new respondent sent is stored once
    (retries, duplicates and invalid answers add nothing); every 201 wrk saw is a distinct
    stored row, and the stored rows it did not see are at most the requests it never saw
    answered; no respondent twice for a unit; retries got a stored response's id."""
    from django.db import connection

    problems = []
    ids = seen.get("ids", [])
    errors = sum(seen[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    if errors or seen["sother"]:
        problems.append(f"{errors} socket errors or timeouts, {seen['sother']} other statuses")
    if stored != seen["new"]:
        problems.append(f"stored {stored} rows for {seen['new']} new respondents")
    if len(ids) != seen["s201"] or len(set(ids)) != len(ids):
        problems.append(f"{seen['s201']} 201s with {len(set(ids))} distinct ids")
    if not 0 <= stored - seen["s201"] <= sent(seen) - seen["completed"]:
        problems.append(f"stored {stored}, 201s seen {seen['s201']}, unanswered "
                        f"{sent(seen) - seen['completed']}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM surveys_response WHERE campaign_id = %s AND "
                       "id = ANY(%s)", [campaign_id, ids])
        if cursor.fetchone()[0] != len(set(ids)):
            problems.append("a 201's id is not stored")
        cursor.execute("SELECT count(*) FROM (SELECT 1 FROM surveys_response WHERE "
                       "campaign_id = %s GROUP BY target_id, respondent_key "
                       "HAVING count(*) > 1) AS twice", [campaign_id])
        if cursor.fetchone()[0]:
            problems.append("a respondent stored twice for one unit")
        retried = sorted(set(seen.get("retry_ids", [])))
        cursor.execute("SELECT count(*) FROM surveys_response WHERE id = ANY(%s)", [retried])
        if cursor.fetchone()[0] != len(retried):
            problems.append("a retry answered with an id that is not stored")
    return problems


def verify_bare(seen: dict[str, Any], stored: int) -> list[str]:
    ids = seen.get("ids", [])
    if stored == sent(seen) and seen["s201"] == seen["completed"] == len(set(ids)) and \
            0 <= stored - seen["s201"] <= sent(seen) - seen["completed"]:
        return []
    return [f"bare: sent {sent(seen)}, stored {stored}, 201s {seen['s201']}, "
            f"completed {seen['completed']}"]


def load_test(args: argparse.Namespace, url: str) -> dict[int, dict[str, list[dict[str, Any]]]]:
    """Each concurrency, ``--load-runs`` times the product and the ceiling one after the other
    (the order alternating), against one gunicorn; every run verified."""
    load = campaign(surveys_setup.LOAD_TITLE)
    tokens = list(load.targets.order_by("pk").values_list("link_token", flat=True))
    server = server_start(url, args)
    figures: dict[int, dict[str, list[dict[str, Any]]]] = {}
    run = int(time.time()) % 100_000 * 100
    try:
        for path in (PRODUCT_PATH, BARE_PATH):  # warm up: connections, caches, forms
            wrk_run(args.port, path, tokens, 16, 3, run, drain=2)
            run += 1
        for connections in args.concurrency:
            figures[connections] = {"product": [], "bare": []}
            for repeat in range(args.load_runs):
                order = ("product", "bare") if repeat % 2 == 0 else ("bare", "product")
                for name in order:
                    run += 1
                    bare = name == "bare"
                    before = settled_count(bare, load.pk)
                    cpu_before = server_cpu(server.pid)
                    seen = wrk_run(args.port, BARE_PATH if bare else PRODUCT_PATH, tokens,
                                   connections, args.duration, run)
                    python_s, database_s = cpu_used(cpu_before, server_cpu(server.pid))
                    seen["python_ms"] = python_s / seen["completed"] * 1000
                    seen["database_ms"] = database_s / seen["completed"] * 1000
                    stored = settled_count(bare, load.pk) - before
                    seen["problems"] = verify_bare(seen, stored) if bare else \
                        verify_product(seen, stored, load.pk)
                    seen["stored"] = stored
                    figures[connections][name].append(seen)
                    print(f"c={connections} {name:7} run {repeat + 1}: {seen['rps']:7.0f} req/s, "
                          f"p50 {seen['p50_ms']:6.1f} ms, p99 {seen['p99_ms']:6.1f} ms, CPU "
                          f"{seen['python_ms']:.2f} + {seen['database_ms']:.2f} ms/request; "
                          f"201 {seen['s201']}, 200 {seen['s200']}, 409 {seen['s409']}, "
                          f"422 {seen['s422']}; stored {stored} "
                          f"(+{stored - seen['s201']} after wrk stopped); "
                          f"{'; '.join(seen['problems']) or 'verified'}", flush=True)
    finally:
        server_stop(server)
    return figures


def load_summary(figures: dict[int, dict[str, list[dict[str, Any]]]], args: argparse.Namespace
                 ) -> None:
    """Medians of each figure, and of the ratios of each product run to the ceiling run next
    to it (on a shared machine the pairs see the same neighbours, a median of each side may
    not). CPU per request is the server's own: gunicorn workers + their PostgreSQL backends."""
    print(f"\n(a) POST {PRODUCT_PATH % '<token>'}: gunicorn {args.workers} {args.worker_class} "
          f"workers serving {args.serve_src or 'this tree'}, wrk -t2 on the same 2 cores, "
          f"{args.duration:.0f} s a run, median of {args.load_runs}")
    print(f"{'c':>4} {'':8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/req':>11}   "
          "product / ceiling (paired runs)")
    keys = ("rps", "p50_ms", "p99_ms", "python_ms", "database_ms")
    for connections, runs in figures.items():
        product = {k: median([r[k] for r in runs["product"]]) for k in keys}
        bare = {k: median([r[k] for r in runs["bare"]]) for k in keys}
        pairs = list(zip(runs["product"], runs["bare"], strict=True))
        rate = median([p["rps"] / b["rps"] for p, b in pairs])
        cost = median([(b["python_ms"] + b["database_ms"]) / (p["python_ms"] + p["database_ms"])
                       for p, b in pairs])
        for name, row in (("product", product), ("ceiling", bare)):
            print(f"{connections:>4} {name:8} {row['rps']:8.0f} {row['p50_ms']:8.1f} "
                  f"{row['p99_ms']:8.1f} {row['python_ms']:5.2f}+{row['database_ms']:.2f}"
                  + (f"   {rate:.0%} of the requests/s, {cost:.0%} by CPU per request"
                     if name == "product" else ""))
        problems = [p for name in runs for r in runs[name] for p in r["problems"]]
        stored = sum(r["stored"] for r in runs["product"])
        seen = sum(r["s201"] for r in runs["product"])
        new = sum(r["new"] for r in runs["product"])
        print(f"     verified: {new:,} new respondents sent, {stored:,} stored once each; "
              f"{seen:,} 201s seen by wrk, all stored, the other {stored - seen} answered after "
              "wrk stopped; no respondent twice" if not problems else
              f"     PROBLEMS: {problems}")


def submission_breakdown(rounds: int, per_round: int = 1000) -> dict[str, float]:
    """Where a submission's time goes, in this process through Django's test client (no
    network, one request at a time): CPU milliseconds per request, this process's and its
    PostgreSQL backend's (what limits a saturated server; a round trip's wait is not in it),
    and wall milliseconds, of the ceiling and the product, each without its database work,
    the service alone, and its INSERT of a response row alone (``services._insert_new``).
    Medians of ``rounds`` alternating rounds."""
    import random
    from unittest import mock

    from django.db import connection
    from django.test import Client, override_settings

    from pacesetter.surveys import services
    from pacesetter.surveys.models import Response

    load = campaign(surveys_setup.LOAD_TITLE)
    tokens = list(load.targets.values_list("link_token", flat=True))
    codes = [f"{a}{n}" for a, k in zip("ABCD", (5, 5, 5, 4), strict=True)
             for n in range(1, k + 1)]
    serial = iter(range(10**9))
    client = Client()

    def body() -> dict[str, Any]:
        answers = {c: random.choice(["my", "jbmy", "bmy"]) for c in codes}
        return {"respondent": f"p{time.time_ns()}-{next(serial)}", "submission": "s",
                "answers": {**answers, "age": "a1", "job": "j2", "rel": "r1"}}

    def clocks() -> tuple[float, float, float]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        return time.perf_counter(), time.process_time(), _cpu_seconds(backend)

    def per_request(started: tuple[float, float, float]) -> tuple[float, float, float]:
        ended = clocks()
        return tuple((b - a) / per_round * 1000 for a, b in zip(started, ended, strict=True))

    def over_http(path: str) -> tuple[float, float, float]:
        bodies = [json.dumps(body()) for _n in range(per_round)]
        started = clocks()
        for text in bodies:
            answer = client.post(path % random.choice(tokens), text,
                                 content_type="application/json")
        assert answer.status_code == 201, answer.content
        return per_request(started)

    def direct() -> tuple[float, float, float]:
        bodies = [body() for _n in range(per_round)]
        started = clocks()
        for data in bodies:
            services.response_submit(token=random.choice(tokens), ip="10.0.0.1",
                                     **data)
        return per_request(started)

    def raw_rows() -> tuple[float, float, float]:
        target_id = load.targets.values_list("pk", flat=True).first()
        rows = [Response(campaign_id=load.pk, target_id=target_id,
                         respondent_key=f"{time.time_ns()}-{n}", submission_key="s",
                         choices=bytes(22), extra={}) for n in range(per_round)]
        started = clocks()
        for row in rows:
            services._insert_new(row)
        return per_request(started)

    class NoCursor:
        def __enter__(self) -> NoCursor:
            return self

        def __exit__(self, *_exc: object) -> None:
            return None

        def execute(self, *_args: object) -> None:
            return None

        def fetchone(self) -> tuple[int]:
            return (1,)

    variants: dict[str, Callable[[], tuple[float, float, float]]] = {
        "ceiling (bare view)": lambda: over_http(BARE_PATH),
        "ceiling without its INSERT": lambda: _patched(
            mock.patch("surveys_bench_urls.connection", mock.Mock(cursor=NoCursor)),
            lambda: over_http(BARE_PATH)),
        "product (POST …/responses)": lambda: over_http(PRODUCT_PATH),
        "product without response_submit": lambda: _patched(
            mock.patch.object(services, "response_submit", lambda **_k: (1, True)),
            lambda: over_http(PRODUCT_PATH)),
        "response_submit alone": direct,
        "one INSERT of a response row": raw_rows,
    }
    found: dict[str, list[tuple[float, float, float]]] = {name: [] for name in variants}
    with override_settings(ROOT_URLCONF="surveys_bench_urls", SURVEY_RATE_LIMIT=0,
                           ALLOWED_HOSTS=["testserver"]):
        for action in variants.values():  # warm up
            action()
        for _round in range(rounds):
            for name, action in variants.items():
                found[name].append(action())
    print(f"\nwhere a submission's time goes (in-process, ms per request, median of {rounds})")
    print(f"  {'CPU: Python + PostgreSQL':>26} {'wall':>6}")
    summary = {}
    for name, values in found.items():
        wall, python, database = (median([v[i] for v in values]) for i in range(3))
        summary[name] = python + database
        print(f"  {python:8.3f} + {database:5.3f} = {python + database:5.3f} {wall:6.3f}  {name}")
    return summary


def _patched(patcher: Any, action: Callable[[], Any]) -> Any:
    with patcher:
        return action()


# ---------------------------------------------------------------------------------------------
# (b) results over a million responses


def sql_item_means(target: Any) -> dict[tuple[int, int], float]:
    """The baseline: one SQL aggregate, the mean share of each rating item per unit (what
    ``compute`` reports as item means, without the index, intervals, channels, ranks or
    breakdowns)."""
    from django.db import connection

    from pacesetter.surveys import selectors
    from pacesetter.surveys.models import ItemKind

    single = selectors.single_choice_items(target.questionnaire)
    rated = [(j, item) for j, item in enumerate(single)
             if item.kind == ItemKind.RATING and not item.is_attribute]
    shares = {tuple(o.share for o in item.options.all()) for _j, item in rated}
    assert len(shares) == 1, "the baseline assumes one scale for every rating item"
    cases = " ".join(f"WHEN {p + 1} THEN {s}" for p, s in enumerate(shares.pop())
                     if s is not None)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.target_id, i.j, 100 * avg(CASE get_byte(r.choices, i.j) {cases} END) "  # noqa: S608
            "FROM surveys_response r CROSS JOIN unnest(%s::int[]) AS i(j) "
            "WHERE r.campaign_id = %s AND NOT r.excluded GROUP BY r.target_id, i.j",
            [[j for j, _item in rated], target.pk])
        return {(t, j): float(v) for t, j, v in cursor.fetchall() if v is not None}


def naive_orm(target: Any, rows: int) -> float:
    """The naive read: Response objects one by one, item means summed in Python."""
    from pacesetter.surveys.models import Response

    sums: dict[tuple[int, int], list[float]] = {}
    share = {1: 1.0, 2: 0.75, 3: 0.55}
    started = time.perf_counter()
    for response in Response.objects.filter(campaign=target, excluded=False)[:rows].iterator(
            chunk_size=2000):
        for j, answer in enumerate(bytes(response.choices)[:surveys_setup.RATING_ITEMS]):
            if answer in share:
                entry = sums.setdefault((response.target_id, j), [0.0, 0])
                entry[0] += share[answer]
                entry[1] += 1
    return time.perf_counter() - started


def integrity_review_by_rows(target: Any) -> dict[int, int]:
    """The integrity review as it was before this benchmark: the responses read row by row
    (``selectors._integrity_rows``, still the path on SQLite) instead of as arrays."""
    from pacesetter.surveys import selectors, services

    arrays = selectors.integrity_columns
    selectors.integrity_columns = selectors._integrity_rows
    try:
        return services.integrity_review(campaign=target)
    finally:
        selectors.integrity_columns = arrays


def results_bench(args: argparse.Namespace) -> dict[str, Any]:
    from pacesetter.surveys import results, services

    target = campaign(surveys_setup.RESULTS_TITLE)
    count = target.responses.count()
    computed = results.compute(target)
    expected = sql_item_means(target)
    single = list(range(surveys_setup.RATING_ITEMS))
    for row in computed.targets:
        for j, value in zip(single, row.items, strict=True):
            assert abs(value - expected[(row.target_id, j)]) < 1e-3, (row.target_id, j)
    print(f"checked: compute's item means = the SQL aggregate's, {count:,} responses", flush=True)
    figures: dict[str, list[float]] = {"compute": [], "current": [], "integrity": [],
                                       "integrity_rows": [], "sql": []}
    for run in range(args.runs):
        figures["compute"].append(timed(lambda: results.compute(target))[0])
        figures["current"].append(timed(lambda: services.results_current(
            campaign=target, refresh=True))[0])
        figures["integrity"].append(timed(lambda: services.integrity_review(
            campaign=target))[0])
        figures["integrity_rows"].append(timed(lambda: integrity_review_by_rows(target))[0])
        figures["sql"].append(timed(lambda: sql_item_means(target))[0])
        print(f"run {run + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in figures.items()),
              flush=True)
    naive = naive_orm(target, args.naive)
    if args.profile:
        for name, action in (("compute", lambda: results.compute(target)),
                             ("integrity_review", lambda: services.integrity_review(
                                 campaign=target))):
            profiler = cProfile.Profile()
            profiler.runcall(action)
            print(f"\n--- profile of {name}")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(12)
    return {"responses": count, **{k: median(v) for k, v in figures.items()},
            "naive_slice": naive, "naive_all": naive * count / min(args.naive, count)}


def results_summary(found: dict[str, Any], args: argparse.Namespace) -> None:
    n = found["responses"]
    print(f"\n(b) results of {n:,} responses × 19 items over 64 counties, median of {args.runs}")
    print(f"results.compute                       {found['compute']:8.2f} s")
    print(f"services.results_current(refresh)     {found['current']:8.2f} s")
    print(f"services.integrity_review             {found['integrity']:8.2f} s")
    print(f"  reading the responses row by row    {found['integrity_rows']:8.2f} s  (before; "
          f"{found['integrity_rows'] / found['integrity']:.1f}×)")
    print(f"baseline: SQL AVG per unit × item     {found['sql']:8.2f} s  "
          f"(compute / SQL = {found['compute'] / found['sql']:.2f})")
    print(f"baseline: naive ORM loop, {args.naive:,} rows {found['naive_slice']:8.2f} s → "
          f"{found['naive_all']:.0f} s for all ({found['naive_all'] / found['compute']:.0f}× "
          "compute)")


# ---------------------------------------------------------------------------------------------
# (c) the raw responses exported to xlsx


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise LookupError(field)


def openpyxl_responses_file(target: Any, limit: int) -> IO[bytes]:
    """The baseline: the export as it was written before this benchmark, with openpyxl's
    write-only mode (one cell object per value), on the first ``limit`` rows."""
    from django.utils import timezone
    from django.utils.translation import gettext as _
    from openpyxl import Workbook

    from pacesetter.orgs.spreadsheets import cell_text, workbook_file
    from pacesetter.surveys import spreadsheets
    from pacesetter.surveys.models import Channel, Response
    from pacesetter.surveys.selectors import flag_labels, single_choice_items

    single = single_choice_items(target.questionnaire)
    labels = [[""] + [o.label for o in item.options.all()] for item in single]
    others = [item for item in target.questionnaire.items.order_by("position")
              if not item.is_single_choice]
    units = dict(target.targets.values_list("pk", "unit__name"))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Responses"))
    spreadsheets._header(sheet, [
        _("Response"), _("Submitted at"), _("Unit"), _("Channel"), _("Seconds spent"),
        _("Integrity flags"), _("Excluded"), *[f"{i.code} {i.label}" for i in single],
        *[f"{i.code} {i.label}" for i in others]])
    channels = {value: str(label) for value, label in Channel.choices}
    yes = _("Yes")
    rows = Response.objects.filter(campaign=target).order_by("pk").values_list(
        "pk", "submitted_at", "target_id", "channel", "duration", "flags", "excluded",
        "choices", "extra")[:limit]
    for pk, at, unit, channel, duration, flags, excluded, choices, extra in rows.iterator(
            chunk_size=spreadsheets.CHUNK):
        answers = bytes(choices)
        line = [pk, timezone.localtime(at).replace(tzinfo=None), units.get(unit),
                channels.get(channel, channel), duration,
                "、".join(flag_labels(flags)) or None, yes if excluded else None]
        line += [labels[j][answers[j]] if j < len(answers) and answers[j] < len(labels[j])
                 else None for j in range(len(single))]
        line += [spreadsheets._other(extra.get(i.code)) for i in others]
        sheet.append([cell_text(sheet, v) for v in line])
    return workbook_file(workbook)


def csv_file(target: Any) -> IO[str]:
    """The floor: the same rows and as many columns (each answer as its byte, the other
    answers as their JSON) as CSV, read with a plain server-side cursor: no labels, no xlsx."""
    from django.db import connection, transaction

    handle = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115
    writer = csv.writer(handle)
    connection.ensure_connection()
    with transaction.atomic(), connection.connection.cursor(name="export") as cursor:
        cursor.itersize = 5000
        cursor.execute("SELECT id, submitted_at, target_id, channel, duration, flags, "
                       "excluded, choices, extra FROM surveys_response WHERE campaign_id = %s "
                       "ORDER BY id", [target.pk])
        for pk, at, unit, channel, duration, flags, excluded, choices, extra in cursor:
            writer.writerow([pk, at, unit, channel, duration, flags, excluded,
                             *bytes(choices), extra])
    return handle


def export_child(mode: str, limit: int) -> None:
    """One export in this fresh process; prints its seconds, peak RSS (growth and total),
    size, and for the job the rows in its file."""
    bench_orgs.setup_django(os.environ["BENCH_DATABASE_URL"])
    from django.db import transaction

    from pacesetter.exports import services as exports
    from pacesetter.exports.models import ExportJob
    from pacesetter.orgs.models import User

    target = campaign(surveys_setup.RESULTS_TITLE)
    before = _status("VmRSS")
    started = time.perf_counter()
    rows = None
    if mode == "job":
        with transaction.atomic():
            job = exports.export_request(
                actor=User.objects.get(username="bench"), kind="surveys.responses",
                params={"campaign": target.pk}, title=f"{target.title} bench",
                unit_path=target.owner.path, rows_total=target.responses.count())
        seconds = time.perf_counter() - started
        job = ExportJob.objects.get(pk=job.pk)
        assert job.status == "done", (job.status, job.error)
        size = job.size
        rows = xlsx_rows(job.file.path)
        job.file.delete()
    else:
        handle = openpyxl_responses_file(target, limit) if mode == "openpyxl" else \
            csv_file(target)
        with handle:
            size = handle.seek(0, os.SEEK_END)
        seconds = time.perf_counter() - started
    # VmHWM, not getrusage's ru_maxrss: Linux carries that one over from the parent's fork
    print(json.dumps({"seconds": seconds, "rss": _status("VmHWM") - before,
                      "peak": _status("VmHWM"),
                      "size": size, "rows": rows}))


def xlsx_rows(path: str) -> int:
    """The rows of an xlsx's first sheet, counted in its XML as it is unzipped."""
    count, tail = 0, b""
    with zipfile.ZipFile(path) as package, package.open("xl/worksheets/sheet1.xml") as sheet:
        while chunk := sheet.read(1 << 22):
            data = tail + chunk
            count += data.count(b"<row ")
            tail = data[-4:]
            count -= tail.count(b"<row ")  # counted again with the next chunk
    return count + tail.count(b"<row ")


def export_measure(mode: str, limit: int = 0) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", mode, "--limit", str(limit)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    return json.loads(done.stdout.strip().splitlines()[-1])


def export_check() -> None:
    """The export of the check campaign (awkward texts, flags, exclusions) reads back cell for
    cell as the openpyxl writer's: values, date format, header style, quoted formulas."""
    from openpyxl import load_workbook

    from pacesetter.surveys import spreadsheets

    target = campaign(surveys_setup.CHECK_TITLE)
    with spreadsheets.responses_file(target) as new, \
            openpyxl_responses_file(target, 10**9) as old:
        mine, theirs = (load_workbook(f).worksheets[0] for f in (new, old))
        rows = 0
        for a, b in zip(mine.iter_rows(), theirs.iter_rows(), strict=True):
            for x, y in zip(a, b, strict=True):
                assert (x.value, x.number_format, x.font.b, x.fill.fgColor.rgb,
                        x.quotePrefix) == (y.value, y.number_format, y.font.b,
                                           y.fill.fgColor.rgb, y.quotePrefix), (x, y)
            rows += 1
    print(f"checked: the export of {rows - 1:,} responses reads back as openpyxl's", flush=True)


def export_bench(args: argparse.Namespace) -> dict[str, Any]:
    export_check()
    found: dict[str, list[dict[str, Any]]] = {"job": [], "openpyxl": [], "csv": []}
    for run in range(args.export_runs):
        found["job"].append(export_measure("job"))
        found["openpyxl"].append(export_measure("openpyxl", args.slice))
        found["csv"].append(export_measure("csv"))
        print(f"run {run + 1}: " + ", ".join(
            f"{k} {v[-1]['seconds']:.1f} s peak {v[-1]['peak'] / MIB:.0f} MiB"
            for k, v in found.items()), flush=True)
    responses = campaign(surveys_setup.RESULTS_TITLE).responses.count()
    assert all(r["rows"] == responses + 1 for r in found["job"]), "rows missing in the file"
    return {"responses": responses, **{
        f"{k}_{m}": median([r[m] for r in v]) for k, v in found.items()
        for m in ("seconds", "rss", "peak", "size")}}


def export_summary(found: dict[str, Any], args: argparse.Namespace) -> None:
    n = found["responses"]
    extrapolated = found["openpyxl_seconds"] * n / args.slice
    print(f"\n(c) raw responses to xlsx, {n:,} rows × 30 columns, each export in a fresh "
          f"process, median of {args.export_runs}")
    print(f"export job (RowsWorkbook)            {found['job_seconds']:8.1f} s  peak RSS "
          f"{found['job_peak'] / MIB:5.0f} MiB (+{found['job_rss'] / MIB:.0f}), "
          f"{found['job_size'] / MIB:.0f} MiB file")
    print(f"openpyxl write-only, {args.slice:,} rows   {found['openpyxl_seconds']:8.1f} s  "
          f"peak RSS {found['openpyxl_peak'] / MIB:5.0f} MiB → {extrapolated:.0f} s for all "
          f"({extrapolated / found['job_seconds']:.1f}× the job)")
    print(f"CSV, same rows and columns           {found['csv_seconds']:8.1f} s  peak RSS "
          f"{found['csv_peak'] / MIB:5.0f} MiB (job / CSV = "
          f"{found['job_seconds'] / found['csv_seconds']:.1f})")


# ---------------------------------------------------------------------------------------------


def machine() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return (f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
            f"PostgreSQL {version}, {datetime.date.today()}, load average "
            f"{os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", nargs="+", default=["load", "results", "export"],
                        choices=["load", "results", "export"])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="results runs")
    parser.add_argument("--load-runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=20, help="seconds of load a run")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1, help="threads of a gthread worker")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--serve-src", help="serve the pacesetter package of this src folder")
    parser.add_argument("--export-runs", type=int, default=3)
    parser.add_argument("--slice", type=int, default=100_000,
                        help="rows of the openpyxl export baseline")
    parser.add_argument("--naive", type=int, default=100_000, help="rows of the naive ORM loop")
    parser.add_argument("--profile", action="store_true",
                        help="also where a submission's time goes, and compute's and the "
                             "integrity review's profiles")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database of an earlier run of this script")
    parser.add_argument("--child", choices=["job", "openpyxl", "csv"], help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = os.environ.setdefault("BENCH_DATABASE_URL", DEFAULT_URL)
    if args.child:
        export_child(args.child, args.limit)
        return
    if not args.reuse:
        bench_orgs.recreate_database(url)
    bench_orgs.setup_django(url)
    if not args.reuse:
        setup(args.responses)
    print(f"machine: {machine()}", flush=True)
    summaries = []
    if "load" in args.parts:
        figures = load_test(args, url)
        summaries.append(lambda: load_summary(figures, args))
        if args.profile:
            submission_breakdown(max(args.load_runs, 5))
    if "results" in args.parts:
        found_results = results_bench(args)
        summaries.append(lambda: results_summary(found_results, args))
    if "export" in args.parts:
        found_export = export_bench(args)
        summaries.append(lambda: export_summary(found_export, args))
    for summary in summaries:
        summary()
    print(f"\nmachine: {machine()}")


if __name__ == "__main__":
    main()
