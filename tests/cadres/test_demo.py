"""The demo's cadre assessment (seeds 001 and 002): the party secretaries and heads of the 63
counties appraised for 2026 with every source, their responsibility index each quarter with
follow-ups, and what other areas recorded about them collected onto their lists.

Loaded once for the module with the demos it draws on, inside a transaction rolled back at the
end."""

from collections import Counter

import pytest
from django.db import transaction
from django.db.models import F
from django.test import override_settings

from pacesetter import engine
from pacesetter.assessment import demo as assessment_demo
from pacesetter.assessment.models import AssessmentPlan, IndicatorValue, ListEntry, UnitResult
from pacesetter.cadres import demo, selectors
from pacesetter.cadres.models import Appraisal, FollowUp, IndexRule, Rater, Rating
from pacesetter.orgs import demo as orgs_demo
from pacesetter.orgs.models import Person, User
from pacesetter.projects import demo as projects_demo
from pacesetter.supervision import demo as supervision_demo
from pacesetter.surveys import demo as surveys_demo


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with (django_db_blocker.unblock(),
          override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
          transaction.atomic()):
        orgs_demo.load(townships_per_county=2, branches_per_township=2, people_per_unit=1)
        assessment_demo.load()
        surveys_demo.load()
        projects_demo.load()
        supervision_demo.load()
        yield demo.load()
        transaction.set_rollback(True)


def _plan(series: str, label: str = "") -> AssessmentPlan:
    return AssessmentPlan.objects.get(series=series, period__label__contains=label)


def _published(plan: AssessmentPlan) -> list[UnitResult]:
    return list(UnitResult.objects.filter(version__plan=plan, version__is_published=True))


@pytest.mark.django_db
def test_the_126_county_leaders_are_appraised_by_three_panels_on_every_source(loaded):
    assert loaded["plans"] == 4
    plan = _plan(demo.SERIES_APPRAISAL)
    results = _published(plan)
    assert len(results) == 126
    assert Counter(Person.objects.get(pk=r.person_id).position for r in results) == {
        "县委书记": 63, "县长": 63}
    assert Counter(r.list_mark for r in results) == {"": 108, "red": 12, "black": 6}
    codes = Counter(IndicatorValue.objects.filter(plan=plan, value__isnull=False)
                    .values_list("plan_indicator__indicator__code", flat=True))
    assert {code: codes[code] for code in demo.APPRAISAL_WEIGHTS} == dict.fromkeys(
        demo.APPRAISAL_WEIGHTS, 126)

    appraisal = Appraisal.objects.get(plan=plan)
    assert (appraisal.survey.title, appraisal.unit_plan.period.label) == (
        demo.SURVEY_TITLE, "2026年10月")
    assert Counter(Rater.objects.filter(appraisal=appraisal).values_list("role", flat=True)) \
        == {"superior": 39, "peer": 126, "subordinate": 315}
    assert loaded["ballots"] == 476
    assert Rater.objects.filter(appraisal=appraisal, submitted_at__isnull=True).count() == 4


@pytest.mark.django_db
def test_no_ballot_gives_more_than_15_percent_excellent_and_no_peer_rates_themself(loaded):
    appraisal = Appraisal.objects.get(plan__series=demo.SERIES_APPRAISAL)
    for rater in Rater.objects.filter(appraisal=appraisal, submitted_at__isnull=False):
        grades = list(rater.ratings.values_list("grade", flat=True))
        assert grades.count("优秀") <= engine.quota_allowed(0.15, len(grades))
    assert Rating.objects.filter(rater__appraisal=appraisal, rater__role="peer").count() > 0
    assert not Rating.objects.filter(rater__appraisal=appraisal,
                                     person_id=F("rater__person_id")).exists()


