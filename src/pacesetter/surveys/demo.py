"""The demo's survey, modelled on seed 002: the province asks the public about the organization
work of its 13 cities and its counties and county-level cities on 4 aspects and 19 items, ranks
them, and flags the 3 lowest cities and the 10 lowest counties for inspection.

The questionnaire goes in as an XLSForm workbook through the same import a user would use
(``sample_xlsform`` is also the sample offered on the questionnaires page). Responses are
generated from a fixed seed around each unit's steady "quality" and bulk-inserted (the public
submission path is exercised by the tests and the load benchmark), with some gaming mixed in:
a burst of identical top answers from one network for one county, and hurried answers.
(The seed's 2011 division had 64 counties and county-level cities; the current one, which the
demo province uses, has 63.)
"""

from __future__ import annotations

import datetime
import io
from typing import Any

import numpy as np
from django.db import connections, models, router, transaction
from django.utils import timezone
from openpyxl import Workbook

from pacesetter.bulk import copy_rows
from pacesetter.orgs.models import Unit, User
from pacesetter.surveys import services, spreadsheets
from pacesetter.surveys.models import Campaign, Channel, Response

ADMIN = "sheng"
OWNER_CODE = "230000"
TITLE = "全省组织工作满意度民意调查"
SEED = 2002
GROUP_CITIES = "市地"
GROUP_COUNTIES = "县(市)"

ASPECTS: list[tuple[str, str, float, list[tuple[str, str]]]] = [
    ("A", "组织工作", 30, [
        ("A1", "您对本地区组织工作的总体评价"),
        ("A2", "基层党组织建设成效"),
        ("A3", "党员教育管理工作"),
        ("A4", "人才工作"),
        ("A5", "组织部门联系服务群众情况"),
    ]),
    ("B", "组工干部", 20, [
        ("B1", "组工干部的政治素质"),
        ("B2", "组工干部的工作作风"),
        ("B3", "组工干部的廉洁自律"),
        ("B4", "组工干部的业务能力"),
        ("B5", "组工干部公道正派情况"),
    ]),
    ("C", "干部选拔任用", 30, [
        ("C1", "选人用人工作总体评价"),
        ("C2", "选人用人导向"),
        ("C3", "干部选拔任用程序规范"),
        ("C4", "干部选拔任用民主公开"),
        ("C5", "对新提拔干部的评价"),
    ]),
    ("D", "防止和纠正用人上不正之风", 20, [
        ("D1", "整治用人上不正之风的总体评价"),
        ("D2", "对跑官要官、买官卖官等问题的查处"),
        ("D3", "对违规用人问题举报的受理和办理"),
        ("D4", "对选人用人工作的监督"),
    ]),
]
SCALE = [("my", "满意", 1.0), ("jbmy", "基本满意", 0.75), ("bmy", "不满意", 0.55),
         ("bly", "不了解", None)]
ATTRIBUTES = [
    ("age", "您的年龄", [("a1", "35岁以下"), ("a2", "36至50岁"), ("a3", "51岁以上")]),
    ("job", "您的职业", [("j1", "党政机关干部"), ("j2", "企事业单位人员"), ("j3", "农民"),
                        ("j4", "城镇居民"), ("j5", "其他")]),
    ("rel", "您与被测评地区的关系", [("r1", "本地干部"), ("r2", "本地群众"), ("r3", "外地人员")]),
]
REMARKS = [
    "希望组织部门多下基层，倾听群众意见。", "干部选拔要更加公开透明，扩大群众参与。",
    "基层党组织服务群众的能力还需要提升。", "对新提拔干部的公示时间可以再长一些。",
    "建议加大对跑官要官行为的查处力度。", "组工干部作风扎实，服务热情。",
    "人才引进政策要落到实处，留住年轻人。", "党员教育形式可以更加多样，贴近实际。",
    "村级党组织带头人队伍建设要加强。", "选人用人要注重实绩，重视基层一线干部。",
]


