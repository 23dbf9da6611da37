"""values_upsert: many units' figures at once, all or none, every bad entry named."""

from decimal import Decimal

import pytest
from django.utils import translation

from pacesetter.assessment import services
from pacesetter.assessment.imports import ValueEntry, parse_value, values_upsert
from pacesetter.assessment.models import IndicatorValue
from pacesetter.audit.models import AuditEntry
from pacesetter.errors import Conflict, PermissionDenied, ValidationFailed
from tests.assessment.conftest import figures
from tests.factories import UnitFactory


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def entries(unit_code, a1="90", a2="96", b1="1", v1="0", **extra):
    return [ValueEntry(unit_code, code, value, where=f"{unit_code}/{code}", **extra)
            for code, value in (("A1", a1), ("A2", a2), ("B1", b1), ("V1", v1))]


def stored(plan):
    return {(v.unit.code, v.plan_indicator.indicator.code): (v.value, v.comment)
            for v in IndicatorValue.objects.filter(plan=plan).select_related(
                "unit", "plan_indicator__indicator")}


def messages(error):
    return {(e["where"], e["message"]) for e in error.value.extra["errors"]}


@pytest.fixture
def open_plan(plan, province_admin):
    services.plan_open(actor=province_admin, plan=plan)
    return plan


def test_figures_of_several_units_are_saved_with_one_audit_entry_per_unit(
        open_plan, province_admin, tree):
    # given
    audit_before = AuditEntry.objects.count()
    # when
    written = values_upsert(actor=province_admin, plan=open_plan,
                            entries=entries("370502") + entries("370503", a1="80.5"))
    # then
    assert written == 8
    assert stored(open_plan)[("370503", "A1")] == (Decimal("80.5"), "")
    audits = AuditEntry.objects.order_by("pk")[audit_before:]
    assert [a.unit_path for a in audits] == [tree.county_a.path, tree.county_b.path]
    assert audits[1].after["A1"] == {"value": "80.5000", "comment": ""}


def test_sending_the_same_figures_again_writes_nothing(open_plan, province_admin):
    values_upsert(actor=province_admin, plan=open_plan, entries=entries("370502"))
    audit_before = AuditEntry.objects.count()
    stamps = list(IndicatorValue.objects.order_by("pk").values_list("updated_at", flat=True))

    written = values_upsert(actor=province_admin, plan=open_plan,
                            entries=entries("370502", a1=Decimal("90.0000"), b1=1.0))

    assert written == 0
    assert AuditEntry.objects.count() == audit_before
    assert list(IndicatorValue.objects.order_by("pk").values_list("updated_at", flat=True)
                ) == stamps


def test_a_changed_figure_is_updated_and_audited_with_its_old_value(open_plan, province_admin,
                                                                   tree):
    values_upsert(actor=province_admin, plan=open_plan, entries=entries("370502"))

    written = values_upsert(actor=province_admin, plan=open_plan, entries=[
        ValueEntry("370502", "A1", "91", comment="复核后"),
        ValueEntry("370502", "A2", "96")])

    assert written == 1
    assert stored(open_plan)[("370502", "A1")] == (Decimal(91), "复核后")
    audit = AuditEntry.objects.latest("pk")
    assert audit.before == {"A1": {"value": "90.0000", "comment": ""}}
    assert audit.after == {"A1": {"value": "91.0000", "comment": "复核后"}}


def test_no_comment_keeps_the_stored_note_and_an_empty_value_clears_the_figure(
        open_plan, province_admin):
    values_upsert(actor=province_admin, plan=open_plan,
                  entries=[ValueEntry("370502", "A1", "90", comment="第三方测评")])

    values_upsert(actor=province_admin, plan=open_plan,
                  entries=[ValueEntry("370502", "A1", "", comment=None)])

    assert stored(open_plan)[("370502", "A1")] == (None, "第三方测评")


def test_an_empty_entry_for_a_figure_never_reported_stores_nothing(open_plan, province_admin):
    assert values_upsert(actor=province_admin, plan=open_plan,
                         entries=[ValueEntry("370502", "A1", None, comment="")]) == 0
    assert not IndicatorValue.objects.exists()


