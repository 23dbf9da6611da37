"""What other areas record about a cadre flows onto their lists, linked to its origin, once;
a published ranking's red and black lists do too."""

import datetime

from pacesetter.assessment.models import ListEntry
from pacesetter.cadres import services
from pacesetter.projects.models import Portfolio, Project
from pacesetter.supervision.models import Finding, Inspection


def test_an_accepted_project_and_an_attributed_finding_reach_the_cadres_lists_once(
        tree, cadres):
    portfolio = Portfolio.objects.create(owner=tree.county_a, title="重点项目", year=2026)
    project = Project.objects.create(portfolio=portfolio, title="红色物业", state="accepted",
                                     grade="excellent", leader=cadres["sec_a"],
                                     proposed_by=tree.county_a)
    Project.objects.create(portfolio=portfolio, title="未验收", state="running",
                           leader=cadres["sec_a"], proposed_by=tree.county_a)
    inspection = Inspection.objects.create(owner=tree.city1, title="2026年第一轮巡察",
                                           starts_on=datetime.date(2026, 3, 1),
                                           ends_on=datetime.date(2026, 4, 1))
    finding = Finding.objects.create(inspection=inspection, number=1, unit=tree.county_b,
                                     description="“三会一课”流于形式", person=cadres["head_b"])
    Finding.objects.create(inspection=inspection, number=2, unit=tree.county_b,
                           description="无人负责的问题")

    assert services.lists_collect() == 2
    assert services.lists_collect() == 0

    achievement = ListEntry.objects.get(person=cadres["sec_a"])
    assert (achievement.kind, achievement.source, achievement.status) == (
        "achievement", "project", "confirmed")
    assert "红色物业" in achievement.text
    assert achievement.origin_url == f"/projects/{project.pk}/"
    negative = ListEntry.objects.get(person=cadres["head_b"])
    assert (negative.kind, negative.source, negative.unit) == (
        "negative", "inspection", tree.county_b)
    assert negative.origin_url.endswith(f"#finding-{finding.number}")
    assert negative.recorded_by is None
