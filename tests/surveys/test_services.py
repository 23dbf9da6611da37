"""Questionnaires, campaigns and the submission of responses."""

import datetime

import pytest
from django.utils import timezone

from pacesetter.audit.models import AuditEntry
from pacesetter.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from pacesetter.orgs.models import Role
from pacesetter.surveys import services
from pacesetter.surveys.models import CampaignMode, PanelCode, Questionnaire, Response
from tests.factories import user_with_role
from tests.surveys.conftest import small_draft, submit


def test_a_questionnaire_keeps_its_aspects_items_and_option_shares(questionnaire):
    assert [s.code for s in questionnaire.sections.all()] == ["A", "B"]
    assert [i.code for i in questionnaire.items.all()] == ["A1", "A2", "B1", "age", "remarks"]
    shares = list(questionnaire.items.get(code="A1").options.values_list("label", "share"))
    assert shares == [("满意", 1.0), ("基本满意", 0.75), ("不满意", 0.55), ("不了解", None)]
    assert AuditEntry.objects.filter(object_type="surveys.questionnaire").count() == 1


def test_a_bad_draft_is_refused_with_every_problem_named(tree, province_admin):
    draft = small_draft()
    draft.items[1].code = "A1"
    draft.items[2].options = []
    with pytest.raises(ValidationFailed) as refused:
        services.questionnaire_create(actor=province_admin, owner=tree.province, draft=draft)
    fields = [e["field"] for e in refused.value.extra["errors"]]
    assert fields.count("A1") == 1 and "B1" in fields
    assert not Questionnaire.objects.exists()


def test_only_the_owners_administrators_create_questionnaires(tree, county_admin):
    with pytest.raises(PermissionDenied):
        services.questionnaire_create(actor=county_admin, owner=tree.province,
                                      draft=small_draft())


def test_a_questionnaire_with_responses_is_frozen_and_can_only_be_copied(
        questionnaire, campaign, link_a, province_admin):
    services.questionnaire_replace(actor=province_admin, questionnaire=questionnaire,
                                   draft=small_draft())
    submit(link_a, "r1")
    with pytest.raises(Conflict):
        services.questionnaire_replace(actor=province_admin, questionnaire=questionnaire,
                                       draft=small_draft())
    copy = services.questionnaire_copy(actor=province_admin, questionnaire=questionnaire)
    assert (copy.version, copy.source) == (2, questionnaire)
    assert copy.items.count() == 5 and not services.is_frozen(copy)


def test_a_campaign_surveys_only_units_within_the_organizers_scope(
        tree, county_admin, questionnaire):
    now = timezone.now()
    with pytest.raises((PermissionDenied, NotFound)):
        services.campaign_create(actor=county_admin, owner=tree.county_a,
                                 questionnaire=questionnaire, title="x", opens_at=now,
                                 closes_at=now + datetime.timedelta(days=1),
                                 units=[tree.county_b])


def test_a_response_is_recorded_once_per_respondent_and_unit(link_a, link_b):
    response_id, created = submit(link_a, "fingerprint-1")
    assert created
    assert submit(link_a, "fingerprint-1") == (response_id, False)  # a retry
    with pytest.raises(Conflict):
        submit(link_a, "fingerprint-1", {"A1": "bmy", "B1": "my"})
    assert submit(link_b, "fingerprint-1")[1]  # the same person may rate another unit
    assert Response.objects.count() == 2


def test_a_second_browser_with_the_same_device_cookie_is_refused(link_a):
    submit(link_a, "browser-1", device="device-cookie-123456")
    with pytest.raises(Conflict):
        submit(link_a, "browser-2", device="device-cookie-123456")


def test_raw_identifiers_are_never_stored(link_a):
    submit(link_a, "secret-fingerprint", device="secret-device-cookie", ip="10.1.2.3")
    row = Response.objects.values().get()
    text = repr(row)
    assert "secret-fingerprint" not in text and "secret-device-cookie" not in text
    assert "10.1.2" not in text
    assert len(row["respondent_key"]) == 64


def test_invalid_answers_are_refused_naming_each_item(link_a):
    with pytest.raises(ValidationFailed) as refused:
        submit(link_a, "r", {"A1": "very good", "XX": "my", "A2": ["my"]})
    errors = {e["field"]: e["message"] for e in refused.value.extra["errors"]}
    assert set(errors) == {"answers.A1", "answers.XX", "answers.A2", "answers.B1"}
    assert not Response.objects.exists()


