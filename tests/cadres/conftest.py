from decimal import Decimal

import pytest
from django.utils import translation

from pacesetter.assessment import services as assessment
from pacesetter.assessment.models import SubjectKind
from pacesetter.cadres import services
from tests.assessment.conftest import cadres, period, plan  # noqa: F401 fixtures


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, the source language."""
    with translation.override("en"):
        yield


SOURCES = (("SR", "述职评议", 10), ("SUP", "上级评价", 30), ("PEER", "同级互评", 20),
           ("SUB", "下级评价", 20), ("UNIT", "单位考核结果", 20))


@pytest.fixture
def appraisal_plan(tree, province_admin, period, cadres):  # noqa: F811
    """The county secretaries' and heads' year-end appraisal: a 述职 score entered by hand,
    three rater panels and the counties' own assessment, weighted 10/30/20/20/20."""
    cadre_plan = assessment.plan_create(
        actor=province_admin, owner=tree.province, name="县委书记县长年度考核", period=period,
        series="县级领导干部年度考核", assessed_levels=[3], subject_kind=SubjectKind.CADRE,
        assessed_positions=["县委书记", "县长"], red_top_n=1, black_bottom_n=1)
    for code, name, _weight in SOURCES:
        indicator = assessment.indicator_create(
            actor=province_admin, owner=tree.province, code=code, name=name,
            rule_kind="target", rule={"target": 100, "cap": 1})
        assessment.plan_indicator_set(actor=province_admin, plan=cadre_plan, indicator=indicator)
    assessment.plan_weights_set(actor=province_admin, plan=cadre_plan,
                                weights={code: Decimal(w) for code, _n, w in SOURCES})
    return cadre_plan


@pytest.fixture
def appraisal(appraisal_plan, province_admin):
    """The appraisal of the open plan: superiors, peers and subordinates on two dimensions,
    at most half 优秀."""
    assessment.plan_open(actor=province_admin, plan=appraisal_plan)
    return services.appraisal_save(
        actor=province_admin, plan=appraisal_plan,
        sources={"superior": "SUP", "peer": "PEER", "subordinate": "SUB"},
        grades=[{"name": "优秀", "points": 95, "quota": 0.5}, {"name": "称职", "points": 80},
                {"name": "基本称职", "points": 65}, {"name": "不称职", "points": 40}],
        dimensions=[{"name": "政治思想", "weight": 50}, {"name": "工作实绩", "weight": 50}])


def issue(appraisal, actor, role, unit, names):
    """Codes for a panel, by rater name."""
    return {rater.name: code for rater, code in services.raters_issue(
        actor=actor, appraisal=appraisal, role=role, rates_unit=unit,
        raters=[(name, None) if isinstance(name, str) else name for name in names])}


def vote(code, grades):
    """{person: (overall grade, [dimension grades])} as a ballot."""
    return services.ballot_submit(code=code, ratings={
        person.pk: services.BallotRating(grade, list(dims))
        for person, (grade, dims) in grades.items()})