def test_every_bad_entry_is_named_and_nothing_is_saved(open_plan, province_admin, tree):
    # given: good figures for county A beside one mistake of each kind
    bad = [
        ValueEntry("999999", "A1", "90", where="r2"),
        ValueEntry(tree.township_a1.code, "A1", "90", where="r3"),
        ValueEntry("370503", "Z9", "90", where="r4"),
        ValueEntry("370503", "A2", "九十", where="r5"),
        ValueEntry("370503", "A1", "150", where="r6"),
        ValueEntry("370503", "B1", "1.5", where="r7"),
        ValueEntry("370503", "V1", "2", where="r8"),
        ValueEntry("370503", "A2", "1e20", where="r9"),
        ValueEntry("370503", "A1", "90", comment="长" * 501, where="r10"),
        ValueEntry("", "A1", "90", where="r11"),
    ]
    # when
    with pytest.raises(ValidationFailed) as error:
        values_upsert(actor=province_admin, plan=open_plan, entries=entries("370502") + bad)
    # then
    assert messages(error) == {
        ("r2", "Unknown unit “999999”, or not one you report for."),
        ("r3", f"Unit {tree.township_a1.code} is not assessed by this plan."),
        ("r4", "Unknown indicator “Z9”."),
        ("r5", "“九十” is not a number within ±10¹³."),
        ("r6", "150.0000 is above the maximum 100.0000."),
        ("r7", "Enter a whole number."),
        ("r8", "Enter 1 for yes or 0 for no."),
        ("r9", "“1e20” is not a number within ±10¹³."),
        ("r9", "This figure is also given at r5."),
        ("r10", "The note is longer than 500 characters."),
        ("r10", "This figure is also given at r6."),
        ("r11", "The unit code is empty."),
    }
    assert error.value.message == "Nothing was saved: 12 problems in the figures."
    assert not IndicatorValue.objects.exists()


def test_a_reporter_cannot_send_figures_of_a_unit_outside_their_scope(open_plan, reporter):
    with pytest.raises(ValidationFailed) as error:
        values_upsert(actor=reporter, plan=open_plan,
                      entries=entries("370502") + entries("370503", unit_where="row 3"))

    assert messages(error) == {("row 3", "Unknown unit “370503”, or not one you report for.")}
    assert not IndicatorValue.objects.exists()


def test_a_reporter_saves_their_own_units_figures(open_plan, reporter):
    assert values_upsert(actor=reporter, plan=open_plan, entries=entries("370502")) == 4


def test_someone_who_reports_for_no_unit_is_refused(open_plan, tree):
    from pacesetter.orgs.models import Role
    from tests.factories import user_with_role

    reviewer = user_with_role(Role.REVIEWER, tree.county_a)
    with pytest.raises(PermissionDenied):
        values_upsert(actor=reviewer, plan=open_plan, entries=entries("370502"))


def test_submitted_figures_may_be_sent_again_unchanged_but_not_changed(open_plan, reporter,
                                                                       tree):
    services.values_save(actor=reporter, plan=open_plan, unit=tree.county_a,
                         values=figures(90, 96, 1, 0))
    services.submission_submit(actor=reporter, plan=open_plan, unit=tree.county_a)

    assert values_upsert(actor=reporter, plan=open_plan, entries=entries("370502")) == 0
    with pytest.raises(ValidationFailed) as error:
        values_upsert(actor=reporter, plan=open_plan, entries=entries("370502", a1="70"))

    assert messages(error) == {
        ("370502/A1", "The figures of unit 370502 are submitted and cannot be changed now.")}
    assert stored(open_plan)[("370502", "A1")] == (Decimal(90), "")


def test_during_scoring_only_the_plans_administrators_correct_figures(open_plan, reporter,
                                                                     province_admin):
    services.plan_score(actor=province_admin, plan=open_plan)

    with pytest.raises(Conflict):
        values_upsert(actor=reporter, plan=open_plan, entries=entries("370502"))
    assert values_upsert(actor=province_admin, plan=open_plan, entries=entries("370502")) == 4


def test_a_draft_plan_takes_no_figures(plan, province_admin):
    with pytest.raises(Conflict):
        values_upsert(actor=province_admin, plan=plan, entries=entries("370502"))
    assert not IndicatorValue.objects.exists()


def test_queries_do_not_grow_with_the_number_of_units(plan, province_admin, tree,
                                                      django_assert_max_num_queries):
    # given: 40 more counties assessed, half of them with stored figures
    counties = [UnitFactory(parent=tree.city2, code=f"3711{i:02d}X") for i in range(40)]
    services.plan_open(actor=province_admin, plan=plan)
    values_upsert(actor=province_admin, plan=plan,
                  entries=[e for c in counties[:20] for e in entries(c.code)])
    # when: every county sent, half updated and half created
    batch = [e for c in counties for e in entries(c.code, a1="55")]
    with django_assert_max_num_queries(14):
        written = values_upsert(actor=province_admin, plan=plan, entries=batch)
    # then
    assert written == 20 + 20 * 4
    assert AuditEntry.objects.filter(object_type="assessment.submission").count() == 20 + 40


@pytest.mark.parametrize(("raw", "expected"), [
    (None, None), ("", None), ("  ", None), (" 12.5 ", Decimal("12.5")), (3, Decimal(3)),
    (0.1 + 0.2, Decimal("0.3")), (True, Decimal(1)), (Decimal("2.00005"), Decimal("2.0001")),
])
def test_values_are_read_as_the_stored_decimal(raw, expected):
    assert parse_value(raw) == expected


@pytest.mark.parametrize("raw", ["abc", "NaN", "Infinity", "1e14", float("nan"), [1]])
def test_what_is_not_a_finite_number_is_refused(raw):
    with pytest.raises(ValueError):
        parse_value(raw)
