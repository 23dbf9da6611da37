"""satisfaction_index(), aspect_indexes() and rank_intervals(): the survey statistics.

Where a test says "hand-computed", the arithmetic is shown in its docstring and no published
source is claimed. The Student t values are the standard table values (as printed, e.g., in the
NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.6.7.2, "Critical values of the Student's t
distribution"); they were checked against exact quantiles computed with mpmath when this test
was written. The slow reference loops below restate each definition one response, one item and
one draw at a time; the vectorized functions must agree with them.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pacesetter.engine import _survey
from pacesetter.engine._rank import rank
from pacesetter.engine._survey import (
    RankIntervals,
    SurveyIndex,
    aspect_indexes,
    rank_intervals,
    satisfaction_index,
    t_quantile,
)
from pacesetter.engine._types import EngineError

NAN = math.nan

# --- strategies --------------------------------------------------------------------------------

# Shares as a questionnaire gives them (满意 1.0, 基本满意 0.75, 不满意 0.55, 很不满意 0.0,
# 不了解 NaN), plus any share in [0, 1].
share = st.one_of(st.sampled_from([1.0, 0.75, 0.55, 0.0, NAN]), st.floats(0.0, 1.0))


@st.composite
def surveys(draw):
    """Shares (responses × items), item weights (some may be 0), groups and the group count."""
    n_groups = draw(st.integers(1, 4))
    n_items = draw(st.integers(1, 4))
    n_responses = draw(st.integers(0, 14))
    shares = np.array(draw(st.lists(st.lists(share, min_size=n_items, max_size=n_items),
                                    min_size=n_responses, max_size=n_responses)),
                      dtype=float).reshape(n_responses, n_items)
    weights = draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0]), min_size=n_items,
                            max_size=n_items).filter(lambda w: sum(w) > 0))
    groups = draw(st.lists(st.integers(0, n_groups - 1), min_size=n_responses,
                           max_size=n_responses))
    return shares, np.array(weights), np.array(groups, dtype=np.int64), n_groups


@st.composite
def league_tables(draw):
    """Estimates (some NaN, many tied), standard errors (some 0 or NaN) and group labels."""
    n_units = draw(st.integers(0, 9))
    estimates = draw(st.lists(st.sampled_from([80.0, 85.0, 85.0, 90.0, NAN]),
                              min_size=n_units, max_size=n_units))
    errors = draw(st.lists(st.sampled_from([0.0, 0.0, 2.0, 5.0, NAN]), min_size=n_units,
                           max_size=n_units))
    groups = draw(st.lists(st.sampled_from(["城区", "县", "开发区"]), min_size=n_units,
                           max_size=n_units))
    return np.array(estimates), np.array(errors), np.array(groups, dtype=object)


# --- slow reference loops ----------------------------------------------------------------------

def reference_index(shares, weights, groups, n_groups, confidence=0.95):
    """The definition of satisfaction_index, one group, item and response at a time."""
    n_responses, n_items = shares.shape
    w = [weight / sum(weights) for weight in weights]
    rows_of = [[r for r in range(n_responses) if groups[r] == g] for g in range(n_groups)]
    result = {name: [] for name in ("responses", "index", "std_error", "low", "high",
                                    "item_counts", "item_means")}
    for rows in rows_of:
        valid = {i: [shares[r, i] for r in rows if not math.isnan(shares[r, i])]
                 for i in range(n_items)}
        counts = [len(valid[i]) for i in range(n_items)]
        means = [sum(valid[i]) / counts[i] if counts[i] else NAN for i in range(n_items)]
        answered_weight = sum(w[i] for i in range(n_items) if counts[i])
        responding = [r for r in rows if any(not math.isnan(s) for s in shares[r])]
        n = len(responding)
        if answered_weight > 0:
            share_of = [w[i] / answered_weight if counts[i] else 0.0 for i in range(n_items)]
            index = 100 * sum(share_of[i] * means[i] for i in range(n_items) if counts[i])
        else:
            index = NAN
        if answered_weight > 0 and n >= 2:
            squares = 0.0
            for r in responding:
                z = 0.0
                for i in range(n_items):
                    if not math.isnan(shares[r, i]):
                        z += 100 * share_of[i] * (n / counts[i]) * (shares[r, i] - means[i])
                squares += z * z
            std_error = math.sqrt(squares / (n * (n - 1)))
            half = float(t_quantile((1 + confidence) / 2, n - 1)) * std_error
            low, high = max(index - half, 0.0), min(index + half, 100.0)
        else:
            std_error = low = high = NAN
        for name, value in (("responses", n), ("index", index), ("std_error", std_error),
                            ("low", low), ("high", high), ("item_counts", counts),
                            ("item_means", [100 * m for m in means])):
            result[name].append(value)
    return result


def reference_ranks(estimates, errors, groups, bottom, draws, seed, confidence):
    """The definition of rank_intervals, one draw and one group at a time, with rank()."""
    ranked = [j for j in range(len(estimates)) if not math.isnan(estimates[j])]
    noise = np.random.default_rng(seed).standard_normal((draws, len(ranked)))
    members = {label: [j for j in ranked if groups[j] == label] for label in set(groups)}
    simulated = {j: [] for j in ranked}
    for d in range(draws):
        value = {j: estimates[j] + np.nan_to_num(errors[j]) * noise[d, k]
                 for k, j in enumerate(ranked)}
        for group in members.values():
            if group:
                for j, position in zip(group, rank([value[j] for j in group]), strict=True):
                    simulated[j].append(int(position))
    low, high, p_bottom = {}, {}, {}
    for j in ranked:
        ordered = sorted(simulated[j])
        low[j] = ordered[math.ceil(round(draws * (1 - confidence) / 2, 9)) - 1]
        high[j] = ordered[math.ceil(round(draws * (1 + confidence) / 2, 9)) - 1]
        size = len(members[groups[j]])
        p_bottom[j] = sum(position > size - bottom for position in ordered) / draws
    return low, high, p_bottom


def same(actual, expected):
    """Arrays equal to 1e-9, NaN where NaN is expected."""
    np.testing.assert_allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float),
                               rtol=1e-9, atol=1e-9)


# --- satisfaction_index ------------------------------------------------------------------------

# Two items weighing 3 and 1; group 0 has three responses, group 1 one, group 2 only 不了解.
SHARES = [
    [1.0, 0.75],
    [0.75, NAN],
    [0.55, 1.0],
    [0.55, 0.55],
    [NAN, NAN],
]
GROUPS = [0, 0, 0, 1, 2]


def test_the_index_is_the_weighted_mean_of_the_item_means():
    """Hand-computed. Weights 3 and 1 become 0.75 and 0.25. Group 0: item means
    m_0 = (1 + 0.75 + 0.55)/3 = 0.7666…, m_1 = (0.75 + 1)/2 = 0.875, so
    I = 100 (0.75 · 0.7666… + 0.25 · 0.875) = 100 (0.575 + 0.21875) = 79.375.
    Group 1: one response of 0.55 on both items, I = 55. Group 2 answered nothing: NaN."""
    result = satisfaction_index(SHARES, [3, 1], GROUPS, 3)
    assert isinstance(result, SurveyIndex)
    same(result.index, [79.375, 55.0, NAN])
    assert result.responses.tolist() == [3, 1, 0]
    assert result.item_counts.tolist() == [[3, 2], [1, 1], [0, 0]]
    same(result.item_means, [[230 / 3, 87.5], [55.0, 55.0], [NAN, NAN]])


def test_the_interval_is_the_delta_method_with_student_t_and_clipped_to_100():
    """Hand-computed, group 0 above: n_g = 3, n_g0 = 3, n_g1 = 2, so
    z_r = 100 [0.75 (s_r0 − 0.7666…) + 0.25 · (3/2) · a_r1 (s_r1 − 0.875)]:
    z_0 = 100 (0.75 · 0.2333… − 0.375 · 0.125) = 12.8125, z_1 = 100 · 0.75 · (−0.01666…)
    = −1.25, z_2 = 100 (−0.75 · 0.21666… + 0.375 · 0.125) = −11.5625 (they sum to 0).
    Var = (164.16015625 + 1.5625 + 133.69140625) / (3 · 2) = 49.90234375, SE = 7.06416…;
    t_{0.975, 2} = 0.95/√(2 · 0.975 · 0.025) = 4.30265…, half width 30.3945…:
    low = 48.9805…, high = 109.77… clipped to 100. One response (group 1): no interval."""
    result = satisfaction_index(SHARES, [3, 1], GROUPS, 3)
    std_error = math.sqrt(49.90234375)
    half = 0.95 / math.sqrt(2 * 0.975 * 0.025) * std_error
    same(result.std_error, [std_error, NAN, NAN])
    same(result.low, [79.375 - half, NAN, NAN])
    same(result.high, [100.0, NAN, NAN])
    assert result.high[0] == 100.0


def test_item_means_come_first_not_response_scores():
    """Hand-computed, equal weights. Response 0 answers only item 0 (1.0), response 1 answers
    both (0.55, 0.55). Item means 0.775 and 0.55 give I = 66.25; averaging per-response scores
    first would give (100 + 55)/2 = 77.5 instead."""
    result = satisfaction_index([[1.0, NAN], [0.55, 0.55]], [1, 1], [0, 0], 1)
    same(result.index, [66.25])


def test_an_item_nobody_answered_is_left_out_and_the_weights_renormalized():
    """Hand-computed. Weights 3 and 1, nobody answered item 1: item 0 alone carries the index,
    I = 100 · (1 + 0.75)/2 = 87.5; z = ±12.5, Var = 312.5/2, SE = 12.5 — the textbook
    s/√n of the scores 100 and 75."""
    result = satisfaction_index([[1.0, NAN], [0.75, NAN]], [3, 1], [0, 0], 1)
    same(result.index, [87.5])
    same(result.std_error, [12.5])
    same(result.item_means, [[87.5, NAN]])


def test_a_group_whose_answered_items_all_weigh_nothing_has_no_index():
    """Only the zero-weight item was answered: the responses count, the index is NaN."""
    result = satisfaction_index([[NAN, 1.0], [NAN, 0.75]], [1, 0], [0, 0], 1)
    assert result.responses.tolist() == [2]
    same(result.index, [NAN])
    same(result.std_error, [NAN])
    same(result.low, [NAN])


def test_a_wider_confidence_gives_a_wider_interval_and_identical_answers_none():
    shares = [[1.0], [0.75], [0.55], [1.0], [0.75], [0.75]]
    narrow = satisfaction_index(shares, [1], [0] * 6, 1, confidence=0.8)
    wide = satisfaction_index(shares, [1], [0] * 6, 1, confidence=0.99)
    assert wide.low[0] < narrow.low[0] < narrow.index[0] < narrow.high[0] < wide.high[0]
    unanimous = satisfaction_index([[0.75], [0.75]], [1], [0, 0], 1)
    same([unanimous.low[0], unanimous.index[0], unanimous.high[0]], [75.0, 75.0, 75.0])


def test_no_responses_at_all():
    result = satisfaction_index(np.zeros((0, 2)), [1, 1], [], 2)
    assert result.responses.tolist() == [0, 0]
    same(result.index, [NAN, NAN])
    assert result.item_counts.shape == (2, 2)


def test_the_result_is_read_only():
    result = satisfaction_index(SHARES, [3, 1], GROUPS, 3)
    with pytest.raises(ValueError, match="read-only"):
        result.index[0] = 0.0


def test_reading_in_small_blocks_gives_the_same_result(monkeypatch):
    """The blocks are an implementation detail: one row at a time changes nothing."""
    whole = satisfaction_index(SHARES, [3, 1], GROUPS, 3)
    monkeypatch.setattr(_survey, "_BLOCK_CELLS", 1)
    blocks = satisfaction_index(SHARES, [3, 1], GROUPS, 3)
    for name in ("responses", "index", "low", "high", "std_error", "item_counts", "item_means"):
        same(getattr(blocks, name), getattr(whole, name))


@settings(max_examples=200, deadline=None)
@given(surveys(), st.sampled_from([0.8, 0.95, 0.99]))
def test_satisfaction_index_equals_the_slow_reference_loop(survey, confidence):
    shares, weights, groups, n_groups = survey
    result = satisfaction_index(shares, weights, groups, n_groups, confidence=confidence)
    expected = reference_index(shares, weights, groups, n_groups, confidence)
    for name, values in expected.items():
        same(getattr(result, name), np.array(values, dtype=float).reshape(
            getattr(result, name).shape))


@settings(deadline=None)
@given(surveys())
def test_the_index_lies_in_its_interval_and_in_0_100(survey):
    shares, weights, groups, n_groups = survey
    result = satisfaction_index(shares, weights, groups, n_groups)
    known = ~np.isnan(result.low)
    assert np.all(result.low[known] <= result.index[known] + 1e-9)
    assert np.all(result.index[known] <= result.high[known] + 1e-9)
    scored = ~np.isnan(result.index)
    assert np.all((result.index[scored] >= -1e-9) & (result.index[scored] <= 100 + 1e-9))


@settings(deadline=None)
@given(surveys(), st.integers(1, 7), st.randoms(use_true_random=False))
def test_scaling_the_weights_or_reordering_responses_changes_nothing(survey, factor, random):
    shares, weights, groups, n_groups = survey
    before = satisfaction_index(shares, weights, groups, n_groups)
    order = list(range(len(groups)))
    random.shuffle(order)
    after = satisfaction_index(shares[order], weights * factor, groups[order], n_groups)
    same(after.index, before.index)
    same(after.std_error, before.std_error)


@settings(deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), min_size=2, max_size=20))
def test_with_every_item_answered_it_is_the_mean_score_with_its_textbook_interval(rows):
    """No missing answers: I = mean of the per-response scores 100 Σ w_i s_ri, and
    SE = sample standard deviation / √n, the interval of a mean."""
    shares = np.array(rows)
    scores = 100 * shares @ np.array([0.25, 0.75])
    result = satisfaction_index(shares, [1, 3], [0] * len(rows), 1)
    same(result.index, [scores.mean()])
    same(result.std_error, [scores.std(ddof=1) / math.sqrt(len(rows))])


@pytest.mark.parametrize(("shares", "weights", "groups", "n_groups", "message"), [
    ([1.0, 0.5], [1], [0, 0], 1, "2-dimensional"),
    ([[1.2]], [1], [0], 1, r"\[0, 1\]"),
    ([[-0.1]], [1], [0], 1, r"\[0, 1\]"),
    ([[math.inf]], [1], [0], 1, r"\[0, 1\]"),
    ([[1.0]], [1, 1], [0], 1, "item_weights must have 1 items"),
    ([[1.0, 1.0]], [1, -1], [0], 1, "not negative"),
    ([[1.0, 1.0]], [1, NAN], [0], 1, "finite"),
    ([[1.0, 1.0]], [0, 0], [0], 1, "all be zero"),
    ([[1.0]], [1], [0, 0], 1, "groups must have 1 items"),
    ([[1.0]], [1], [[0]], 1, "groups must have 1 items"),
    ([[1.0]], [1], [0.0], 1, "groups must be integers"),
    ([[1.0]], [1], [1], 1, r"groups must lie in \[0, 1\)"),
    ([[1.0]], [1], [-1], 1, r"groups must lie in \[0, 1\)"),
    ([[1.0]], [1], [0], -1, "n_groups must be at least 0"),
    ([[1.0]], [1], [0], 1.0, "n_groups must be an integer"),
])
def test_satisfaction_index_refuses_bad_input(shares, weights, groups, n_groups, message):
    with pytest.raises(EngineError, match=message):
        satisfaction_index(shares, weights, groups, n_groups)


@pytest.mark.parametrize("confidence", [0.0, 1.0, 1.5, NAN])
def test_confidence_must_lie_strictly_between_0_and_1(confidence):
    with pytest.raises(EngineError, match="confidence"):
        satisfaction_index([[1.0]], [1], [0], 1, confidence=confidence)
    with pytest.raises(EngineError, match="confidence"):
        rank_intervals([1.0], [0.0], [0], confidence=confidence)


# --- t_quantile --------------------------------------------------------------------------------

@pytest.mark.parametrize(("dof", "table_975", "table_995"), [
    (1, 12.706, 63.657), (2, 4.303, 9.925), (3, 3.182, 5.841), (4, 2.776, 4.604),
    (5, 2.571, 4.032), (10, 2.228, 3.169), (30, 2.042, 2.750), (100, 1.984, 2.626),
])
def test_t_quantile_matches_the_printed_table(dof, table_975, table_995):
    """Exact for 1 and 2 degrees of freedom (to the table's 3 decimals); the Cornish–Fisher
    series is within 0.13% at 97.5% and 0.8% at 99.5% beyond."""
    assert float(t_quantile(0.975, dof)) == pytest.approx(table_975, rel=0.0013, abs=5e-4)
    assert float(t_quantile(0.995, dof)) == pytest.approx(table_995, rel=0.008, abs=5e-4)
    if dof <= 2:
        assert float(t_quantile(0.975, dof)) == pytest.approx(table_975, abs=5e-4)


@given(st.floats(0.51, 0.999), st.integers(1, 500))
def test_t_quantile_is_odd_and_above_the_normal_quantile(probability, dof):
    upper = float(t_quantile(probability, dof))
    assert float(t_quantile(1 - probability, dof)) == pytest.approx(-upper, rel=1e-9)
    assert upper >= float(t_quantile(probability, 10**9)) - 1e-12


def test_t_quantile_is_nan_without_degrees_of_freedom_and_refuses_bad_probabilities():
    same(t_quantile(0.975, [0, -1, 1]), [NAN, NAN, 12.706204736174705])
    with pytest.raises(EngineError, match="probability"):
        t_quantile(1.0, 3)


# --- aspect_indexes ----------------------------------------------------------------------------

def test_each_aspect_is_the_weighted_mean_of_its_item_means():
    """Hand-computed. Items 0, 1 in aspect 0 (weights 1, 3), items 2, 3 in aspect 1 (weights
    2, 2). Group 0: (1·80 + 3·60)/4 = 65 and (90 + 70)/2 = 80. Group 1: item 1 has no answer,
    so aspect 0 is item 0 alone, 50; nothing in aspect 1: NaN."""
    means = [[80.0, 60.0, 90.0, 70.0], [50.0, NAN, NAN, NAN]]
    counts = [[4, 4, 3, 3], [2, 0, 0, 0]]
    same(aspect_indexes(means, counts, [0, 0, 1, 1], [1, 3, 2, 2], 2),
         [[65.0, 80.0], [50.0, NAN]])


def test_an_aspect_without_items_or_with_only_weightless_items_is_nan():
    same(aspect_indexes([[80.0, 60.0]], [[1, 1]], [0, 2], [0, 1], 3), [[NAN, NAN, 60.0]])


@settings(deadline=None)
@given(surveys())
def test_with_one_aspect_it_is_the_satisfaction_index(survey):
    shares, weights, groups, n_groups = survey
    result = satisfaction_index(shares, weights, groups, n_groups)
    aspects = aspect_indexes(result.item_means, result.item_counts,
                             np.zeros(shares.shape[1], dtype=np.int64), weights, 1)
    same(aspects[:, 0], result.index)


@pytest.mark.parametrize(("means", "counts", "aspects", "weights", "n_aspects", "message"), [
    ([[1.0, 2.0]], [[1, 1, 1]], [0, 0], [1, 1], 1, "shape of item_means"),
    ([[1.0, 2.0]], [[1, 1]], [0], [1, 1], 1, "item_aspects must have 2 items"),
    ([[1.0, 2.0]], [[1, 1]], [0, 1], [1, 1], 1, r"item_aspects must lie in \[0, 1\)"),
    ([[1.0, 2.0]], [[1, 1]], [0, 0], [1, -1], 1, "not negative"),
    ([[1.0, 2.0]], [[1, 1]], [0, 0], [0, 0], 1, "all be zero"),
    ([[1.0, 2.0]], [[1, -1]], [0, 0], [1, 1], 1, "item_counts must not be negative"),
    ([[1.0, NAN]], [[1, 1]], [0, 0], [1, 1], 1, "finite number wherever"),
    ([[1.0, 2.0]], [[1, 1]], [0, 0], [1, 1], "1", "n_aspects must be an integer"),
])
def test_aspect_indexes_refuses_bad_input(means, counts, aspects, weights, n_aspects, message):
    with pytest.raises(EngineError, match=message):
        aspect_indexes(means, counts, aspects, weights, n_aspects)


# --- rank_intervals ----------------------------------------------------------------------------

def test_point_ranks_are_within_groups_best_first_with_shared_ties_and_nan_left_out():
    result = rank_intervals([90.0, 85.0, 90.0, NAN, 70.0, 75.0], [0.0] * 6,
                            ["县", "县", "县", "县", "区", "区"])
    assert isinstance(result, RankIntervals)
    assert result.rank.tolist() == [1, 3, 1, 0, 2, 1]
    assert result.group_size.tolist() == [3, 3, 3, 3, 2, 2]
    assert result.low[3] == result.high[3] == 0
    assert result.p_bottom[3] == 0.0
    assert not result.significantly_low[3]


def test_without_uncertainty_the_interval_is_the_rank_and_the_bottom_is_certain():
    """Standard errors 0: every draw repeats the point ranks; tied units stay tied."""
    result = rank_intervals([90.0, 85.0, 90.0, 70.0], [0.0, 0.0, 0.0, NAN], [1, 1, 1, 1],
                            bottom=2)
    assert result.low.tolist() == result.rank.tolist() == result.high.tolist() == [1, 3, 1, 4]
    assert result.p_bottom.tolist() == [0.0, 1.0, 0.0, 1.0]


def test_two_indistinguishable_units_share_the_interval_1_to_2():
    """Equal estimates and wide errors: each is last about half the time (2,000 draws give a
    standard deviation of about 0.011 on that share)."""
    result = rank_intervals([80.0, 80.0], [5.0, 5.0], ["县", "县"], bottom=1)
    assert result.low.tolist() == [1, 1]
    assert result.high.tolist() == [2, 2]
    assert result.p_bottom == pytest.approx([0.5, 0.5], abs=0.05)
    assert result.p_bottom.sum() == pytest.approx(1.0)


def test_a_clearly_worse_unit_is_last_in_every_draw():
    result = rank_intervals([95.0, 90.0, 60.0], [1.0, 1.0, 1.0], [0, 0, 0], bottom=1)
    assert result.rank.tolist() == result.low.tolist() == result.high.tolist() == [1, 2, 3]
    assert result.p_bottom.tolist() == [0.0, 0.0, 1.0]


def test_bottom_zero_is_never_and_bottom_past_the_group_is_always():
    estimates, errors = [90.0, 80.0], [3.0, 3.0]
    assert rank_intervals(estimates, errors, [0, 0]).p_bottom.tolist() == [0.0, 0.0]
    assert rank_intervals(estimates, errors, [0, 0], bottom=5).p_bottom.tolist() == [1.0, 1.0]


def test_significantly_low_is_below_the_others_mean_by_more_than_z_standard_errors():
    """Hand-computed, z = 1.95996 at 95%. Group a: unit 0, 80 + 1.96 · 3 = 85.88 < (90 + 100)/2
    = 95: flagged; unit 1, 95.88 ≥ (80 + 100)/2 = 90: not; unit 2, 105.88 ≥ 85: not. Group b:
    unit 3, 80 + 1.96 · 8 = 95.68 ≥ 60: not; unit 4 is 20 below its peer but its standard
    error is unknown: not flagged. Group c: unit 5 has no peer: not flagged."""
    result = rank_intervals([80.0, 90.0, 100.0, 80.0, 60.0, 50.0],
                            [3.0, 3.0, 3.0, 8.0, NAN, 1.0], ["a", "a", "a", "b", "b", "c"])
    assert result.significantly_low.tolist() == [True, False, False, False, False, False]


def test_a_larger_standard_error_protects_the_same_estimate_from_the_flag():
    """Hand-computed. Units 0 and 3 both score 80 among peers averaging (90 + 100 + 80)/3 = 90;
    with an error of 3, 85.88 < 90 is flagged; with an error of 8, 95.68 ≥ 90 is not."""
    result = rank_intervals([80.0, 90.0, 100.0, 80.0], [3.0, 3.0, 3.0, 8.0], [0, 0, 0, 0])
    assert result.significantly_low.tolist() == [True, False, False, False]


def test_the_simulation_is_reproducible_with_its_seed():
    estimates, errors = [80.0, 81.0, 82.0, 83.0], [2.0, 2.0, 2.0, 2.0]
    first = rank_intervals(estimates, errors, [0] * 4, bottom=1, draws=300, seed=7)
    again = rank_intervals(estimates, errors, [0] * 4, bottom=1, draws=300, seed=7)
    other = rank_intervals(estimates, errors, [0] * 4, bottom=1, draws=300, seed=8)
    assert first.p_bottom.tolist() == again.p_bottom.tolist()
    assert first.p_bottom.tolist() != other.p_bottom.tolist()


@settings(max_examples=150, deadline=None)
@given(league_tables(), st.integers(0, 3), st.integers(1, 40), st.integers(0, 2**32),
       st.sampled_from([0.5, 0.9, 0.95]))
def test_rank_intervals_equal_the_slow_reference_loop(table, bottom, draws, seed, confidence):
    estimates, errors, groups = table
    result = rank_intervals(estimates, errors, groups, bottom=bottom, draws=draws, seed=seed,
                            confidence=confidence)
    low, high, p_bottom = reference_ranks(estimates, errors, groups, bottom, draws, seed,
                                          confidence)
    for j in range(len(estimates)):
        if j in low:
            assert (result.low[j], result.high[j]) == (low[j], high[j])
            assert result.p_bottom[j] == pytest.approx(p_bottom[j])
            assert 1 <= result.low[j] <= result.high[j] <= result.group_size[j]
        else:
            assert (result.rank[j], result.low[j], result.high[j]) == (0, 0, 0)


def test_simulating_in_small_chunks_gives_the_same_draws(monkeypatch):
    """The random stream does not depend on the chunk size: one draw per chunk is the same."""
    args = ([80.0, 85.0, 85.0, 90.0, 70.0], [4.0, 1.0, 0.0, 6.0, 2.0], [0, 0, 0, 0, 1])
    whole = rank_intervals(*args, bottom=2, draws=50, seed=3)
    monkeypatch.setattr(_survey, "_CHUNK_CELLS", 1)
    chunked = rank_intervals(*args, bottom=2, draws=50, seed=3)
    for name in ("low", "high", "p_bottom"):
        assert getattr(chunked, name).tolist() == getattr(whole, name).tolist()


def test_the_percentiles_are_the_inverse_empirical_distribution():
    """Of the ranks 1..2000 the 2.5th percentile is the 50th value and the 97.5th the 1950th:
    2000 · (1 − 0.95)/2 evaluates to 50.00000000000004, which must not pick the 51st. Of
    seven ranks, the 2.5% position 0.175 is rounded up to the 1st; a position within 1e-9 of
    0 still picks the 1st."""
    ranks = np.arange(1, 2001, dtype=np.int32)[None, :]
    assert _survey._order_statistic(ranks, (1 - 0.95) / 2).tolist() == [50]
    assert _survey._order_statistic(ranks, (1 + 0.95) / 2).tolist() == [1950]
    seven = np.array([[7, 1, 5, 3, 2, 6, 4]], dtype=np.int32)
    assert _survey._order_statistic(seven, 0.025).tolist() == [1]
    assert _survey._order_statistic(seven, 1e-12).tolist() == [1]


def test_no_units_or_no_ranked_units():
    empty = rank_intervals([], [], [])
    assert empty.rank.tolist() == empty.p_bottom.tolist() == []
    unranked = rank_intervals([NAN, NAN], [1.0, 1.0], [0, 0], bottom=1)
    assert unranked.rank.tolist() == unranked.low.tolist() == [0, 0]
    assert unranked.group_size.tolist() == [0, 0]


def test_the_rank_intervals_are_read_only():
    result = rank_intervals([1.0, 2.0], [0.1, 0.1], [0, 0])
    with pytest.raises(ValueError, match="read-only"):
        result.significantly_low[0] = True


@pytest.mark.parametrize(("estimates", "errors", "groups", "options", "message"), [
    ([1.0, 2.0], [0.1], [0, 0], {}, "std_errors must have 2 items"),
    ([1.0, 2.0], [0.1, 0.1], [0], {}, "groups must have 2 items"),
    ([[1.0]], [0.1], [0], {}, "1-dimensional"),
    ([math.inf], [0.1], [0], {}, "estimates must be finite"),
    ([1.0], [-0.1], [0], {}, "std_errors must be finite and not negative"),
    ([1.0], [math.inf], [0], {}, "std_errors must be finite and not negative"),
    ([1.0], [0.1], [0], {"bottom": -1}, "bottom must be at least 0"),
    ([1.0], [0.1], [0], {"draws": 0}, "draws must be at least 1"),
    ([1.0], [0.1], [0], {"draws": 2.5}, "draws must be an integer"),
])
def test_rank_intervals_refuses_bad_input(estimates, errors, groups, options, message):
    with pytest.raises(EngineError, match=message):
        rank_intervals(estimates, errors, groups, **options)
