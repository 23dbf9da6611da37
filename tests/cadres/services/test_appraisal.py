"""A year-end multi-source appraisal: rater panels grade cadres once each, under quotas, and
their scores with the units' results fill the plan's source indicators."""

import datetime
from decimal import Decimal

import pytest

from pacesetter.assessment import selectors as assessment_selectors
from pacesetter.assessment import services as assessment
from pacesetter.audit.models import AuditEntry
from pacesetter.cadres import services
from pacesetter.cadres.models import AppraisalStatus, Rating
from pacesetter.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tests.assessment.conftest import figures
from tests.cadres.conftest import issue, vote

GOOD, FAIR = ["优秀", "优秀"], ["称职", "称职"]


def open_rating(appraisal, actor):
    services.appraisal_status_set(actor=actor, appraisal=appraisal, status=AppraisalStatus.RATING)
    appraisal.refresh_from_db()


def test_sources_must_fill_weighted_indicators_of_the_plan(appraisal_plan, province_admin):
    with pytest.raises(ValidationFailed, match="NOPE"):
        services.appraisal_save(actor=province_admin, plan=appraisal_plan,
                                sources={"superior": "NOPE"})
    with pytest.raises(ValidationFailed) as failure:
        services.appraisal_save(actor=province_admin, plan=appraisal_plan,
                                sources={"superior": "SUP", "peer": "SUP"})
    assert failure.value.extra["errors"][0]["field"] == "sources"
    with pytest.raises(ValidationFailed) as failure:
        services.appraisal_save(actor=province_admin, plan=appraisal_plan,
                                sources={"unit_result": "UNIT"})
    assert failure.value.extra["errors"][0]["field"] == "unit_plan"


def test_an_appraisal_is_of_cadres_and_set_up_by_the_plans_organizer(
        plan, appraisal_plan, province_admin, county_admin):
    with pytest.raises(Conflict):
        services.appraisal_save(actor=province_admin, plan=plan, sources={})
    with pytest.raises(PermissionDenied):
        services.appraisal_save(actor=county_admin, plan=appraisal_plan, sources={})


def test_grades_are_listed_best_first_with_quotas_as_shares(appraisal_plan, province_admin):
    with pytest.raises(ValidationFailed, match="best to worst"):
        services.appraisal_save(actor=province_admin, plan=appraisal_plan, sources={},
                                grades=[{"name": "称职", "points": 80},
                                        {"name": "优秀", "points": 95}])
    with pytest.raises(ValidationFailed):
        services.appraisal_save(actor=province_admin, plan=appraisal_plan, sources={},
                                grades=[{"name": "优秀", "points": 95, "quota": 15}])


def test_the_rules_are_fixed_once_rating_opens(appraisal, province_admin, tree):
    issue(appraisal, province_admin, "superior", tree.city1, ["市委书记"])
    open_rating(appraisal, province_admin)
    with pytest.raises(Conflict):
        services.appraisal_save(actor=province_admin, plan=appraisal.plan, sources={})


def test_rating_cannot_open_without_a_panel(appraisal, province_admin):
    with pytest.raises(Conflict, match="Issue codes"):
        services.appraisal_status_set(actor=province_admin, appraisal=appraisal,
                                      status=AppraisalStatus.RATING)


def test_a_rater_ballot_holds_the_cadres_of_the_rated_unit_but_not_themselves_nor_conflicts(
        appraisal, province_admin, tree, cadres):
    codes = issue(appraisal, province_admin, "peer", tree.city1,
                  [("周书记", cadres["sec_a"]), "外单位干部"])
    rater = services.rater_for_code(codes["周书记"])
    assert {s.person for s in services.ballot_cadres(rater)} == {
        cadres["head_a"], cadres["sec_b"], cadres["head_b"]}
    services.conflicts_declare(actor=province_admin, rater=rater, people=[cadres["head_b"]])
    assert {s.person for s in services.ballot_cadres(rater)} == {
        cadres["head_a"], cadres["sec_b"]}
    other = services.rater_for_code(codes["外单位干部"])
    assert len(services.ballot_cadres(other)) == 4


def test_a_person_sits_on_one_panel_of_an_appraisal(appraisal, province_admin, tree, cadres):
    issue(appraisal, province_admin, "peer", tree.city1, [("周书记", cadres["sec_a"])])
    with pytest.raises(ValidationFailed, match="only one panel"):
        issue(appraisal, province_admin, "subordinate", tree.county_b,
              [("周书记", cadres["sec_a"])])