def sample_xlsform() -> bytes:
    """Seed 002's questionnaire as an XLSForm workbook: 4 aspects with their weights, 19 rating
    items on the 满意 / 基本满意 / 不满意 / 不了解 scale (100%, 75%, 55%, not a valid ballot),
    three respondent attributes and a free-text question."""
    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(["type", "name", "label", "hint", "required", "weight", "attribute"])
    for code, title, weight, items in ASPECTS:
        survey.append(["begin_group", code, title, None, None, weight, None])
        for item_code, label in items:
            survey.append(["select_one sat4", item_code, label, None, "yes", 1, None])
        survey.append(["end_group", code])
    survey.append(["begin_group", "R", "受访者情况", None, None, 0, None])
    for code, label, _options in ATTRIBUTES:
        survey.append([f"select_one {code}", code, label, None, None, 0, "yes"])
    survey.append(["end_group", "R"])
    survey.append(["text", "remarks", "您对组织工作有什么意见和建议？", "选填", None, 0, None])
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", "label", "share"])
    for code, label, share in SCALE:
        choices.append(["sat4", code, label, None if share is None else f"{share:.0%}"])
    for list_name, _label, options in ATTRIBUTES:
        for code, label in options:
            choices.append([list_name, code, label, None])
    settings = workbook.create_sheet("settings")
    settings.append(["form_title", "form_id", "description"])
    settings.append(["组织工作满意度民意调查问卷", "myd",
                     "为了解群众对组织工作的评价，请您根据了解的情况如实填写。问卷匿名，约需3分钟。"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _targets() -> list[Unit]:
    return list(Unit.objects.filter(peer_groups__name__in=[GROUP_CITIES, GROUP_COUNTIES])
                .filter(level__in=[2, 3]).order_by("path").distinct())


# The columns of a response row, in the order the rows below give them.
COLUMNS = ("campaign", "target", "channel", "respondent_key", "device_key", "submission_key",
           "network_key", "choices", "extra", "duration", "submitted_at", "flags", "excluded",
           "exclusion_reason")


def _answers(rng: np.random.Generator, quality: np.ndarray, items: int) -> np.ndarray:
    """Answer bytes on the 4-point scale, one row per respondent, for respondents of units of
    ``quality`` (one per row, each answer jittered around it): 5% 不了解 (4), else 满意 (1)
    with that probability, and of the rest 70% 基本满意 (2), 30% 不满意 (3)."""
    share = quality[:, None] + rng.normal(0, 0.05, (len(quality), items))
    draw = rng.random(share.shape)
    answers = np.where(draw < share, 1, np.where(draw < share + (1 - share) * 0.7, 2, 3))
    answers[rng.random(share.shape) < 0.05] = 4
    return answers.astype(np.uint8)


def _responses(campaign: Campaign, targets: list[Any], rng: np.random.Generator,
               now: datetime.datetime) -> list[tuple[object, ...]]:
    """Every target's ordinary responses, drawn at once: each unit has a steady quality and
    about 700 (a city) or 420 (a county) respondents, who answer over the campaign's days,
    a few with a remark, 40% by phone."""
    items = sum(len(items) for *_rest, items in ASPECTS)
    cities = np.array([t.unit.level == 2 for t in targets])
    quality = np.clip(rng.normal(0.74, 0.07, len(targets)), 0.45, 0.93)
    counts = np.maximum(rng.normal(np.where(cities, 700, 420), 60).astype(np.int64), 0)
    owner = np.repeat(np.arange(len(targets)), counts)
    n = len(owner)
    attributes = rng.integers(0, [len(options) + 1 for *_rest, options in ATTRIBUTES],
                              size=(n, len(ATTRIBUTES)))
    choices = np.hstack([_answers(rng, quality[owner], items), attributes.astype(np.uint8)])
    span = (now - campaign.opens_at).total_seconds()
    seconds = span * rng.random(n) ** 0.7
    remarks = np.where(rng.random(n) < 0.06, rng.integers(0, len(REMARKS), n), -1)
    phone = rng.random(n) < 0.4
    durations = rng.lognormal(4.8, 0.35, n).astype(np.int64)
    networks = rng.integers(1, 2**28, n)
    ids = [t.pk for t in targets]
    return _rows(campaign, rng, [ids[k] for k in owner.tolist()], choices,
                 [campaign.opens_at + datetime.timedelta(seconds=s) for s in seconds.tolist()],
                 [Channel.PHONE if p else Channel.WEB for p in phone.tolist()],
                 [{"remarks": REMARKS[r]} if r >= 0 else {} for r in remarks.tolist()],
                 durations.tolist(), networks.tolist())


def _rows(campaign: Campaign, rng: np.random.Generator, targets: list[int],
          choices: np.ndarray, moments: list[datetime.datetime], channels: list[str],
          extras: list[dict[str, str]], durations: list[int], networks: list[int]
          ) -> list[tuple[object, ...]]:
    """Response rows in ``COLUMNS`` order; each respondent's key is 32 random bytes in hex
    (the shape of a keyed hash), also its submission's key."""
    width = choices.shape[1]
    answers = np.ascontiguousarray(choices, dtype=np.uint8).tobytes()
    keys = rng.bytes(32 * len(targets)).hex()
    return [(campaign.pk, target, channel, keys[64 * i:64 * i + 64], None,
             keys[64 * i:64 * i + 64], network, answers[width * i:width * (i + 1)], extra,
             duration, moment, 0, False, "")
            for i, (target, moment, channel, extra, duration, network) in enumerate(
                zip(targets, moments, channels, extras, durations, networks, strict=True))]


def _gaming(campaign: Campaign, targets: list[Any], rng: np.random.Generator,
            now: datetime.datetime) -> list[tuple[object, ...]]:
    """Staff of one county told to answer 满意 to everything, from the office network within
    a quarter of an hour; and a few hurried answers elsewhere."""
    county = next(t for t in targets if t.unit.level == 3)
    office = int(rng.integers(1, 2**28))
    burst_start = now - datetime.timedelta(days=3)
    burst = 36
    rows = _rows(campaign, rng, [county.pk] * burst,
                 np.array([[1] * 19 + [2, 1, 1]] * burst),
                 [burst_start + datetime.timedelta(seconds=25 * i) for i in range(burst)],
                 [Channel.WEB] * burst, [{}] * burst,
                 rng.normal(70, 10, burst).astype(np.int64).tolist(), [office] * burst)
    hurried = rng.choice(len(targets), 8, replace=False).tolist()
    rows += _rows(campaign, rng, [targets[k].pk for k in hurried],
                  np.array([[1] * 19 + [0, 0, 0]] * len(hurried)),
                  [now - datetime.timedelta(hours=h)
                   for h in rng.integers(1, 201, len(hurried)).tolist()],
                  [Channel.WEB] * len(hurried), [{}] * len(hurried),
                  rng.integers(4, 10, len(hurried)).tolist(),
                  rng.integers(1, 2**28, len(hurried)).tolist())
    return rows


def _insert(rows: list[tuple[object, ...]]) -> None:
    """Insert response rows: COPY on PostgreSQL (``bulk.copy_rows``); elsewhere one
    ``executemany`` of a plain INSERT, the date-times and JSON put in the database's form
    first (``bulk_create`` spent seconds building and preparing a model per row)."""
    connection = connections[router.db_for_write(Response)]
    if connection.vendor == "postgresql":
        copy_rows(Response, COLUMNS, rows)
        return
    fields = [Response._meta.get_field(c) for c in COLUMNS]
    adapt = [n for n, f in enumerate(fields)
             if isinstance(f, models.DateTimeField | models.JSONField)]
    prepared = [list(row) for row in rows]
    for row in prepared:
        for n in adapt:
            row[n] = fields[n].get_db_prep_save(row[n], connection)
    table = connection.ops.quote_name(Response._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
                           prepared)


@transaction.atomic
def load() -> Campaign | None:
    """Load the demo survey once; a second run adds nothing."""
    if Campaign.objects.filter(title=TITLE).exists():
        return None
    admin = User.objects.get(username=ADMIN)
    owner = Unit.objects.get(code=OWNER_CODE)
    draft = spreadsheets.read_xlsform(io.BytesIO(sample_xlsform()))
    questionnaire = services.questionnaire_create(actor=admin, owner=owner, draft=draft)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    units = _targets()
    campaign = services.campaign_create(
        actor=admin, owner=owner, questionnaire=questionnaire, title=TITLE,
        opens_at=now - datetime.timedelta(days=20), closes_at=now + datetime.timedelta(days=10),
        units=units, default_quota=400,
        scoring={"channels": {Channel.PHONE: 6, Channel.WEB: 4}},
        peer_by="peer_group", bottom_n={GROUP_CITIES: 3, GROUP_COUNTIES: 10})
    campaign.targets.filter(unit__level=2).update(quota=600)
    services.campaign_open(actor=admin, campaign=campaign)
    rng = np.random.default_rng(SEED)
    targets = list(campaign.targets.select_related("unit").order_by("unit__path"))
    _insert(_responses(campaign, targets, rng, now) + _gaming(campaign, targets, rng, now))
    services.integrity_review(campaign=campaign)
    campaign.refresh_from_db()
    services.results_current(campaign=campaign, refresh=True)
    return campaign
