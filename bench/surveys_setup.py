"""The province, questionnaire, campaigns and responses that ``bench_surveys.py`` measures.

The shape is seed 002's: the province asks about its 64 counties (13 cities of 4 or 5 each) on
the 19-item, 4-aspect questionnaire of the demo (``surveys.demo.sample_xlsform``, loaded through
the same XLSForm import a user would use), plus 3 respondent attributes and a free-text item.
Two campaigns: ``LOAD_TITLE`` takes the load test's submissions through HTTP; ``RESULTS_TITLE``
holds generated responses (a million by default) written with COPY, for the results and the
export.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from typing import Any

import numpy as np

LOAD_TITLE = "负载测试"
RESULTS_TITLE = "全省组织工作满意度民意调查"
CHECK_TITLE = "导出核对"
CITIES = 13
COUNTIES = 64
RATING_ITEMS = 19
ATTRIBUTE_OPTIONS = (3, 5, 3)  # age band, occupation, relation to the unit
REMARKS = ["希望组织部门多下基层，倾听群众意见。", "干部选拔要更加公开透明，扩大群众参与。",
           "基层 <党组织> & “服务群众” 的能力还需要提升。 ", "=建议加大对跑官要官行为的查处力度。",
           "-1", " 前后有空格 "]
BARE_TABLE = "bench_bare_response"
RESPONSE_COLUMNS = ("campaign", "target", "channel", "respondent_key", "device_key",
                    "submission_key", "network_key", "choices", "extra", "duration",
                    "submitted_at", "flags", "excluded", "exclusion_reason")


def county_rows() -> list[Any]:
    """13 cities under the root, 64 counties under them (5 each, 4 under the last)."""
    from pacesetter.orgs.spreadsheets import UnitRow

    rows: list[UnitRow] = []

    def add(code: str, name: str, parent: str, groups: str) -> None:
        rows.append(UnitRow(number=len(rows) + 2, code=code, name=name, parent_code=parent,
                            kind="party_committee", groups=groups))

    for c in range(1, CITIES + 1):
        city = f"23{c:02d}00"
        add(city, f"市{c}", "230000", "市地")
        for k in range(1, 5 if c == CITIES else 6):
            add(f"23{c:02d}{k:02d}", f"县{c}-{k}", city, "县(市)")
    assert sum(1 for r in rows if r.groups == "县(市)") == COUNTIES
    return rows


def setup_surveys() -> tuple[Any, Any, Any]:
    """(admin, load-test campaign, results campaign), open, over the 64 counties; and the
    export check's campaign."""
    from django.utils import timezone

    import bench_orgs
    from pacesetter.orgs.imports import units_import
    from pacesetter.orgs.models import Unit
    from pacesetter.surveys import demo, services, spreadsheets

    admin = bench_orgs.load_root_and_admin()
    units_import(actor=admin, rows=county_rows())
    root = Unit.objects.get(code="230000")
    counties = list(Unit.objects.filter(level=3).order_by("path"))
    draft = spreadsheets.read_xlsform(io.BytesIO(demo.sample_xlsform()))
    questionnaire = services.questionnaire_create(actor=admin, owner=root, draft=draft)
    now = timezone.now()
    campaigns = []
    for title in (LOAD_TITLE, RESULTS_TITLE, CHECK_TITLE):
        campaign = services.campaign_create(
            actor=admin, owner=root, questionnaire=questionnaire, title=title,
            opens_at=now - datetime.timedelta(days=20), closes_at=now + datetime.timedelta(days=30),
            units=counties, default_quota=400, scoring={"channels": {"phone": 6, "web": 4}},
            peer_by="peer_group", bottom_n={"县(市)": 10})
        campaigns.append(services.campaign_open(actor=admin, campaign=campaign))
    create_bare_table()
    load_responses(campaigns[2], 3000)
    every_seventh = list(campaigns[2].responses.order_by("pk").values_list("pk", flat=True))[::7]
    campaigns[2].responses.filter(pk__in=every_seventh).update(
        flags=5, excluded=True, exclusion_reason="同一单位集中填报")
    campaigns[2].responses.filter(duration__lt=10).update(flags=4)
    return admin, campaigns[0], campaigns[1]


def create_bare_table() -> None:
    """The table of the load test's ceiling: one row per request, nothing else."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {BARE_TABLE} (id bigserial PRIMARY KEY, "
                       "token varchar(32) NOT NULL, body text NOT NULL)")


def _answers(rng: np.random.Generator, quality: np.ndarray) -> np.ndarray:
    """Answer bytes (rows × 22): 19 rating items around each row's unit quality (5% 不了解,
    then 满意 / 基本满意 / 不满意), and the three attributes (0: not answered)."""
    n = len(quality)
    level = np.clip(quality[:, None] + rng.normal(0, 0.05, (n, 1)), 0.3, 0.97)
    draw = rng.random((n, RATING_ITEMS))
    rating = np.where(draw < level, 1, np.where(draw < level + (1 - level) * 0.7, 2, 3))
    rating[rng.random((n, RATING_ITEMS)) < 0.05] = 4
    attributes = [rng.integers(0, k + 1, n) for k in ATTRIBUTE_OPTIONS]
    return np.column_stack([rating, *attributes]).astype(np.uint8)


def response_rows(campaign: Any, targets: list[int], total: int, *, seed: int = 2002,
                  chunk: int = 100_000) -> Iterator[tuple[object, ...]]:
    """``total`` responses spread evenly over ``targets`` (ids), as COPY rows in
    ``RESPONSE_COLUMNS`` order: answers drawn around a steady quality per unit, 40% by phone,
    6% with a remark (some with XML's special characters, edge spaces, or starting as a
    formula would), answer
    times log-normal around two minutes, 1% hurried, times over the last 20 days. It reads
    nothing from the database: the COPY it feeds holds the connection."""
    rng = np.random.default_rng(seed)
    quality = np.clip(rng.normal(0.74, 0.07, len(targets)), 0.45, 0.93)
    end = int(campaign.opens_at.timestamp()) + 20 * 86_400
    width = RATING_ITEMS + len(ATTRIBUTE_OPTIONS)
    for start in range(0, total, chunk):
        n = min(chunk, total - start)
        which = (np.arange(start, start + n) * len(targets)) // total
        blob = _answers(rng, quality[which]).tobytes()
        phone = rng.random(n) < 0.4
        remark = np.where(rng.random(n) < 0.06, rng.integers(0, len(REMARKS), n), -1)
        duration = rng.lognormal(4.8, 0.35, n).astype(np.int64)
        duration[rng.random(n) < 0.01] = 5
        network = rng.integers(1, 2**28, n)
        moments = np.datetime_as_string(
            (end - rng.integers(0, 20 * 86_400, n)).astype("datetime64[s]"), timezone="UTC")
        for i in range(n):
            key = f"{start + i:064x}"
            yield (campaign.pk, targets[which[i]], "phone" if phone[i] else "web", key,
                   None, key, int(network[i]), blob[i * width:(i + 1) * width],
                   {"remarks": REMARKS[remark[i]]} if remark[i] >= 0 else {},
                   int(duration[i]), moments[i], 0, False, "")


def load_responses(campaign: Any, total: int) -> None:
    """Write ``total`` generated responses with COPY, then vacuum and analyze the table, so
    that autovacuum does not start on it in the middle of a timed run."""
    from django.db import connection

    from pacesetter.bulk import copy_rows
    from pacesetter.surveys.models import Response

    targets = sorted(campaign.targets.values_list("pk", flat=True))
    copy_rows(Response, RESPONSE_COLUMNS, response_rows(campaign, targets, total))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE surveys_response")
