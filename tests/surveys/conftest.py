"""A province survey of the shared tree's counties A and B, on a small questionnaire:
two aspects (A weighted 60, B 40), three rating items on the 满意 / 基本满意 / 不满意 / 不了解
scale, a respondent attribute and a free-text question."""

import datetime
import io

import pytest
from django.utils import timezone

from pacesetter.surveys import forms_cache, services, spreadsheets
from pacesetter.surveys.definitions import (
    ItemDraft,
    OptionDraft,
    QuestionnaireDraft,
    SectionDraft,
    scale_options,
)


@pytest.fixture(autouse=True)
def _fresh_caches(settings):
    """Ids are reused after a rolled-back test on SQLite: forget cached links and forms."""
    forms_cache.forget_all()
    settings.SURVEY_RATE_LIMIT = 1000
    yield
    forms_cache.forget_all()


def small_draft() -> QuestionnaireDraft:
    return QuestionnaireDraft(
        code="myd", title="满意度测评", sections=[SectionDraft("A", "组织工作", 60),
                                              SectionDraft("B", "组工干部", 40)],
        items=[
            ItemDraft("A1", "rating", "总体评价", section="A", required=True,
                      options=scale_options("satisfaction4")),
            ItemDraft("A2", "rating", "基层党建", section="A",
                      options=scale_options("satisfaction4")),
            ItemDraft("B1", "rating", "工作作风", section="B", required=True,
                      options=scale_options("satisfaction4")),
            ItemDraft("age", "single", "年龄", is_attribute=True,
                      options=[OptionDraft("young", "35岁以下"), OptionDraft("old", "36岁以上")]),
            ItemDraft("remarks", "text", "意见建议"),
        ])


@pytest.fixture
def questionnaire(tree, province_admin):
    return services.questionnaire_create(actor=province_admin, owner=tree.province,
                                         draft=small_draft())


@pytest.fixture
def campaign(tree, province_admin, questionnaire):
    now = timezone.now()
    campaign = services.campaign_create(
        actor=province_admin, owner=tree.province, questionnaire=questionnaire,
        title="县级满意度测评", opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=1), units=[tree.county_a, tree.county_b],
        default_quota=10, bottom_n={"3": 1})
    return services.campaign_open(actor=province_admin, campaign=campaign)


@pytest.fixture
def link_a(campaign, tree):
    return campaign.targets.get(unit=tree.county_a).link_token


@pytest.fixture
def link_b(campaign, tree):
    return campaign.targets.get(unit=tree.county_b).link_token


def submit(token, respondent, answers=None, **kwargs):
    answers = {"A1": "my", "B1": "my"} if answers is None else answers
    return services.response_submit(token=token, respondent=respondent, answers=answers,
                                    **kwargs)


def xlsform_bytes(questionnaire) -> bytes:
    handle = spreadsheets.xlsform_file(questionnaire)
    return handle.read()


def workbook_stream(data: bytes):
    return io.BytesIO(data)
