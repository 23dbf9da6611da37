"""The province inspects county A (and county B): an inspector of the province, a checklist,
categories, and a finding whose rectification is registered for county A."""

import datetime

import pytest

from pacesetter.orgs.models import Role
from pacesetter.supervision import services
from pacesetter.supervision.services import FindingData, TargetData
from tests.assessment.conftest import media_root, period, plan  # noqa: F401 (fixtures used here too)
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
def county_b_admin(tree):
    return user_with_role(Role.ORG_ADMIN, tree.county_b, username="county_b_admin")


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


def close_out(task, supervisor, unit):
    """Take a registered task through its whole lifecycle to its close-out."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    for name, by in (("assign", supervisor), ("accept", unit), ("start", unit)):
        task = services.rectification_step(actor=by, rectification=task, step=name)
    task = services.rectification_step(
        actor=unit, rectification=task, step="report", note="已整改",
        files=[SimpleUploadedFile("整改后.jpg", b"\xff\xd8\xff photo")])
    for name in ("review", "complete", "close"):
        task = services.rectification_step(actor=supervisor, rectification=task, step=name)
    return task


@pytest.fixture
def rechecked(inspection, finding, inspector, county_admin, tree):
    """The inspection, concluded: two findings at county A closed out (numbers 1 and 2), one
    at county B still open (number 3)."""
    second = services.finding_record(actor=inspector, inspection=inspection, data=FindingData(
        unit=tree.county_a, description="党员发展档案缺页", severity="minor"))
    services.finding_record(actor=inspector, inspection=inspection, data=FindingData(
        unit=tree.county_b, description="阵地建设不达标"))
    for found in (finding, second):
        close_out(found.rectification, inspector, county_admin)
    services.inspection_move(actor=inspector, inspection=inspection, state="under_way")
    services.inspection_move(actor=inspector, inspection=inspection, state="concluded")
    return inspection


@pytest.fixture
def recheck(rechecked, province_admin):
    """A re-check (回头看) of it; its targets are left to the service: county A only."""
    return services.inspection_create(
        actor=province_admin, owner=rechecked.owner, title="满意度后进县督查回头看",
        kind="recheck", rechecks=rechecked, starts_on=TODAY, ends_on=days(3), targets=[])
