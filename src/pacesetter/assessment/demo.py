"""The demo's assessment: the province's monthly assessment of its county-level units.

20 indicators in 4 categories (bonus, deduction and veto among them; the bonus C4 and the
deduction D4 count confirmed entries of the achievement and negative lists), September and October
scored and published with red, gray and black lists (September corrected into a version 2),
and November open for reporting, so that 依兰县's reporter can enter figures. Figures are drawn
from a fixed seed around each county's steady "quality", so months resemble each other.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from pacesetter.assessment import records, scoring, services
from pacesetter.assessment.models import AssessmentPlan, Indicator
from pacesetter.exports import services as export_services
from pacesetter.orgs.models import Unit, User

SERIES = "县级党建工作月度考核"
OWNER_CODE = "230000"
ADMIN = "sheng"
SEED = 2017

# code, name, unit of measure, direction, data type, min, max, rule kind, rule, weight
CATALOG: list[tuple[str, str, list[tuple[Any, ...]]]] = [
    ("A", "基层组织建设", [
        ("A1", "“三会一课”落实率", "%", 1, "percent", 0, 100, "normalize", {"method": "minmax"}, 7),
        ("A2", "党支部标准化规范化达标率", "%", 1, "percent", 0, 100, "bands",
         {"bands": [[95, 100], [90, 85], [80, 70], [0, 50]]}, 6),
        ("A3", "发展党员计划完成率", "%", 1, "percent", 0, 200, "target",
         {"target": 100, "cap": 1}, 6),
        ("A4", "党员教育培训覆盖率", "%", 1, "percent", 0, 100, "normalize",
         {"method": "minmax"}, 5),
        ("A5", "软弱涣散党组织整顿转化率", "%", 1, "percent", 0, 100, "bands",
         {"bands": [[100, 100], [90, 80], [0, 60]]}, 6),
    ]),
    ("B", "干部队伍建设", [
        ("B1", "干部教育培训计划完成率", "%", 1, "percent", 0, 200, "target",
         {"target": 100, "cap": 1}, 6),
        ("B2", "45岁以下干部占比", "%", 1, "percent", 0, 100, "normalize", {"method": "minmax"}, 5),
        ("B3", "干部选任程序合规率", "%", 1, "percent", 0, 100, "bands",
         {"bands": [[100, 100], [98, 80], [0, 50]]}, 6),
        ("B4", "实绩清单完成事项", "项", 1, "count", 0, 500, "rank",
         {"points": [100, 95, 90, 85, 80], "otherwise": 70}, 6),
        ("B5", "负面清单事项", "次", -1, "count", 0, 100, "normalize", {"method": "minmax"}, 6),
    ]),
    ("C", "人才与创新", [
        ("C1", "新引进人才", "人", 1, "count", 0, 10000, "normalize", {"method": "minmax"}, 5),
        ("C2", "重点创新项目推进率", "%", 1, "percent", 0, 200, "target",
         {"target": 100, "cap": 1}, 6),
        ("C3", "创新项目路演评审得分", "分", 1, "number", 0, 100, "normalize",
         {"method": "efficacy", "satisfactory": 95, "unacceptable": 60}, 6),
        ("C4", "完成“急难险重”任务", "项", 1, "count", 0, 50, "bonus",
         {"per": 1, "cap": 3, "source": "list"}, 0),
        ("C5", "党群服务中心（站）覆盖率", "%", 1, "percent", 0, 100, "bands",
         {"bands": [[100, 100], [95, 85], [85, 70], [0, 50]]}, 5),
    ]),
    ("D", "群众满意度", [
        ("D1", "群众满意度测评得分", "分", 1, "number", 0, 100, "normalize",
         {"method": "minmax"}, 8),
        ("D2", "信访事项按期办结率", "%", 1, "percent", 0, 100, "target",
         {"target": 98, "cap": 1}, 5),
        ("D3", "督查问题整改销号率", "%", 1, "percent", 0, 100, "bands",
         {"bands": [[100, 100], [90, 85], [80, 70], [0, 40]]}, 6),
        ("D4", "被上级通报批评", "次", -1, "count", 0, 50, "deduction",
         {"per": 2, "cap": 6, "source": "list"}, 0),
        ("D5", "发生重大违纪违法案件", "", 1, "boolean", 0, 1, "veto", {"at_least": 1}, 0),
    ]),
]

GENERATORS = {
    "percent": lambda q, rng, hi: min(hi, max(40.0, 88 + 5 * q + rng.gauss(0, 3))),
    "count": lambda q, rng, hi: max(0, round(5 + 2.5 * q + rng.gauss(0, 2))),
    "number": lambda q, rng, hi: min(hi, max(50.0, 84 + 5 * q + rng.gauss(0, 2.5))),
}


def _catalog(actor: User, owner: Unit) -> list[Indicator]:
    existing = {i.code: i for i in Indicator.objects.filter(owner=owner)}
    indicators = []
    for order, (code, name, members) in enumerate(CATALOG):
        category = existing.get(code) or services.indicator_create(
            actor=actor, owner=owner, code=code, name=name, is_category=True, sort_order=order)
        for position, (icode, iname, measure, direction, dtype, low, high, kind, rule,
                       _weight) in enumerate(members):
            indicator = existing.get(icode) or services.indicator_create(
                actor=actor, owner=owner, code=icode, name=iname, parent=category,
                unit_of_measure=measure, direction=direction, data_type=dtype,
                min_value=Decimal(low), max_value=Decimal(high), rule_kind=kind, rule=rule,
                sort_order=order * 10 + position)
            indicators.append(indicator)
    return indicators


def _figure(code: str, dtype: str, high: float, quality: float, rng: random.Random,
            vetoed: bool) -> Decimal:
    if code == "D5":
        return Decimal(1 if vetoed else 0)
    if code in ("B5", "D4"):
        return Decimal(max(0, round(2 - quality + rng.gauss(0, 1))))
    if code == "C4":
        return Decimal(max(0, round(1 + quality + rng.gauss(0, 1))))
    value = GENERATORS[dtype](quality, rng, high)
    return Decimal(str(round(value, 1) if dtype != "count" else int(value)))


def _plan(actor: User, owner: Unit, indicators: list[Indicator], month: int
          ) -> AssessmentPlan:
    period = services.period_get(kind="month", day=datetime.date(2026, month, 1))
    plan = services.plan_create(
        actor=actor, owner=owner, name=f"{SERIES}（{period.label}）", period=period,
        series=SERIES, assessed_levels=[3], assessed_groups=["县(市)", "市辖区"],
        ranking_groups=["县(市)", "市辖区"], red_top_percent=Decimal(10),
        black_bottom_percent=Decimal(5), gray_below_score=Decimal(60))
    weights = {m[0]: m[9] for _c, _n, members in CATALOG for m in members}
    for indicator in indicators:
        services.plan_indicator_set(actor=actor, plan=plan, indicator=indicator)
    services.plan_weights_set(actor=actor, plan=plan, weights={
        code: Decimal(w) for code, w in weights.items() if w})
    services.plan_open(actor=actor, plan=plan)
    return plan


def _report(actor: User, plan: AssessmentPlan, indicators: list[Indicator],
            quality: dict[int, float], rng: random.Random, *, skip: set[str]) -> None:
    plan_units = list(plan.plan_units.select_related("unit").order_by("unit__code"))
    vetoed = rng.choice(plan_units).unit_id
    for plan_unit in plan_units:
        if plan_unit.unit.code in skip:
            continue
        q = quality[plan_unit.unit_id]
        figures = {i.code: (_figure(i.code, i.data_type, float(i.max_value), q, rng,
                                    plan_unit.unit_id == vetoed), "")
                   for i in indicators}
        for i in indicators:
            if scoring.from_lists(i.rule_kind, i.rule):
                del figures[i.code]
        services.values_save(actor=actor, plan=plan, unit=plan_unit.unit, values=figures)
        services.submission_submit(actor=actor, plan=plan, unit=plan_unit.unit)
        services.submission_review(actor=actor, plan=plan, unit=plan_unit.unit, approve=True)


ACHIEVEMENTS = (
    ("assessment", "组织党员突击队参与汛期堤防抢险，连续奋战72小时，圆满完成任务"),
    ("project", "高质量完成重点项目征地拆迁攻坚任务，提前15天交地"),
    ("award", "森林防火专项攻坚成效突出，受到省委通报表扬"),
    ("assessment", "牵头完成抗旱保苗应急任务，组织党员干部结对帮扶困难农户"),
)
NEGATIVES = (
    ("inspection", "党建工作专项督查发现问题整改不力，被市委组织部通报批评"),
    ("complaint", "信访事项办理超期，群众反映强烈，被上级通报批评"),
    ("inspection", "“三会一课”记录补记代记，被上级通报批评"),
)
REPORTER = "yilan_tianbao"


def _lists(actor: User, plan: AssessmentPlan, quality: dict[int, float], *,
           waiting: bool = False) -> None:
    """Achievements of the best counties count under C4 (bonus), negative entries of the
    weakest under D4 (deduction), recorded by the province and so confirmed; ``waiting``:
    依兰县's reporter also reports one that waits for confirmation. A random stream of its own
    leaves the figures as they were before the lists existed."""
    rng = random.Random(SEED * 100 + plan.period.start.month)
    items = {i.indicator.code: i for i in records.list_items(plan)}
    units = {pu.unit_id: pu.unit for pu in plan.plan_units.select_related("unit")}
    ranked = sorted(units, key=lambda unit_id: (-quality[unit_id], units[unit_id].code))
    today = datetime.date.today()

    def day() -> datetime.date:
        offset = rng.randrange((plan.period.end - plan.period.start).days + 1)
        return min(plan.period.start + datetime.timedelta(days=offset), today)

    for unit_id in ranked[:8]:
        for _ in range(rng.randint(1, 3)):
            source, text = rng.choice(ACHIEVEMENTS)
            records.list_entry_create(actor=actor, unit=units[unit_id], plan=plan,
                                      kind="achievement", date=day(), text=text, source=source,
                                      plan_indicator=items["C4"])
    for unit_id in ranked[-6:]:
        for _ in range(rng.randint(1, 2)):
            source, text = rng.choice(NEGATIVES)
            records.list_entry_create(actor=actor, unit=units[unit_id], plan=plan,
                                      kind="negative", date=day(), text=text, source=source,
                                      plan_indicator=items["D4"])
    reporter = User.objects.filter(username=REPORTER).first()
    yilan = next((u for u in units.values() if u.code == "230123"), None)
    if waiting and reporter is not None and yilan is not None:
        records.list_entry_create(actor=reporter, unit=yilan, plan=plan, kind="achievement",
                                  date=day(), text="组织党员志愿者完成松花江段防汛巡堤任务",
                                  source="assessment", plan_indicator=items["C4"])


def _export(actor: User, plan: AssessmentPlan) -> None:
    """October's results written as a background export would be, under 我的导出."""
    version = plan.versions.get(is_published=True)
    job = export_services.export_request(
        actor=actor, kind="assessment.results",
        params={"plan": plan.pk, "version": version.number, "version_id": version.pk},
        title=f"{plan.name} {plan.period.label} 结果 v{version.number}",
        unit_path=plan.owner.path, rows_total=version.results.count())
    export_services.export_run(export_id=job.pk)


