"""The province inspects county A (and county B): an inspector of the province, a checklist,
categories, and a finding whose rectification is registered for county A."""

import datetime

import pytest

from pacesetter.orgs.models import Role
from pacesetter.supervision import services
from pacesetter.supervision.services import FindingData, TargetData
from tests.assessment.conftest import period, plan  # noqa: F401 (fixtures used here too)
from tests.factories import user_with_role
from tests.surveys.conftest import _fresh_caches, campaign, questionnaire  # noqa: F401

TODAY = datetime.date.today()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def inspector(tree):
    """An inspector of the province: supervises, enters no figures."""
    return user_with_role(Role.INSPECTOR, tree.province, username="inspector")


@pytest.fixture
def categories(tree, province_admin):
    return services.categories_set(actor=province_admin, owner=tree.province,
                                   names=["基层组织建设", "干部队伍建设", "作风建设"])


@pytest.fixture
def inspection(tree, province_admin, categories):
    return services.inspection_create(
        actor=province_admin, owner=tree.province, title="满意度后进县督查",
        starts_on=TODAY, ends_on=days(5),
        targets=[TargetData(tree.county_a, "满意度全省倒数第1", {"index": 71.2}),
                 TargetData(tree.county_b, "满意度全省倒数第2", {"index": 73.5})],
        checklist=[("C1", "“三会一课”落实情况"), ("C2", "软弱涣散党组织整顿")])


@pytest.fixture
def finding(inspection, inspector, tree, categories):
    return services.finding_record(actor=inspector, inspection=inspection, data=FindingData(
        unit=tree.county_a, description="部分村党组织“三会一课”记录不全", severity="serious",
        category=categories[0], checklist_item=inspection.checklist.get(code="C1"),
        suggestions=["建立会议记录月检制度", "开展专项培训"]))


@pytest.fixture
def task(finding):
    return finding.rectification
