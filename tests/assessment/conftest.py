"""A province plan assessing the counties of the shared tree (counties A and B, level 3)."""

import datetime
from decimal import Decimal

import pytest

from pacesetter.assessment import services
from pacesetter.assessment.models import SubjectKind
from tests.factories import PersonFactory


@pytest.fixture
def period(db):
    return services.period_get(kind="month", day=datetime.date(2026, 10, 15))


@pytest.fixture
def plan(tree, province_admin, period):
    plan = services.plan_create(actor=province_admin, owner=tree.province, name="县级党建月度考核",
                                period=period, series="县级党建", assessed_levels=[3],
                                red_top_n=1, black_bottom_n=1)
    catalog = [
        ("A1", "三会一课落实率", "normalize", {"method": "minmax"}, {"max_value": 100}),
        ("A2", "群众满意度", "bands", {"bands": [[95, 100], [90, 80], [0, 60]]}, {}),
        ("B1", "急难险重任务", "bonus", {"per": 1, "cap": 3}, {"data_type": "count"}),
        ("V1", "发生重大违纪", "veto", {"at_least": 1}, {"data_type": "boolean"}),
    ]
    for code, name, kind, rule, fields in catalog:
        indicator = services.indicator_create(actor=province_admin, owner=tree.province,
                                              code=code, name=name, rule_kind=kind, rule=rule,
                                              **fields)
        services.plan_indicator_set(actor=province_admin, plan=plan, indicator=indicator)
    services.plan_weights_set(actor=province_admin, plan=plan,
                              weights={"A1": Decimal(60), "A2": Decimal(40)})
    return plan


def figures(a1, a2, b1=0, v1=0):
    return {"A1": (Decimal(a1), ""), "A2": (Decimal(a2), ""), "B1": (Decimal(b1), ""),
            "V1": (Decimal(v1), "")}


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def media_root(settings, tmp_path):
    """Evidence files go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


@pytest.fixture
def list_plan(plan, province_admin, tree, media_root):
    """The shared plan with two items drawn from the lists (L1: bonus 2 per confirmed
    achievement up to 3; N1: deduction 2 per confirmed negative entry up to 6), opened."""
    for code, name, kind, rule in (
            ("L1", "实绩清单加分", "bonus", {"per": 2, "cap": 3, "source": "list"}),
            ("N1", "负面清单扣分", "deduction", {"per": 2, "cap": 6, "source": "list"})):
        indicator = services.indicator_create(actor=province_admin, owner=tree.province,
                                              code=code, name=name, rule_kind=kind, rule=rule,
                                              data_type="count")
        services.plan_indicator_set(actor=province_admin, plan=plan, indicator=indicator)
    services.plan_open(actor=province_admin, plan=plan)
    return plan


@pytest.fixture
def cadres(tree):
    """A party secretary and a county head in each county; a deputy, not assessed."""
    return {
        "sec_a": PersonFactory(unit=tree.county_a, name="周书记", position="县委书记"),
        "head_a": PersonFactory(unit=tree.county_a, name="吴县长", position="县长"),
        "sec_b": PersonFactory(unit=tree.county_b, name="郑书记", position="县委书记"),
        "head_b": PersonFactory(unit=tree.county_b, name="王县长", position="县长"),
        "deputy_a": PersonFactory(unit=tree.county_a, name="冯副县长", position="副县长"),
    }


@pytest.fixture
def cadre_plan(tree, province_admin, period, cadres):
    plan = services.plan_create(
        actor=province_admin, owner=tree.province, name="县级领导干部年度考核", period=period,
        series="县级领导干部", assessed_levels=[3], subject_kind=SubjectKind.CADRE,
        assessed_positions=["县委书记", " 县长", "县委书记"], red_top_n=1, black_bottom_n=1)
    for code, name, kind, rule in (
            ("G1", "共性指标", "normalize", {"method": "minmax"}),
            ("P1", "个性指标", "normalize", {"method": "minmax"}),
            ("J1", "急难险重", "bonus", {"per": 1, "cap": 5, "source": "list"})):
        indicator = services.indicator_create(actor=province_admin, owner=tree.province,
                                              code=code, name=name, rule_kind=kind, rule=rule)
        services.plan_indicator_set(actor=province_admin, plan=plan, indicator=indicator)
    services.plan_weights_set(actor=province_admin, plan=plan,
                              weights={"G1": Decimal(40), "P1": Decimal(60)})
    return plan


def cadre_figures(g1, p1):
    return {"G1": (Decimal(g1), ""), "P1": (Decimal(p1), "")}