def test_a_ballot_is_refused_whole_when_it_breaks_the_quota(
        appraisal, province_admin, tree, cadres):
    codes = issue(appraisal, province_admin, "superior", tree.city1, ["市委书记"])
    open_rating(appraisal, province_admin)
    grades = {cadres["sec_a"]: ("优秀", GOOD), cadres["head_a"]: ("优秀", GOOD),
              cadres["sec_b"]: ("优秀", GOOD), cadres["head_b"]: ("称职", FAIR)}
    with pytest.raises(ValidationFailed, match="At most 2 of the 4 cadres") as failure:
        vote(codes["市委书记"], grades)
    assert "优秀" in str(failure.value)
    assert not Rating.objects.exists()
    grades[cadres["head_a"]] = ("称职", FAIR)
    assert vote(codes["市委书记"], grades) == 4
    assert Rating.objects.count() == 4


def test_each_cadre_on_the_ballot_needs_every_grade(appraisal, province_admin, tree, cadres):
    codes = issue(appraisal, province_admin, "superior", tree.county_a, ["市委领导"])
    open_rating(appraisal, province_admin)
    with pytest.raises(ValidationFailed) as failure:
        vote(codes["市委领导"], {cadres["sec_a"]: ("称职", ["称职"])})
    fields = {e["field"] for e in failure.value.extra["errors"]}
    assert fields == {f"cadre-{cadres['sec_a'].pk}", f"cadre-{cadres['head_a'].pk}"}
    with pytest.raises(ValidationFailed):
        vote(codes["市委领导"], {cadres["sec_a"]: ("称职", FAIR), cadres["head_a"]: ("称职", FAIR),
                              cadres["sec_b"]: ("称职", FAIR)})
    assert not Rating.objects.exists()


def test_a_code_votes_once_and_only_while_rating_is_open(
        appraisal, province_admin, tree, cadres):
    codes = issue(appraisal, province_admin, "superior", tree.county_a, ["市委领导"])
    ballot = {cadres["sec_a"]: ("称职", FAIR), cadres["head_a"]: ("称职", FAIR)}
    with pytest.raises(Conflict, match="not open"):
        vote(codes["市委领导"], ballot)
    open_rating(appraisal, province_admin)
    vote(codes["市委领导"], ballot)
    with pytest.raises(Conflict, match="already been used"):
        vote(codes["市委领导"], ballot)
    with pytest.raises(NotFound):
        vote("WRONGCODE", ballot)
    assert Rating.objects.count() == 2
    assert AuditEntry.objects.filter(object_type="cadres.rater", action="update").count() == 1


def test_fill_writes_each_panels_trimmed_score_into_its_indicator(
        appraisal, province_admin, tree, cadres):
    sup = issue(appraisal, province_admin, "superior", tree.county_a, ["甲", "乙"])
    sub = issue(appraisal, province_admin, "subordinate", tree.county_a, ["丙"])
    open_rating(appraisal, province_admin)
    vote(sup["甲"], {cadres["sec_a"]: ("优秀", GOOD), cadres["head_a"]: ("称职", FAIR)})
    vote(sup["乙"], {cadres["sec_a"]: ("称职", ["优秀", "称职"]),
                    cadres["head_a"]: ("称职", ["基本称职", "基本称职"])})
    vote(sub["丙"], {cadres["sec_a"]: ("称职", ["称职", "基本称职"]),
                    cadres["head_a"]: ("优秀", GOOD)})
    sources, rows = services.source_table(appraisal)
    assert sources == ["superior", "peer", "subordinate"]
    by_person = {row.subject.person: row for row in rows}
    # 甲 95/95, 乙 95/80 → dimensions 95, 87.5 → 91.25; 丙 80/65 → 72.5
    assert by_person[cadres["sec_a"]].scores == [91.25, None, 72.5]
    assert by_person[cadres["sec_a"]].coverage == pytest.approx(50 / 70, abs=1e-4)
    assert by_person[cadres["sec_b"]].scores == [None, None, None]
    assert services.appraisal_fill(actor=province_admin, appraisal=appraisal) == 4
    values = assessment_selectors.unit_values(actor=province_admin, plan=appraisal.plan,
                                              unit=tree.county_a, person=cadres["sec_a"])
    assert {v.plan_indicator.indicator.code: v.value for v in values} == {
        "SUP": Decimal("91.25"), "SUB": Decimal("72.50")}


