"""A cadre's appraisal: sources combined by weight, rater panels on dimensions, grade quotas on a
ballot, the responsibility index and the bands that trigger actions."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pacesetter.engine._appraisal import (
    band_of,
    multi_source_composite,
    panel_score,
    quota_allowed,
    quota_excess,
)
from pacesetter.engine._types import EngineError

NAN = np.nan

# --- several sources -------------------------------------------------------------------------

#: 述职 20%, superiors 30%, peers 20%, subordinates 10%, the public 20%.
WEIGHTS = [0.2, 0.3, 0.2, 0.1, 0.2]


def test_sources_are_weighted_and_a_missing_one_leaves_its_weight_to_the_others():
    result = multi_source_composite([[90, 80, 70, 60, 100],
                                     [90, 80, 70, 60, NAN]], WEIGHTS)
    # 0.2·90 + 0.3·80 + 0.2·70 + 0.1·60 + 0.2·100 = 82; without the public: 62 / 0.8
    assert result.composite.tolist() == pytest.approx([82.0, 77.5])
    assert result.coverage.tolist() == pytest.approx([1.0, 0.8])


def test_a_source_that_had_to_be_given_costs_its_weight_when_missing():
    result = multi_source_composite([[NAN, 80, 70, 60, 100]], WEIGHTS, missing="zero")
    assert result.composite.tolist() == pytest.approx([64.0])  # 18 of the 82 lost
    assert result.coverage.tolist() == pytest.approx([0.8])


def test_a_cadre_with_no_source_has_no_composite():
    result = multi_source_composite([[NAN] * 5], WEIGHTS)
    assert np.isnan(result.composite[0]) and result.coverage[0] == 0.0


@pytest.mark.parametrize(("weights", "message"), [
    ([0.5, -0.1, 0.2, 0.2, 0.2], "negative"), ([0, 0, 0, 0, 0], "positive"),
    ([0.5, 0.5], "5 items")])
def test_bad_weights_are_refused(weights, message):
    with pytest.raises(EngineError, match=message):
        multi_source_composite([[1, 2, 3, 4, 5]], weights)


def test_an_unknown_missing_rule_is_refused():
    with pytest.raises(EngineError, match="missing"):
        multi_source_composite([[1.0]], [1.0], missing="ignore")


@given(st.lists(st.floats(0, 100), min_size=5, max_size=5))
def test_a_composite_lies_between_the_lowest_and_the_highest_source(scores):
    composite = multi_source_composite([scores], WEIGHTS).composite[0]
    assert min(scores) - 1e-9 <= composite <= max(scores) + 1e-9


# --- rater panels ----------------------------------------------------------------------------

def test_a_panel_averages_each_dimension_then_weights_the_dimensions():
    # two raters × two cadres × two dimensions (政治思想 weight 1, 工作实绩 weight 3)
    ratings = [[[95, 80], [80, 65]],
               [[85, 80], [NAN, 65]]]
    scores = panel_score(ratings, [1, 3])
    # cadre 1: (90·1 + 80·3) / 4 = 82.5; cadre 2 (one rater abstained on 政治思想): 68.75
    assert scores.tolist() == pytest.approx([82.5, 68.75])


def test_a_panel_may_drop_the_highest_and_lowest_rater():
    ratings = np.array([[[95.0]], [[80.0]], [[65.0]], [[40.0]]])  # four raters, one cadre
    assert panel_score(ratings, [1], drop_highest=1, drop_lowest=1).tolist() == [72.5]


def test_a_cadre_nobody_rated_scores_nan():
    assert np.isnan(panel_score([[[NAN, NAN]]], [1, 1])[0])


@pytest.mark.parametrize(("ratings", "weights", "message"), [
    ([[95, 80]], [1, 1], "raters × cadres × dimensions"),
    ([[[95, 80]]], [1, -1], "negative"),
    ([[[95, 80]]], [0, 0], "positive"),
])
def test_a_bad_panel_is_refused(ratings, weights, message):
    with pytest.raises(EngineError, match=message):
        panel_score(ratings, weights)


# --- grade quotas ----------------------------------------------------------------------------

@pytest.mark.parametrize(("share", "size", "rounding", "allowed"), [
    (0.15, 20, "floor", 3), (0.15, 10, "floor", 1), (0.15, 10, "half_up", 2),
    (0.15, 5, "floor", 0), (0.15, 5, "half_up", 1), (0.29, 100, "floor", 29),
    (0.0, 12, "floor", 0), (1.0, 7, "half_up", 7), (0.3, 0, "floor", 0)])
def test_the_quota_is_a_whole_number_of_cadres_by_the_rounding_chosen(share, size, rounding,
                                                                     allowed):
    assert quota_allowed(share, size, rounding=rounding) == allowed


@pytest.mark.parametrize(("share", "size", "rounding", "message"), [
    (1.5, 10, "floor", "share"), (-0.1, 10, "floor", "share"), (0.15, -1, "floor", "ballot"),
    (0.15, 10, "ceiling", "rounding")])
def test_a_bad_quota_is_refused(share, size, rounding, message):
    with pytest.raises(EngineError, match=message):
        quota_allowed(share, size, rounding=rounding)


def test_a_ballot_over_its_quota_says_by_how_many():
    ballot = ["优秀"] * 4 + ["称职"] * 15 + ["不称职"]  # 20 cadres: at most 3 优秀
    assert quota_excess(ballot, {"优秀": 0.15}) == {"优秀": 1}
    assert quota_excess([*ballot[1:], "称职"], {"优秀": 0.15, "不称职": 0.05}) == {}


def test_the_bands_cut_at_the_thresholds_each_edge_belonging_above():
    bands = band_of([59.9, 60.0, 94.99, 95.0, 100.0], [60, 95])
    assert bands.tolist() == [0, 1, 1, 2, 2]


@pytest.mark.parametrize(("values", "edges", "message"), [
    ([70.0], [95, 60], "ascending"), ([NAN], [60, 95], "NaN")])
def test_bad_bands_are_refused(values, edges, message):
    with pytest.raises(EngineError, match=message):
        band_of(values, edges)
