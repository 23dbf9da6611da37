"""A city portfolio over the shared tree (organized by the province here): a project open for
claims, one proposed by county A, and a roadshow with a four-criterion rubric."""

import datetime

import pytest

from pacesetter.projects import services
from pacesetter.projects.services import MilestoneData, ProjectData

RUBRIC = [{"code": "innovation", "name": "创新性", "max": 30},
          {"code": "effect", "name": "实效性", "max": 30},
          {"code": "replicable", "name": "可复制性", "max": 20},
          {"code": "presentation", "name": "展示效果", "max": 20}]
TODAY = datetime.date.today()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def portfolio(tree, province_admin):
    return services.portfolio_create(actor=province_admin, owner=tree.province,
                                     title="2022 组织工作创新年", year=2022, cadence="weekly")


@pytest.fixture
def listed(portfolio, province_admin):
    """A project the department publishes for claims."""
    project = services.project_create(
        actor=province_admin, portfolio=portfolio,
        data=ProjectData(title="党建引领基层治理", category="基层党建", deadline=days(200)),
        milestones=[MilestoneData("调研摸底", days(30)), MilestoneData("试点推进", days(120))])
    return services.project_step(actor=province_admin, project=project, step="list")


@pytest.fixture
def running(portfolio, county_admin, province_admin, tree):
    """A project county A proposed, approved and started."""
    project = services.project_create(
        actor=county_admin, portfolio=portfolio, proposed_by=tree.county_a,
        data=ProjectData(title="红色物业", starts_on=days(-60), deadline=days(100),
                         owner=tree.person_a),
        milestones=[MilestoneData("方案制定", days(-10), percent=100),
                    MilestoneData("全面推开", days(5)), MilestoneData("总结验收", days(90))])
    services.project_step(actor=county_admin, project=project, step="submit")
    services.project_step(actor=province_admin, project=project, step="approve")
    return services.project_step(actor=county_admin, project=project, step="start")


@pytest.fixture
def roadshow(tree, province_admin, portfolio):
    return services.roadshow_create(actor=province_admin, owner=tree.province,
                                    portfolio=portfolio, title="第一场路演", held_on=TODAY,
                                    criteria=RUBRIC)


@pytest.fixture
def approved(portfolio, province_admin, tree):
    """A project the department put into the list itself, led by county B."""
    project = services.project_create(
        actor=province_admin, portfolio=portfolio,
        data=ProjectData(title="人才服务专员", lead_unit=tree.county_b, deadline=days(200)),
        milestones=[MilestoneData("选派专员", days(60))])
    services.project_step(actor=province_admin, project=project, step="submit")
    return services.project_step(actor=province_admin, project=project, step="approve")