@pytest.mark.django_db
def test_each_quarter_the_index_is_published_with_its_bands_raising_follow_ups(loaded):
    quarters = AssessmentPlan.objects.filter(series=demo.SERIES_INDEX).order_by("period__start")
    assert [p.period.label for p in quarters] == [
        "2026年第1季度", "2026年第2季度", "2026年第3季度"]
    for plan in quarters:
        assert IndexRule.objects.get(plan=plan).bands[-1]["candidate"] is True
        assert len(_published(plan)) == 126
    first, _second, third = quarters
    assert set(FollowUp.objects.filter(version__plan=first).values_list("status", flat=True)) \
        == {"done"}
    bands = Counter(FollowUp.objects.filter(version__plan=third).values_list("band", flat=True))
    assert bands["提醒谈话"] >= 1 and bands["优先提拔"] >= 1
    warned = FollowUp.objects.filter(version__plan=third, band="提醒谈话").first()
    total = UnitResult.objects.get(version=warned.version, person=warned.person).total
    assert total < 60


@pytest.mark.django_db
def test_findings_projects_roadshows_and_rankings_reach_the_cadres_lists(loaded):
    assert loaded["collected"] > 0
    kinds = Counter(ListEntry.objects.filter(person__isnull=False)
                    .exclude(origin_type="").values_list("origin_type", flat=True))
    assert kinds["supervision.finding"] >= 10
    assert kinds["projects.project"] >= 1 and kinds["projects.presentation"] >= 1
    assert kinds["assessment.unitresult"] == 18  # the appraisal's 12 red and 6 black
    finding_entry = ListEntry.objects.filter(origin_type="supervision.finding").first()
    assert finding_entry.person.position == "县委书记"
    assert finding_entry.origin_url.startswith("/inspections/")


@pytest.mark.django_db
def test_the_findings_attributed_to_a_cadre_deduct_from_their_year_end_result(loaded):
    plan = _plan(demo.SERIES_APPRAISAL)
    counted = ListEntry.objects.filter(origin_type="supervision.finding", plan=plan)
    assert counted.count() == ListEntry.objects.filter(
        origin_type="supervision.finding").count()
    assert {e.plan_indicator.indicator.code for e in counted} == {"FMBX"}
    secretary = counted.first().person
    result = UnitResult.objects.get(version__plan=plan, version__is_published=True,
                                    person=secretary)
    assert result.deduction >= 4


@pytest.mark.django_db
def test_a_tolerated_failing_is_shown_and_deducts_nothing(loaded):
    entry = ListEntry.objects.get(tolerance__isnull=False)
    assert entry.text == demo.TOLERATED[0]
    assert entry.tolerance.approver == demo.TOLERATED[1]
    tolerated = UnitResult.objects.get(version__plan=entry.plan, version__is_published=True,
                                       person=entry.person)
    others = ListEntry.objects.filter(plan=entry.plan, person=entry.person, kind="negative",
                                      status="confirmed", tolerance__isnull=True).count()
    assert 4 * others < 12  # under the cap, so that a counted failing would show
    assert tolerated.deduction == 4 * others
    failing = ListEntry.objects.filter(plan=entry.plan, kind="negative",
                                       tolerance__isnull=True).first()
    counted = UnitResult.objects.get(version__plan=entry.plan, version__is_published=True,
                                     person=failing.person)
    assert counted.deduction == min(12, 4 * ListEntry.objects.filter(
        plan=entry.plan, person=failing.person, kind="negative").count())  # 4 points each


@pytest.mark.django_db
def test_the_province_reads_a_cadre_profile_with_an_index_trend_and_a_timeline(loaded):
    sheng = User.objects.get(username="sheng")
    person = ListEntry.objects.filter(origin_type="supervision.finding").first().person
    profile = selectors.profile(actor=sheng, person=person)
    assert profile.index_trend["labels"] == ["2026年第1季度", "2026年第2季度", "2026年第3季度"]
    assert any(e.origin_type == "supervision.finding" for e in profile.entries)
    assert profile.timeline


@pytest.mark.django_db
def test_loading_again_adds_nothing(loaded):
    assert demo.load() == {"plans": 0, "ballots": 0, "collected": 0}