def test_the_units_result_and_the_plans_weights_make_the_cadres_total(
        plan, appraisal_plan, province_admin, tree, cadres):
    assessment.plan_open(actor=province_admin, plan=plan)
    for unit, (a1, a2) in ((tree.county_a, (90, 96)), (tree.county_b, (60, 91))):
        assessment.values_save(actor=province_admin, plan=plan, unit=unit, values=figures(a1, a2))
    assessment.plan_score(actor=province_admin, plan=plan)
    published = assessment.plan_publish(actor=province_admin, plan=plan)
    unit_totals = {r.unit_id: r.total for r in published.results.all()}
    appraisal = services.appraisal_save(actor=province_admin, plan=appraisal_plan,
                                        sources={"unit_result": "UNIT"}, unit_plan=plan)
    assessment.plan_open(actor=province_admin, plan=appraisal_plan)
    issue(appraisal, province_admin, "superior", tree.city1, ["市委书记"])
    open_rating(appraisal, province_admin)
    assert services.appraisal_fill(actor=province_admin, appraisal=appraisal) == 4
    version = assessment.plan_score(actor=province_admin, plan=appraisal_plan)
    totals = {r.person: r.total for r in version.results.all()}
    assert totals[cadres["sec_a"]] == pytest.approx(unit_totals[tree.county_a.pk] * Decimal("0.2"))
    assert totals[cadres["head_b"]] == pytest.approx(unit_totals[tree.county_b.pk] * Decimal("0.2"))


def test_only_the_organizer_fills(appraisal, county_admin):
    with pytest.raises(PermissionDenied):
        services.appraisal_fill(actor=county_admin, appraisal=appraisal)


def attributed(cadre, day, origin_id):
    """A finding attributed to ``cadre``, collected onto their negative list."""
    entry, _created = assessment.list_entry_from_origin(
        unit=cadre.unit, person=cadre, kind="negative", source="inspection", date=day,
        text="督查发现问题", origin_type=services.FINDING_ORIGIN, origin_id=origin_id)
    return entry


def test_findings_attributed_within_the_period_count_under_the_chosen_deduction(
        appraisal_plan, province_admin, tree, cadres):
    deduction = assessment.indicator_create(
        actor=province_admin, owner=tree.province, code="FM", name="负面扣分",
        rule_kind="deduction", rule={"per": 5, "cap": 20, "source": "list"})
    assessment.plan_indicator_set(actor=province_admin, plan=appraisal_plan, indicator=deduction)
    with pytest.raises(ValidationFailed, match="SR"):
        services.appraisal_save(actor=province_admin, plan=appraisal_plan,
                                sources={"findings": "SR"})
    appraisal = services.appraisal_save(actor=province_admin, plan=appraisal_plan,
                                        sources={"superior": "SUP", "findings": "FM"})
    assessment.plan_open(actor=province_admin, plan=appraisal_plan)
    start = appraisal_plan.period.start
    counted = attributed(cadres["sec_a"], start + datetime.timedelta(days=3), origin_id=1)
    earlier = attributed(cadres["sec_a"], start - datetime.timedelta(days=1), origin_id=2)
    tolerated = attributed(cadres["head_a"], start + datetime.timedelta(days=5), origin_id=3)
    assessment.tolerance_decide(actor=province_admin, entry=tolerated, reason="改革创新中的失误",
                                approver="县委常委会")

    sources, rows = services.source_table(appraisal)
    findings = {row.subject.person: row.scores[sources.index("findings")] for row in rows}
    assert findings[cadres["sec_a"]] == 1 and findings[cadres["head_a"]] == 0

    issue(appraisal, province_admin, "superior", tree.city1, ["市委书记"])
    open_rating(appraisal, province_admin)
    assert services.appraisal_fill(actor=province_admin, appraisal=appraisal) == 1
    counted.refresh_from_db(), earlier.refresh_from_db(), tolerated.refresh_from_db()
    assert counted.plan_indicator.indicator.code == "FM"
    assert earlier.plan is None and tolerated.plan is None
    assert AuditEntry.objects.filter(object_type="assessment.listentry",
                                     object_id=str(counted.pk), note="Counted under FM").exists()
    version = assessment.plan_score(actor=province_admin, plan=appraisal_plan)
    deductions = {r.person: r.deduction for r in version.results.all()}
    assert deductions[cadres["sec_a"]] == 5 and deductions[cadres["head_a"]] == 0
    assert services.appraisal_fill(actor=province_admin, appraisal=appraisal) == 0