def test_an_answer_may_name_the_option_by_its_label(link_a):
    submit(link_a, "r", {"A1": "满意", "B1": "基本满意", "age": "young", "remarks": " 很好 "})
    row = Response.objects.get()
    assert bytes(row.choices) == bytes([1, 0, 2, 1])
    assert row.extra == {"remarks": "很好"}


def test_the_honeypot_and_the_rate_limit_refuse(link_a, settings):
    with pytest.raises(ValidationFailed):
        submit(link_a, "bot", honeypot="http://spam")
    settings.SURVEY_RATE_LIMIT = 2
    submit(link_a, "r1", ip="10.0.0.1")
    submit(link_a, "r2", ip="10.0.0.1")
    with pytest.raises(services.RateLimited):
        submit(link_a, "r3", ip="10.0.0.1")
    submit(link_a, "r4", ip="10.0.0.2")
    assert Response.objects.count() == 3


def test_closed_and_not_yet_open_campaigns_refuse_politely(campaign, link_a, province_admin):
    services.campaign_update(actor=province_admin, campaign=campaign,
                             data={"opens_at": timezone.now() + datetime.timedelta(hours=2),
                                   "closes_at": timezone.now() + datetime.timedelta(days=2)})
    with pytest.raises(services.NotAccepting, match=r"将于.*开始"):
        submit(link_a, "r")
    services.campaign_close(actor=province_admin, campaign=campaign)
    with pytest.raises(services.NotAccepting, match="已结束"):
        submit(link_a, "r")
    assert not Response.objects.exists()


def test_a_panel_code_answers_once(campaign, tree, province_admin, questionnaire):
    now = timezone.now()
    panel = services.campaign_create(
        actor=province_admin, owner=tree.province, questionnaire=questionnaire, title="代表测评",
        opens_at=now - datetime.timedelta(hours=1), closes_at=now + datetime.timedelta(hours=1),
        units=[tree.county_a], mode=CampaignMode.PANEL)
    services.campaign_open(actor=province_admin, campaign=panel)
    target = panel.targets.get()
    (_name, code), = services.panel_codes_issue(actor=province_admin, target=target,
                                                names=["刘代表"])
    assert not PanelCode.objects.filter(code_hash=code).exists()
    with pytest.raises(PermissionDenied):
        submit(target.link_token, "NOTACODE")
    submit(target.link_token, code.lower())
    with pytest.raises(Conflict):
        submit(target.link_token, code, {"A1": "bmy", "B1": "bmy"})
    assert PanelCode.objects.get().used_at is not None


def test_an_internal_campaign_takes_signed_in_users_of_its_roles(tree, province_admin,
                                                                  questionnaire):
    now = timezone.now()
    internal = services.campaign_create(
        actor=province_admin, owner=tree.province, questionnaire=questionnaire, title="内部测评",
        opens_at=now - datetime.timedelta(hours=1), closes_at=now + datetime.timedelta(hours=1),
        units=[tree.county_a], mode=CampaignMode.INTERNAL, roles=[Role.MEMBER])
    services.campaign_open(actor=province_admin, campaign=internal)
    token = internal.targets.get().link_token
    with pytest.raises(PermissionDenied):
        submit(token, "anon")
    with pytest.raises(PermissionDenied):
        submit(token, "", user=province_admin)
    member = user_with_role(Role.MEMBER, tree.branch_a1a, username="m1")
    assert submit(token, "", user=member)[1]
    with pytest.raises(Conflict):
        submit(token, "", {"A1": "bmy", "B1": "my"}, user=member)


def test_excluding_responses_needs_a_reason_and_is_audited(campaign, link_a, province_admin,
                                                           county_admin):
    response_id, _ = submit(link_a, "r1")
    with pytest.raises(ValidationFailed):
        services.responses_exclude(actor=province_admin, campaign=campaign,
                                   response_ids=[response_id], reason=" ")
    with pytest.raises(PermissionDenied):
        services.responses_exclude(actor=county_admin, campaign=campaign,
                                   response_ids=[response_id], reason="刷票")
    assert services.responses_exclude(actor=province_admin, campaign=campaign,
                                      response_ids=[response_id], reason="刷票") == 1
    row = Response.objects.get()
    assert row.excluded and row.exclusion_reason == "刷票"
    entry = AuditEntry.objects.get(object_type="surveys.response")
    assert entry.after == {"excluded": True, "reason": "刷票"}
