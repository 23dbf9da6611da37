"""Inspections started from the bottom of a ranking, the figures of the closed loop, and the
findings attributed to leading cadres."""

import datetime

import pytest
from django.utils import timezone

from pacesetter.assessment import services as assessment_services
from pacesetter.errors import NotFound, ValidationFailed
from pacesetter.supervision import selectors, services
from pacesetter.supervision.models import Finding, Rectification
from pacesetter.supervision.services import FindingData, TargetData
from tests.assessment.conftest import figures
from tests.supervision.conftest import TODAY, days
from tests.surveys.conftest import submit


def test_the_bottom_of_a_survey_becomes_the_inspections_targets(campaign, tree,
                                                                province_admin):
    # given: county A's respondents are dissatisfied, county B's satisfied
    link_a = campaign.targets.get(unit=tree.county_a).link_token
    link_b = campaign.targets.get(unit=tree.county_b).link_token
    for n in range(6):
        submit(link_a, f"a{n}", {"A1": "bmy", "B1": "bmy"})
        submit(link_b, f"b{n}", {"A1": "my", "B1": "my"})
    # when
    inspection = services.inspection_from_ranking(
        actor=province_admin, owner=tree.province, source_kind="survey", source_id=campaign.pk,
        bottom=1, title="满意度后进单位督查", starts_on=TODAY, ends_on=days(3))
    # then
    (target,) = inspection.targets.all()
    assert target.unit == tree.county_a
    assert (target.figures["rank"], target.figures["of"]) == (2, 2)
    assert target.figures["index"] < 60
    assert "县级满意度测评" in target.reason
    assert inspection.source == {"kind": "survey", "id": campaign.pk, "title": "县级满意度测评",
                                 "bottom": 1}


def test_the_bottom_of_an_assessment_becomes_the_inspections_targets(plan, tree,
                                                                     province_admin):
    assessment_services.plan_open(actor=province_admin, plan=plan)
    assessment_services.values_save(actor=province_admin, plan=plan, unit=tree.county_a,
                                    values=figures(98, 96, 2, 0))
    assessment_services.values_save(actor=province_admin, plan=plan, unit=tree.county_b,
                                    values=figures(70, 85, 0, 0))
    assessment_services.plan_score(actor=province_admin, plan=plan)
    assessment_services.plan_publish(actor=province_admin, plan=plan)
    _plan, ranked = selectors.assessment_bottom(actor=province_admin, plan_id=plan.pk,
                                                bottom=1)
    assert [(r.unit, r.rank, r.of) for r in ranked] == [(tree.county_b, 2, 2)]
    assert ranked[0].figures["total"] < 100


def test_a_ranking_out_of_scope_is_not_found_and_an_empty_one_is_refused(
        campaign, tree, province_admin):
    from pacesetter.orgs.models import Role
    from tests.factories import user_with_role

    other_city = user_with_role(Role.ORG_ADMIN, tree.city2, username="city2_admin")
    with pytest.raises(NotFound):
        selectors.survey_bottom(actor=other_city, campaign_id=campaign.pk, bottom=1)
    with pytest.raises(ValidationFailed):  # nobody has answered: nobody is ranked
        services.inspection_from_ranking(
            actor=province_admin, owner=tree.province, source_kind="survey", source_id=campaign.pk,
            bottom=1, title="督查", starts_on=TODAY, ends_on=TODAY)


