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
import random
from typing import Any

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from pacesetter.bulk import bulk_insert
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


def _answer(rng: random.Random, quality: float) -> int:
    """An answer byte on the 4-point scale for a respondent of a unit of ``quality``."""
    draw = rng.random()
    if draw < 0.05:
        return 4  # 不了解
    draw = rng.random()
    if draw < quality:
        return 1
    return 2 if draw < quality + (1 - quality) * 0.7 else 3


def _responses(campaign: Campaign, targets: list[Any], rng: random.Random,
               now: datetime.datetime) -> list[Response]:
    width = sum(len(items) for *_rest, items in ASPECTS) + len(ATTRIBUTES)
    rows: list[Response] = []
    start = campaign.opens_at
    span = (now - start).total_seconds()
    for target in targets:
        city = target.unit.level == 2
        quality = min(0.93, max(0.45, rng.gauss(0.74, 0.07)))
        count = int(rng.gauss(700 if city else 420, 60))
        for _n in range(count):
            answers = bytearray(_answer(rng, quality + rng.gauss(0, 0.05)) for _i in range(19))
            answers += bytes(rng.randint(0, len(options)) for _c, _l, options in ATTRIBUTES)
            moment = start + datetime.timedelta(seconds=span * rng.random() ** 0.7)
            extra = {"remarks": rng.choice(REMARKS)} if rng.random() < 0.06 else {}
            rows.append(_row(campaign, target, bytes(answers[:width]), moment, rng,
                             Channel.PHONE if rng.random() < 0.4 else Channel.WEB, extra,
                             duration=int(rng.lognormvariate(4.8, 0.35))))
    return rows


def _row(campaign: Campaign, target: Any, answers: bytes, moment: datetime.datetime,
         rng: random.Random, channel: str, extra: dict[str, str], *, duration: int,
         network: int | None = None) -> Response:
    key = services.keyed_hash("demo", campaign.pk, rng.random())
    return Response(campaign=campaign, target=target, channel=channel, respondent_key=key,
                    submission_key=key, choices=answers, extra=extra, duration=duration,
                    submitted_at=moment, network_key=network or rng.randrange(1, 2**28))


def _gaming(campaign: Campaign, targets: list[Any], rng: random.Random,
            now: datetime.datetime) -> list[Response]:
    """Staff of one county told to answer 满意 to everything, from the office network within
    a quarter of an hour; and a few hurried answers elsewhere."""
    county = next(t for t in targets if t.unit.level == 3)
    office = rng.randrange(1, 2**28)
    burst_start = now - datetime.timedelta(days=3)
    rows = [_row(campaign, county, bytes([1] * 19 + [2, 1, 1]),
                 burst_start + datetime.timedelta(seconds=25 * i), rng, Channel.WEB, {},
                 duration=int(rng.gauss(70, 10)), network=office) for i in range(36)]
    for target in rng.sample(targets, 8):
        rows.append(_row(campaign, target, bytes([1] * 19 + [0, 0, 0]),
                         now - datetime.timedelta(hours=rng.randint(1, 200)), rng, Channel.WEB,
                         {}, duration=rng.randint(4, 9)))
    return rows


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
    rng = random.Random(SEED)
    targets = list(campaign.targets.select_related("unit").order_by("unit__path"))
    bulk_insert(Response, _responses(campaign, targets, rng, now) + _gaming(
        campaign, targets, rng, now))
    services.integrity_review(campaign=campaign)
    campaign.refresh_from_db()
    services.results_current(campaign=campaign, refresh=True)
    return campaign
