"""Results: satisfaction indexes as the campaign's rules define them, ranks and bottom-N."""

import datetime

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pacesetter.surveys import integrity, results, services
from pacesetter.surveys.models import Channel, Flag, Response
from tests.surveys.conftest import submit


def _rows(data):
    return {row["unit_name"]: row for row in data["targets"]}


@pytest.fixture
def answered(link_a, link_b):
    submit(link_a, "a1", {"A1": "my", "A2": "jbmy", "B1": "bmy", "age": "young"})
    submit(link_a, "a2", {"A1": "jbmy", "A2": "bly", "B1": "my", "age": "old"})
    submit(link_b, "b1", {"A1": "my", "A2": "my", "B1": "my", "age": "young"})
    submit(link_b, "b2", {"A1": "my", "B1": "my"})


def test_the_index_weighs_item_means_by_aspect_and_leaves_out_invalid_ballots(
        campaign, answered):
    rows = _rows(results.compute(campaign).as_dict())
    # A1 (1 + .75)/2, A2 .75 (不了解 left out), B1 (.55 + 1)/2; aspect A 60 (A1, A2 equal), B 40
    assert rows["东营区"]["index"] == pytest.approx(100 * (0.3 * 0.875 + 0.3 * 0.75 + 0.4 * 0.775))
    assert rows["东营区"]["aspects"] == [pytest.approx(81.25), pytest.approx(77.5)]
    assert rows["河口区"]["index"] == pytest.approx(100)
    assert rows["东营区"]["responses"] == 2 and rows["东营区"]["quota"] == 10


def test_units_are_ranked_within_their_level_and_the_bottom_n_flagged(campaign, answered):
    rows = _rows(results.compute(campaign).as_dict())
    assert (rows["河口区"]["rank"], rows["东营区"]["rank"]) == (1, 2)
    assert rows["东营区"]["bottom"] and not rows["河口区"]["bottom"]
    assert rows["东营区"]["group_size"] == 2


def test_option_shares_set_by_the_campaign_replace_the_questionnaires(
        campaign, answered, province_admin):
    services.campaign_update(actor=province_admin, campaign=campaign,
                             data={"scoring": {"shares": {"bmy": 0.0}}})
    campaign.refresh_from_db()
    rows = _rows(results.compute(campaign).as_dict())
    assert rows["东营区"]["index"] == pytest.approx(100 * (0.3 * 0.875 + 0.3 * 0.75 + 0.4 * 0.5))


def test_channels_are_combined_by_their_weights(campaign, link_a, province_admin):
    submit(link_a, "web", {"A1": "my", "A2": "my", "B1": "my"})
    submit(link_a, "phone", {"A1": "bmy", "A2": "bmy", "B1": "bmy"}, channel=Channel.PHONE)
    services.campaign_update(actor=province_admin, campaign=campaign,
                             data={"scoring": {"channels": {"phone": 6, "web": 4}}})
    campaign.refresh_from_db()
    rows = _rows(results.compute(campaign).as_dict())
    assert rows["东营区"]["index"] == pytest.approx(0.6 * 55 + 0.4 * 100)


def test_excluded_responses_leave_the_results(campaign, answered, province_admin):
    spoiled = Response.objects.filter(target__unit__name="东营区").values_list("pk", flat=True)
    services.responses_exclude(actor=province_admin, campaign=campaign,
                               response_ids=list(spoiled), reason="刷票")
    rows = _rows(services.results_current(campaign=campaign))
    assert rows["东营区"]["responses"] == 0 and rows["东营区"]["index"] is None
    assert rows["东营区"]["rank"] == 0 and not rows["东营区"]["bottom"]


def test_breakdowns_by_respondent_attribute(campaign, answered):
    breakdown = results.compute(campaign).as_dict()["breakdowns"][0]
    counts = {row["label"]: row["responses"] for row in breakdown["rows"]}
    assert counts == {"35岁以下": 2, "36岁以上": 1, "未作答": 1}


def test_results_read_the_responses_in_a_fixed_number_of_queries(campaign, link_a):
    for n in range(30):
        submit(link_a, f"r{n}")
    results.compute(campaign)  # loads the campaign's questionnaire once
    with CaptureQueriesContext(connection) as few:
        results.compute(campaign)
    for n in range(30, 90):
        submit(link_a, f"r{n}")
    with CaptureQueriesContext(connection) as many:
        results.compute(campaign)
    assert len(many) == len(few)


def test_a_burst_of_identical_top_answers_for_one_unit_is_flagged(campaign, link_a, link_b):
    for n in range(6):
        submit(link_a, f"staff{n}", {"A1": "my", "A2": "my", "B1": "my"}, ip="10.0.0.9")
    submit(link_b, "honest", {"A1": "my", "A2": "my", "B1": "my"})
    counts = services.integrity_review(campaign=campaign)
    assert counts[Flag.TOP_BURST] == 6
    flagged = Response.objects.filter(flags__gt=0)
    assert {r.target.unit.name for r in flagged} == {"东营区"}


def test_many_responses_from_one_network_and_hurried_ones_are_flagged():
    now = 1_000_000.0
    seconds = np.array([now + i for i in range(25)] + [now + 5000.0])
    networks = np.array([7] * 25 + [8])
    durations = np.array([120] * 24 + [3, 130])
    found = integrity.flags(seconds=seconds, targets=np.zeros(26, int), networks=networks,
                            durations=durations, top=np.zeros(26, bool),
                            answered=np.full(26, 19), thresholds=integrity.Thresholds())
    assert (found[:25] & Flag.NETWORK_BURST).all() and not found[25] & Flag.NETWORK_BURST
    assert found[24] & Flag.TOO_FAST and not found[0] & Flag.TOO_FAST


def test_a_burst_needs_its_count_within_the_window():
    seconds = np.array([0, 100, 200, 300, 400, 10_000, 10_700, 11_400, 12_100, 12_800.0])
    marked = integrity.in_bursts(seconds, np.zeros(10, int), window=600, count=5)
    assert marked.tolist() == [True] * 5 + [False] * 5


def test_a_snapshot_is_reused_until_an_exclusion_makes_it_stale(campaign, answered,
                                                                 province_admin):
    services.campaign_close(actor=province_admin, campaign=campaign)
    campaign.refresh_from_db()
    first = services.results_current(campaign=campaign)
    submit_time = timezone.now() - datetime.timedelta(minutes=1)
    Response.objects.update(submitted_at=submit_time)
    assert services.results_current(campaign=campaign)["computed_at"] == first["computed_at"]
    row = Response.objects.first()
    services.responses_exclude(actor=province_admin, campaign=campaign, response_ids=[row.pk],
                               reason="重复")
    assert services.results_current(campaign=campaign)["computed_at"] != first["computed_at"]