def test_the_figures_count_the_loop_and_word_the_summary(inspection, inspector, county_admin,
                                                         tree, categories):
    from tests.supervision.test_services import reach

    findings = services.findings_record(actor=inspector, inspection=inspection, rows=[
        (FindingData(tree.county_a, "问题一", "serious", categories[0],
                     suggestions=["建议一", "建议二"]), []),
        (FindingData(tree.county_a, "问题二", "minor", categories[1], suggestions=["建议三"]),
         []),
        (FindingData(tree.county_b, "问题三", "minor"), [])])
    done, late, _fresh = (f.rectification for f in findings)
    reach(done, "closed", inspector, county_admin)
    reach(late, "in_progress", inspector, county_admin)
    Rectification.objects.filter(pk=late.pk).update(deadline=days(-1))
    whole = selectors.inspection_figures(actor=inspector, inspection=inspection)
    assert (whole.findings, whole.suggestions, whole.tasks) == (3, 3, 3)
    assert whole.by_severity == {"serious": 1, "minor": 2}
    assert whole.by_category == {"基层组织建设": 1, "干部队伍建设": 1, "未分类": 1}
    assert (whole.rectified, whole.rectified_on_time, whole.open, whole.late) == (1, 1, 1, 1)
    assert whole.rectification_rate == 33.3 and whole.on_time_rate == 100.0
    assert whole.lights == {"green": 0, "yellow": 0, "red": 1, "none": 2}
    assert (whole.verifying, whole.unassigned) == (0, 1)  # every task is counted somewhere
    assert whole.summary() == ("指出问题 3 个，提出整改建议 3 条；已整改 1 个（整改率 33.3%），"
                               "整改中 1 个（其中逾期 1 个），待核验 0 个，尚未交办 1 个。")
    nothing = selectors.figures(findings=Finding.objects.none(),
                                tasks=Rectification.objects.none())
    assert "整改率 —）" in nothing.summary()
    county_a = selectors.inspection_figures(actor=county_admin, inspection=inspection)
    assert (county_a.findings, county_a.tasks) == (2, 2)  # county B's are not its to see


# --- re-checks --------------------------------------------------------------------------------

def test_a_recheck_lists_the_findings_at_its_targets_with_what_is_left_to_judge(
        rechecked, province_admin, inspector, tree):
    # given: a re-check of both counties (county B's finding is not closed out)
    recheck = services.inspection_create(
        actor=province_admin, owner=tree.province, title="回头看", kind="recheck",
        rechecks=rechecked, starts_on=TODAY, ends_on=TODAY,
        targets=[TargetData(tree.county_a), TargetData(tree.county_b)])
    services.recheck_verdict_record(actor=inspector, recheck=recheck,
                                    finding=rechecked.findings.get(number=1), verdict="holds")
    # when
    items = selectors.recheck_items(actor=inspector, recheck=recheck)
    figures = selectors.recheck_figures(items)
    # then
    assert [(i.finding.number, i.awaiting_verdict) for i in items] == [
        (1, False), (2, True), (3, False)]
    assert (figures.findings, figures.holds, figures.reopened, figures.awaiting,
            figures.unfinished) == (3, 1, 0, 1, 1)
    assert items[1].reopen_deadline == days(60)  # minor


def test_a_rechecked_unit_sees_its_own_findings_only(rechecked, province_admin, tree,
                                                     county_b_admin):
    recheck = services.inspection_create(
        actor=province_admin, owner=tree.province, title="回头看", kind="recheck",
        rechecks=rechecked, starts_on=TODAY, ends_on=TODAY,
        targets=[TargetData(tree.county_a), TargetData(tree.county_b)])
    items = selectors.recheck_items(actor=county_b_admin, recheck=recheck)
    assert [i.finding.number for i in items] == [3]


# --- findings attributed to leading cadres, for their negative lists ---------------------------

def test_findings_attributed_lists_those_with_a_cadre_oldest_first(
        inspection, inspector, tree, django_assert_num_queries):
    first, _none, second = services.findings_record(actor=inspector, inspection=inspection,
                                                    rows=[
        (FindingData(tree.county_a, "问题一", person=tree.person_a), []),
        (FindingData(tree.county_a, "问题二"), []),
        (FindingData(tree.county_b, "问题三", person=tree.person_b), [])])
    Finding.objects.filter(pk=first.pk).update(
        recorded_at=timezone.now() - datetime.timedelta(days=40))
    with django_assert_num_queries(1):
        rows = [(f.number, f.inspection.title, f.unit.name, f.person.name)
                for f in selectors.findings_attributed()]
    assert rows == [(1, inspection.title, tree.county_a.name, tree.person_a.name),
                    (3, inspection.title, tree.county_b.name, tree.person_b.name)]
    since = timezone.localdate() - datetime.timedelta(days=7)
    assert list(selectors.findings_attributed(since)) == [second]


def test_a_findings_page_is_its_place_on_the_inspections_page(client, inspection, inspector,
                                                              tree):
    finding = services.finding_record(actor=inspector, inspection=inspection, data=FindingData(
        tree.county_b, "问题", person=tree.person_b))
    path = selectors.finding_path(finding)
    assert path == f"/inspections/{inspection.pk}/#finding-{finding.number}"
    client.force_login(inspector)
    page = client.get(path.split("#")[0]).content.decode()
    assert f'id="finding-{finding.number}"' in page and tree.person_b.name in page
