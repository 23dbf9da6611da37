"""The demo's cadre assessment, modelled on seed 001 (一述四评, 担当指数, 实绩清单 and 负面表现清单,
"三个区分开来") and seed 002 (the masses' satisfaction as a source).

The province appraises the party secretary and the head of each of its 63 counties and
county-level cities (126 cadres; the seed's 2011 division had 64) for 2026:

- a responsibility index (担当指数) each quarter: common and individual indicators 40/60, a bonus
  for 急难险重 tasks and deductions for failings from the cadres' lists, bands that raise
  follow-ups (< 60 a warning conversation, ≥ 95 priority for promotion); the first three
  quarters are published, the first quarter's follow-ups closed with their outcome;
- the year-end appraisal: 述职 scores entered by the organizer, three rater panels on phones
  (each city's leaders, the county leaders of the same city rating each other, and each county's
  subordinates) voting with one-time codes under the 15 % quota of 优秀 (a few subordinates have
  not voted), the public survey and October's county assessment as sources, a deduction for
  failings (the inspection findings attributed to them among them, one failing judged a
  tolerated error), filled, scored and published, so that the red and black lists reach the
  cadres' lists;
- before it, the projects, roadshows and inspection findings of the other demos collected onto
  the lists of the cadres who led or answer for them (``services.lists_collect``).

Everything goes through the services a user's pages call, so it is audited; figures and
ballots are drawn from a fixed seed around each cadre's steady "quality".
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction

from pacesetter import engine
from pacesetter.assessment import selectors as assessment_selectors
from pacesetter.assessment import services as assessment
from pacesetter.cadres import selectors, services
from pacesetter.cadres.models import Appraisal, AppraisalStatus, RaterRole
from pacesetter.orgs.models import Person, Unit, User
from pacesetter.surveys import selectors as survey_selectors

ADMIN = "sheng"
OWNER_CODE = "230000"
GROUP_COUNTIES = "县(市)"
POSITIONS = ["县委书记", "县长"]
SEED = 2001
SERIES_INDEX = "县（市）领导干部担当指数"
SERIES_APPRAISAL = "县（市）委书记、县（市）长年度考核"
SURVEY_TITLE = "全省组织工作满意度民意调查"
UNIT_PLAN_SERIES = "县级党建工作月度考核"
YEAR = 2026

# code, name, rule kind, rule
INDICATORS = [
    ("GX", "共性指标", "target", {"target": 100, "cap": 1}),
    ("GXH", "个性指标", "target", {"target": 100, "cap": 1}),
    ("JNXZ", "急难险重任务", "bonus", {"per": 2, "cap": 6, "source": "list"}),
    ("FMBX", "负面表现扣分", "deduction", {"per": 4, "cap": 12, "source": "list"}),
    ("SZ", "述职评议", "target", {"target": 100, "cap": 1}),
    ("SJPJ", "上级评价", "target", {"target": 100, "cap": 1}),
    ("TJHP", "同级互评", "target", {"target": 100, "cap": 1}),
    ("XJPJ", "下级评价", "target", {"target": 100, "cap": 1}),
    ("QZMY", "群众满意度", "target", {"target": 100, "cap": 1}),
    ("DWKH", "所在单位考核结果", "target", {"target": 100, "cap": 1}),
]
INDEX_WEIGHTS = {"GX": 40, "GXH": 60}
APPRAISAL_WEIGHTS = {"SZ": 10, "SJPJ": 25, "TJHP": 20, "XJPJ": 15, "QZMY": 15, "DWKH": 15}
SOURCES = {"superior": "SJPJ", "peer": "TJHP", "subordinate": "XJPJ", "public": "QZMY",
           "unit_result": "DWKH", "findings": "FMBX"}
BANDS = [
    {"label": "提醒谈话", "action": "组织部约谈提醒，限期改进"},
    {"min": 60, "label": "一般"},
    {"min": 80, "label": "良好"},
    {"min": 95, "label": "优先提拔", "action": "列入优先提拔使用人选", "candidate": True},
]
SUPERIORS = ("市委书记", "市长", "市委组织部部长")
SUBORDINATES = ("县委副书记", "常务副县长", "县委组织部部长", "乡镇党委书记", "县直部门负责人")
UNVOTED_SUBORDINATES = 4
HARD_TASKS = ("带领党员突击队参加防汛抢险，连续奋战72小时保住堤防",
              "牵头完成森林防火攻坚任务，辖区全年无重大火情",
              "主动承担重点项目征拆攻坚，提前15天完成交地",
              "牵头处置突发事件，妥善安置受灾群众")
FAILINGS = ("信访积案化解不力，被市委通报批评",
            "党建工作专项督查指出问题整改不到位，被约谈",
            "安全生产责任落实不到位，辖区发生较大事故")
TOLERATED = ("推进农村集体产权制度改革试点中程序存在瑕疵", "县委常委会 2026年10月16日",
             "属于改革创新中的先行先试，出于公心、未谋私利，已及时纠正，依据“三个区分开来”"
             "予以容错")


def load() -> dict[str, int]:
    """Load the cadre demo once; a second run adds nothing."""
    admin = User.objects.filter(username=ADMIN).first()
    if admin is None or assessment_selectors.plan_list(actor=admin).filter(
            series=SERIES_APPRAISAL).exists():
        return {"plans": 0, "ballots": 0, "collected": 0}
    with transaction.atomic():
        return _load(admin)


def _load(admin: User) -> dict[str, int]:
    owner = Unit.objects.get(code=OWNER_CODE)
    cadres = list(Person.objects.filter(
        unit__path__startswith=owner.path, unit__peer_groups__name=GROUP_COUNTIES,
        position__in=POSITIONS, is_active=True).select_related("unit").order_by(
        "unit__code", "position"))
    rng = random.Random(SEED)
    quality = {c.pk: rng.gauss(0, 1) for c in cadres}
    indicators = _indicators(admin, owner)
    for quarter in (1, 2, 3):
        _index_quarter(admin, owner, indicators, cadres, quality, rng, quarter)
    collected = services.lists_collect()
    ballots = _appraisal(admin, owner, indicators, cadres, quality, rng)
    return {"plans": 4, "ballots": ballots, "collected": collected}


def _indicators(admin: User, owner: Unit) -> dict[str, Any]:
    existing = {i.code: i for i in assessment_selectors.catalog(actor=admin, unit=owner)}
    return {code: existing.get(code) or assessment.indicator_create(
        actor=admin, owner=owner, code=code, name=name, rule_kind=kind, rule=rule,
        min_value=Decimal(0), max_value=Decimal(100))
        for code, name, kind, rule in INDICATORS}


def _plan(admin: User, owner: Unit, indicators: dict[str, Any], *, name: str, series: str,
          period: Any, weights: dict[str, int], items: list[str], **list_rules: Any) -> Any:
    plan = assessment.plan_create(
        actor=admin, owner=owner, name=name, period=period, series=series,
        assessed_levels=[3], assessed_groups=[GROUP_COUNTIES], ranking_groups=[GROUP_COUNTIES],
        subject_kind="cadre", assessed_positions=POSITIONS, **list_rules)
    for code in [*weights, *items]:
        assessment.plan_indicator_set(actor=admin, plan=plan, indicator=indicators[code])
    assessment.plan_weights_set(actor=admin, plan=plan,
                                weights={code: Decimal(w) for code, w in weights.items()})
    assessment.plan_open(actor=admin, plan=plan)
    return plan


def _day_in(period: Any, rng: random.Random) -> datetime.date:
    last = min(period.end, datetime.date.today())
    return period.start + datetime.timedelta(days=rng.randrange((last - period.start).days + 1))


def _entries(admin: User, plan: Any, people: list[Person], *, code: str, kind: str,
             texts: tuple[str, ...], source: str, rng: random.Random) -> list[Any]:
    item = next(i for i in assessment_selectors.list_items(plan) if i.indicator.code == code)
    return [assessment.list_entry_create(
        actor=admin, unit=person.unit, person=person, plan=plan, plan_indicator=item,
        kind=kind, date=_day_in(plan.period, rng), text=rng.choice(texts), source=source)
        for person in people]


def _index_quarter(admin: User, owner: Unit, indicators: dict[str, Any], cadres: list[Person],
                   quality: dict[int, float], rng: random.Random, quarter: int) -> None:
    """One quarter's index: figures around each cadre's quality (drifting a little), 急难险重
    for the best, failings for the weakest, published; the first quarter's follow-ups are
    closed with their outcome."""
    period = assessment.period_get(kind="quarter",
                                   day=datetime.date(YEAR, quarter * 3 - 2, 1))
    plan = _plan(admin, owner, indicators, name=f"{SERIES_INDEX}（{period.label}）",
                 series=SERIES_INDEX, period=period, weights=INDEX_WEIGHTS,
                 items=["JNXZ", "FMBX"])
    services.index_rule_save(actor=admin, plan=plan, bands=BANDS)
    ranked = sorted(cadres, key=lambda c: -quality[c.pk])
    _entries(admin, plan, ranked[:6] + rng.sample(ranked[6:40], 4), code="JNXZ",
             kind="achievement", texts=HARD_TASKS, source="award", rng=rng)
    _entries(admin, plan, ranked[-3:], code="FMBX", kind="negative", texts=FAILINGS,
             source="inspection", rng=rng)
    for cadre in cadres:
        q = quality[cadre.pk] + 0.15 * quarter * rng.choice((-1, 1))
        assessment.values_save(actor=admin, plan=plan, unit=cadre.unit, person=cadre, values={
            "GX": (_score(79 + 6 * q + rng.gauss(0, 2)), ""),
            "GXH": (_score(77 + 7 * q + rng.gauss(0, 2.5)), "")})
    assessment.plan_score(actor=admin, plan=plan)
    assessment.plan_publish(actor=admin, plan=plan, note=f"{period.label}担当指数通报")
    if quarter == 1:
        for follow_up in selectors.follow_ups(actor=admin).filter(version__plan=plan):
            services.follow_up_close(actor=admin, follow_up=follow_up, outcome=(
                "已由组织部约谈，本人作出书面说明并提交整改措施"
                if follow_up.band == BANDS[0]["label"]
                else "已纳入优先提拔使用人选库，持续跟踪考察"))


def _score(value: float) -> Decimal:
    return Decimal(str(round(min(100.0, max(40.0, value)), 1)))


def _appraisal(admin: User, owner: Unit, indicators: dict[str, Any], cadres: list[Person],
               quality: dict[int, float], rng: random.Random) -> int:
    """The year-end appraisal, every source; returns the ballots cast."""
    period = assessment.period_get(kind="year", day=datetime.date(YEAR, 1, 1))
    plan = _plan(admin, owner, indicators, name=f"{period.label}{SERIES_APPRAISAL}",
                 series=SERIES_APPRAISAL, period=period, weights=APPRAISAL_WEIGHTS,
                 items=["JNXZ", "FMBX"], red_top_percent=Decimal(10),
                 black_bottom_percent=Decimal(5))
    survey = survey_selectors.campaign_list(actor=admin).filter(title=SURVEY_TITLE).first()
    unit_plan = assessment_selectors.plan_list(actor=admin).filter(
        series=UNIT_PLAN_SERIES, period__start=datetime.date(YEAR, 10, 1)).first()
    appraisal = services.appraisal_save(actor=admin, plan=plan, sources=SOURCES, survey=survey,
                                        unit_plan=unit_plan)
    codes = _panels(admin, appraisal, cadres)
    appraisal = services.appraisal_status_set(actor=admin, appraisal=appraisal,
                                              status=AppraisalStatus.RATING)
    ranked = sorted(cadres, key=lambda c: -quality[c.pk])
    _entries(admin, plan, ranked[:12], code="JNXZ", kind="achievement", texts=HARD_TASKS,
             source="award", rng=rng)
    failings = _entries(admin, plan, ranked[-4:], code="FMBX", kind="negative",
                        texts=FAILINGS, source="inspection", rng=rng)
    failings.append(assessment.list_entry_create(
        actor=admin, unit=ranked[20].unit, person=ranked[20], plan=plan,
        plan_indicator=failings[0].plan_indicator, kind="negative", source="inspection",
        date=datetime.date(YEAR, 9, 20), text=TOLERATED[0]))
    assessment.tolerance_decide(actor=admin, entry=failings[-1], reason=TOLERATED[2],
                                approver=TOLERATED[1])
    for cadre in cadres:
        assessment.values_save(actor=admin, plan=plan, unit=cadre.unit, person=cadre, values={
            "SZ": (_score(86 + 4 * quality[cadre.pk] + rng.gauss(0, 2)), "述职评议得分")})
    grades = [g["name"] for g in appraisal.grades]
    for code in codes:
        on_ballot = services.ballot_cadres(services.rater_for_code(code))
        services.ballot_submit(code=code, ratings=_ballot(appraisal, on_ballot, grades,
                                                          quality, rng))
    services.appraisal_fill(actor=admin, appraisal=appraisal)
    services.appraisal_status_set(actor=admin, appraisal=appraisal,
                                  status=AppraisalStatus.CLOSED)
    assessment.plan_score(actor=admin, plan=plan)
    assessment.plan_publish(actor=admin, plan=plan, note=f"{period.label}年度考核结果")
    return len(codes)


def _panels(admin: User, appraisal: Appraisal, cadres: list[Person]) -> list[str]:
    """Issue the three panels' codes; returns those that will vote (all but a few
    subordinates')."""
    by_city: dict[int, list[Person]] = defaultdict(list)
    by_county: dict[int, list[Person]] = defaultdict(list)
    for cadre in cadres:
        by_city[cadre.unit.parent_id].append(cadre)
        by_county[cadre.unit_id].append(cadre)
    cities = Unit.objects.in_bulk(list(by_city))
    codes: list[str] = []
    for city_id, members in by_city.items():
        city = cities[city_id]
        codes += [code for _rater, code in services.raters_issue(
            actor=admin, appraisal=appraisal, role=RaterRole.SUPERIOR, rates_unit=city,
            raters=[(f"{city.name}{title}", None) for title in SUPERIORS])]
        codes += [code for _rater, code in services.raters_issue(
            actor=admin, appraisal=appraisal, role=RaterRole.PEER, rates_unit=city,
            raters=[(p.name, p) for p in members])]
    subordinate_codes = []
    for members in by_county.values():
        county = members[0].unit
        subordinate_codes += [code for _rater, code in services.raters_issue(
            actor=admin, appraisal=appraisal, role=RaterRole.SUBORDINATE, rates_unit=county,
            raters=[(f"{county.name}{title}", None) for title in SUBORDINATES])]
    return codes + subordinate_codes[:-UNVOTED_SUBORDINATES]


def _ballot(appraisal: Appraisal, on_ballot: list[Any], grades: list[str],
            quality: dict[int, float], rng: random.Random) -> dict[int, Any]:
    """A rater's view of each cadre (quality plus their own noise) turned into grades: the best
    seen get 优秀 as far as the quota allows, the rest by thresholds; each dimension varies
    around the overall grade."""
    seen = {s.person_id: quality[s.person_id] + rng.gauss(0, 0.6) for s in on_ballot}
    allowed = engine.quota_allowed(appraisal.quotas[grades[0]], len(seen),
                                   rounding=appraisal.quota_rounding)
    best = set(sorted(seen, key=lambda pid: -seen[pid])[:allowed])
    ratings = {}
    for pid, view in seen.items():
        level = (0 if pid in best and view > 0.8 else 1 if view > -1.4
                 else 2 if view > -2.6 else 3)
        dimensions = [grades[min(3, max(0, level + rng.choice((-1, 0, 0, 0, 1))))]
                      for _dimension in appraisal.dimensions]
        ratings[pid] = services.BallotRating(grades[level], dimensions)
    return ratings