@transaction.atomic
def load() -> dict[str, int]:
    """Load the assessment demo once; running it again changes nothing."""
    owner = Unit.objects.get(code=OWNER_CODE)
    if AssessmentPlan.objects.filter(owner=owner, series=SERIES).exists():
        return {"plans": 0}
    actor = User.objects.get(username=ADMIN)
    rng = random.Random(SEED)
    indicators = _catalog(actor, owner)
    counties = Unit.objects.filter(path__startswith=owner.path, level=3)
    quality = {u.pk: rng.gauss(0, 1) for u in counties}
    for month in (9, 10):
        plan = _plan(actor, owner, indicators, month)
        _report(actor, plan, indicators, quality, rng, skip=set())
        _lists(actor, plan, quality)
        services.plan_score(actor=actor, plan=plan)
        services.plan_publish(actor=actor, plan=plan, note=f"{plan.period.label}通报")
        if month == 9:
            services.plan_correct(actor=actor, plan=plan, reason="依兰县群众满意度复核更正")
            yilan = Unit.objects.get(code="230123")
            services.values_save(actor=actor, plan=plan, unit=yilan,
                                 values={"D1": (Decimal("93.5"), "复核后数据")})
            services.plan_score(actor=actor, plan=plan)
            services.plan_publish(actor=actor, plan=plan, note="更正后重新发布")
    _export(actor, plan)
    november = _plan(actor, owner, indicators, 11)
    _report(actor, november, indicators, quality, rng, skip={"230123"})
    services.reminders_send(actor=actor, plan=november)
    _lists(actor, november, quality, waiting=True)
    return {"plans": 3}
