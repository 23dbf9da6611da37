"""Roadshow scoring: the rubric, the judges' points, grade quotas and the panel's result."""

import math

import numpy as np

from pacesetter.projects import scoring

RUBRIC = [{"code": "innovation", "name": "创新性", "max": 30},
          {"code": "effect", "name": "实效性", "max": 30},
          {"code": "replicable", "name": "可复制性", "max": 20},
          {"code": "presentation", "name": "展示效果", "max": 20}]
NAN = math.nan


def test_a_rubric_needs_named_criteria_with_positive_maximums_and_distinct_codes():
    assert scoring.rubric_problems(RUBRIC) == []
    assert scoring.rubric_problems([]) == ["empty"]
    assert scoring.rubric_problems([{"code": "a", "name": "", "max": 0},
                                    {"code": "a", "name": "x", "max": "ten"}]) == [
        "codes", "max", "name"]


def test_criterion_codes_are_plain_letters_digits_dashes_and_underscores():
    """They name form fields and JSON keys: a quote or a backslash would break the page."""
    assert scoring.rubric_problems([{"code": "c-1_A", "name": "x", "max": 10}]) == []
    for code in ('a"b', "a\\b", "创新", "a b", "x" * 33):
        assert scoring.rubric_problems([{"code": code, "name": "x", "max": 10}]) == ["codes"]


def test_points_must_be_numbers_within_each_criterions_maximum():
    criteria = scoring.criteria_of(RUBRIC)
    good = {"innovation": 28, "effect": 27.5, "replicable": 18, "presentation": 0}
    assert scoring.points_problems(criteria, good) == {}
    assert scoring.total_of(criteria, good) == 73.5
    bad = {"innovation": 31, "effect": -1, "replicable": True, "stray": 5}
    assert scoring.points_problems(criteria, bad) == {
        "stray": None, "innovation": 30.0, "effect": 30.0, "replicable": 20.0,
        "presentation": 20.0}
    assert scoring.points_problems(criteria, {**good, "effect": math.inf}) == {"effect": 30.0}


def test_a_grade_quota_counts_the_judges_other_grades():
    quotas = {"excellent": 1, "good": 2}
    assert not scoring.quota_exceeded(quotas, ["good"], "excellent")
    assert scoring.quota_exceeded(quotas, ["excellent", "good"], "excellent")
    assert not scoring.quota_exceeded(quotas, ["good"], "good")
    assert scoring.quota_exceeded(quotas, ["good", "good"], "good")
    assert not scoring.quota_exceeded(quotas, ["pass"] * 9, "pass")


def test_one_panel_drops_the_highest_and_lowest_total_and_averages_the_rest():
    totals = [[90, 93, 96, 99, 99], [80, 70, 85, NAN, 75]]
    found = scoring.panel_results(totals, [0] * 5, [1.0])
    # (93 + 96 + 99) / 3 = 96; (75 + 80) / 2 = 77.5 (70 and 85 dropped, one judge missing)
    assert found.results.tolist() == [96.0, 77.5]
    assert found.counts.tolist() == [5, 4]
    assert found.ranks.tolist() == [1, 2]


def test_weighted_groups_combine_each_groups_trimmed_mean():
    totals = [[90, 80, 70, 60, 85, 75, 65]]
    groups = [0, 0, 0, 1, 1, 1, 2]
    found = scoring.panel_results(totals, groups, [0.5, 0.3, 0.2])
    # leaders: 80 (90, 70 dropped); heads: 75; staff: 65 (one score, nothing dropped)
    assert found.group_means.tolist() == [[80.0, 75.0, 65.0]]
    assert found.results[0] == round(0.5 * 80 + 0.3 * 75 + 0.2 * 65, 4)


def test_a_group_that_has_not_scored_leaves_the_others_weights_renormalized():
    found = scoring.panel_results([[90, 80, NAN]], [0, 0, 1], [0.6, 0.4])
    assert found.results[0] == 85.0
    assert math.isnan(found.group_means[0, 1])


def test_an_unscored_presentation_has_no_result_and_no_rank():
    found = scoring.panel_results([[NAN, NAN], [70, 80]], [0, 0], [1.0],
                                  drop_highest=0, drop_lowest=0)
    assert math.isnan(found.results[0])
    assert found.ranks.tolist() == [0, 1]
    assert found.results[1] == 75.0


def test_ties_share_a_rank():
    found = scoring.panel_results(np.array([[80.0], [90.0], [80.0]]), [0], [1.0])
    assert found.ranks.tolist() == [2, 1, 2]
