"""Indicator weights: AHP, the entropy method and CRITIC — worked examples, properties, errors.

About the worked examples. "Printed" below means numbers printed in a published example that
were read, for these tests, in a public reproduction of it (named in each test); the original
papers themselves were not at hand. Everything else is hand-computed from the formula, with
the arithmetic in the docstring, and says so.
"""

import dataclasses
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from pacesetter.engine._types import EngineError
from pacesetter.engine._weights import (
    AHP_METHODS,
    ENTROPY_VARIANTS,
    RANDOM_INDEX,
    AhpResult,
    ahp_weights,
    critic_weights,
    entropy_weights,
)

# Saaty's "relative consumption of drinks in the United States" judgments (coffee, wine, tea,
# beer, soda, milk, water), from T. L. Saaty, "Decision making with the analytic hierarchy
# process", Int. J. Services Sciences 1(1), 2008, 83–98, as reproduced in the README of AHPy
# (github.com/PhilipGriffith/AHPy, "Relative consumption of drinks in the United States").
DRINKS = [
    [1, 9, 5, 2, 1, 1, 1 / 2],
    [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
    [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
    [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [1, 9, 4, 2, 1, 2, 1 / 2],
    [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [2, 9, 9, 3, 2, 3, 1],
]

# A small inconsistent judgment matrix for the hand-computed AHP examples.
THREE = [[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]]

SAATY_SCALE = [1 / 9, 1 / 7, 1 / 5, 1 / 3, 1 / 2, 1, 2, 3, 5, 7, 9]


@st.composite
def reciprocal_matrices(draw, largest=9):
    """A random positive reciprocal matrix on Saaty's scale, n = 1..largest."""
    n = draw(st.integers(1, largest))
    matrix = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            matrix[i, j] = draw(st.sampled_from(SAATY_SCALE))
            matrix[j, i] = 1 / matrix[i, j]
    return matrix


@st.composite
def consistent_matrices(draw):
    """A perfectly consistent matrix a_ij = w_i/w_j, and its w."""
    n = draw(st.integers(1, 15))
    w = np.array(draw(st.lists(st.floats(0.1, 10.0), min_size=n, max_size=n)))
    return w[:, None] / w[None, :], w


@st.composite
def data_matrices(draw):
    """A units × indicators matrix of small non-negative integers, with directions."""
    m = draw(st.integers(2, 8))
    n = draw(st.integers(1, 5))
    data = draw(arrays(np.float64, (m, n), elements=st.integers(0, 100).map(float)))
    directions = draw(st.lists(st.sampled_from([1, -1]), min_size=n, max_size=n))
    return data, np.array(directions, dtype=float)


# ---------------------------------------------------------------------------------------------
# AHP
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("ri", sorted(RANDOM_INDEX))
def test_ahp_eigenvector_reproduces_saatys_drinks_example(ri):
    """Printed: Saaty (2008), drinks example, via the AHPy README.

    The AHP priorities printed there are coffee .177, wine .019, tea .042, beer .116,
    soda .190, milk .129, water .327, with CR = 0.022. Computed here (not printed there):
    λmax ≈ 7.1766, so CI ≈ 0.0294 and CR rounds to 0.022 whichever RI table is used
    (RI(7) = 1.32, 1.36 or 1.3322).
    """
    result = ahp_weights(DRINKS, method="eigenvector", ri=ri)
    assert result.weights == pytest.approx(
        [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327], abs=5e-4)
    assert round(result.cr, 3) == 0.022
    assert result.ri == RANDOM_INDEX[ri][6]


def test_ahp_leader_example_shows_the_ri_table_matters():
    """Printed: the AHPy README's "Choosing a leader" (judgments from Wikipedia's AHP leader
    example), computed there with Saaty's 2005 RI table, whose RI(3) = 0.52 and RI(4) = 0.89
    equal the "chinese" table's.

    Experience (Moll, Nell, Sue): weights .217, .717, .066 and CR .035. Criteria (experience,
    education, charisma, age): weights .548, .127, .270, .056 and CR .044.

    Hand-computed for contrast: with Saaty's 1980 RI(3) = 0.58 the same experience CI
    (λmax ≈ 3.0369, CI ≈ 0.01845) gives CR ≈ 0.01845/0.58 ≈ 0.032 instead.
    """
    experience = [[1, 1 / 4, 4], [4, 1, 9], [1 / 4, 1 / 9, 1]]
    chinese = ahp_weights(experience, ri="chinese")
    assert chinese.weights == pytest.approx([0.217, 0.717, 0.066], abs=5e-4)
    assert round(chinese.cr, 3) == 0.035
    assert round(ahp_weights(experience, ri="saaty").cr, 3) == 0.032
    criteria = [[1, 4, 3, 7], [1 / 4, 1, 1 / 3, 3], [1 / 3, 3, 1, 5], [1 / 7, 1 / 3, 1 / 5, 1]]
    result = ahp_weights(criteria, ri="chinese")
    assert result.weights == pytest.approx([0.548, 0.127, 0.270, 0.056], abs=5e-4)
    assert round(result.cr, 3) == 0.044


def test_ahp_arithmetic_mean_method_hand_computed():
    """Hand-computed 和积法 for A = [[1, 3, 5], [1/3, 1, 2], [1/5, 1/2, 1]].

    Column sums: 1 + 1/3 + 1/5 = 23/15, 3 + 1 + 1/2 = 9/2, 5 + 2 + 1 = 8. Normalized columns,
    averaged across each row:
    w1 = (15/23 + 2/3 + 5/8)/3 = 1073/1656 ≈ 0.64795,
    w2 = (5/23 + 2/9 + 1/4)/3 = 571/2484 ≈ 0.22987,
    w3 = (3/23 + 1/9 + 1/8)/3 = 607/4968 ≈ 0.12218.
    (A w)_i / w_i ≈ 3.00715, 3.00263, 3.00132, so λmax ≈ 3.003697, CI = (λmax − 3)/2 ≈ 0.001848
    and, with Saaty's RI(3) = 0.58, CR ≈ 0.003187.
    """
    a = [[Fraction(1), Fraction(3), Fraction(5)], [Fraction(1, 3), Fraction(1), Fraction(2)],
         [Fraction(1, 5), Fraction(1, 2), Fraction(1)]]
    w = [(Fraction(15, 23) + Fraction(2, 3) + Fraction(5, 8)) / 3,
         (Fraction(5, 23) + Fraction(2, 9) + Fraction(1, 4)) / 3,
         (Fraction(3, 23) + Fraction(1, 9) + Fraction(1, 8)) / 3]
    lambda_max = sum(sum(a[i][j] * w[j] for j in range(3)) / w[i] for i in range(3)) / 3
    result = ahp_weights(THREE, method="arithmetic")
    assert result.weights == pytest.approx([float(x) for x in w], rel=1e-12)
    assert result.lambda_max == pytest.approx(float(lambda_max), rel=1e-12)
    assert result.ci == pytest.approx(float((lambda_max - 3) / 2), rel=1e-9)
    assert result.cr == pytest.approx(float((lambda_max - 3) / 2 / Fraction(58, 100)), rel=1e-9)
    assert result.ri == 0.58


def test_ahp_geometric_mean_method_hand_computed_equals_the_eigenvector_for_three():
    """Hand-computed 方根法 for the same A.

    Row products 15, 2/3, 1/10; cube roots ≈ 2.466212, 0.873580, 0.464159, sum ≈ 3.803951;
    w ≈ 0.648329, 0.229651, 0.122020. For n = 3 the row geometric mean is exactly the principal
    eigenvector, so the eigenvector method agrees and every (A w)_i / w_i ≈ 3.003695.
    """
    roots = [15 ** (1 / 3), (2 / 3) ** (1 / 3), (1 / 10) ** (1 / 3)]
    expected = [root / sum(roots) for root in roots]
    geometric = ahp_weights(THREE, method="geometric")
    eigenvector = ahp_weights(THREE, method="eigenvector")
    assert geometric.weights == pytest.approx(expected, rel=1e-12)
    assert eigenvector.weights == pytest.approx(expected, rel=1e-9)
    assert geometric.lambda_max == pytest.approx(eigenvector.lambda_max, rel=1e-12)
    assert geometric.lambda_max == pytest.approx(3.003695, abs=1e-6)


def test_ahp_random_index_tables_are_the_published_ones():
    """The three RI tables for n = 1..15 as given by Saaty (1980), Chinese AHP textbooks, and
    Tummala & Ling (1998). The printed originals were not at hand; the values agree with
    independent reproductions of each (Saaty's: several AHP codes in Java, R and JavaScript;
    the Chinese one: several Chinese AHP codes; Tummala & Ling's: pymcdm's AHP, which cites
    the paper)."""
    assert RANDOM_INDEX["saaty"] == (0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49,
                                     1.51, 1.48, 1.56, 1.57, 1.59)
    assert RANDOM_INDEX["chinese"] == (0, 0, 0.52, 0.89, 1.12, 1.26, 1.36, 1.41, 1.46, 1.49,
                                       1.52, 1.54, 1.56, 1.58, 1.59)
    assert RANDOM_INDEX["tummala_ling"] == (0, 0, 0.5799, 0.8921, 1.1159, 1.2358, 1.3322,
                                            1.3952, 1.4537, 1.4882, 1.5117, 1.5356, 1.5571,
                                            1.5714, 1.5831)


def test_ahp_of_one_or_two_indicators_is_consistent_by_definition():
    """n = 1: w = (1), CI = CR = 0. n = 2: [[1, 3], [1/3, 1]] gives w = (3/4, 1/4), λmax = 2,
    and CR is 0 because RI(2) = 0 — every 2 × 2 reciprocal matrix is consistent."""
    single = ahp_weights([[1.0]])
    assert single.weights.tolist() == [1.0]
    assert (single.lambda_max, single.ci, single.ri, single.cr) == (1.0, 0.0, 0.0, 0.0)
    for method in AHP_METHODS:
        pair = ahp_weights([[1, 3], [1 / 3, 1]], method=method)
        assert pair.weights == pytest.approx([0.75, 0.25])
        assert pair.lambda_max == pytest.approx(2.0)
        assert (pair.ri, pair.cr) == (0.0, 0.0)


def test_ahp_accepts_reciprocals_typed_to_three_decimals():
    result = ahp_weights([[1, 3, 0.2], [0.333, 1, 0.143], [5, 7, 1]])
    assert result.weights.sum() == pytest.approx(1.0)


def test_ahp_result_is_frozen_and_its_weights_read_only():
    result = ahp_weights(THREE)
    assert isinstance(result, AhpResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.cr = 0.0  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        result.weights[0] = 1.0


@settings(deadline=None)
@given(consistent_matrices(), st.sampled_from(AHP_METHODS), st.sampled_from(sorted(RANDOM_INDEX)))
def test_ahp_recovers_w_from_a_perfectly_consistent_matrix(case, method, ri):
    """For a_ij = w_i/w_j every method returns w/Σw, λmax = n and CR = 0."""
    matrix, w = case
    result = ahp_weights(matrix, method=method, ri=ri)
    n = len(w)
    assert result.weights == pytest.approx(w / w.sum(), rel=1e-9)
    assert result.lambda_max == pytest.approx(n, abs=1e-9)
    assert result.ci == pytest.approx(0.0, abs=1e-9)
    assert result.cr == pytest.approx(0.0, abs=1e-9)


@settings(deadline=None)
@given(reciprocal_matrices(), st.sampled_from(AHP_METHODS))
def test_ahp_weights_are_positive_and_sum_to_one(matrix, method):
    """Also λmax ≥ n: (1/n) Σ_i Σ_j a_ij w_j / w_i pairs each x with 1/x, and x + 1/x ≥ 2."""
    result = ahp_weights(matrix, method=method)
    assert np.all(result.weights > 0)
    assert result.weights.sum() == pytest.approx(1.0)
    assert result.lambda_max >= len(matrix) - 1e-9


@settings(deadline=None)
@given(reciprocal_matrices(), st.sampled_from(AHP_METHODS), st.randoms())
def test_ahp_permuting_indicators_permutes_the_weights(matrix, method, random):
    order = list(range(len(matrix)))
    random.shuffle(order)
    permuted = matrix[np.ix_(order, order)]
    original = ahp_weights(matrix, method=method)
    result = ahp_weights(permuted, method=method)
    assert result.weights == pytest.approx(original.weights[order], rel=1e-9)
    assert result.lambda_max == pytest.approx(original.lambda_max, rel=1e-9)


@pytest.mark.parametrize(("pairwise", "kwargs", "message"), [
    ([[1, 2, 3], [0.5, 1, 2]], {}, "must be square"),
    ([1, 2, 3], {}, "2-dimensional"),
    (np.ones((0, 0)), {}, "at least one"),
    ([[1, -2], [-0.5, 1]], {}, "positive finite"),
    ([[1, 0], [0, 1]], {}, "positive finite"),
    ([[1, np.nan], [np.nan, 1]], {}, "positive finite"),
    ([[1, 3], [3, 1]], {}, r"reciprocal .*a\[0\]\[1\] = 3 but a\[1\]\[0\] = 3"),
    ([[1, 3], [0.33, 1]], {}, "reciprocal"),
    ([[2, 1], [1, 1]], {}, "reciprocal"),
    (np.ones((16, 16)), {}, "stops at n = 15"),
    (THREE, {"method": "power"}, "method must be one of eigenvector, arithmetic, geometric"),
    (THREE, {"ri": "alonso"}, "ri must be one of saaty, chinese, tummala_ling"),
])
def test_ahp_refuses_bad_input_clearly(pairwise, kwargs, message):
    with pytest.raises(EngineError, match=message):
        ahp_weights(pairwise, **kwargs)


# ---------------------------------------------------------------------------------------------
# Entropy method
# ---------------------------------------------------------------------------------------------

def test_entropy_raw_reproduces_xu_2004():
    """Printed: X. Xu, "A note on the subjective and objective integrated approach to determine
    attribute weights", EJOR 156(2), 2004, 530–532 — weights .4630, .3992, .1378, .0000 from
    raw-data proportions, as transcribed in pyrepo-mcda's tests
    (github.com/energyinpython/pyrepo-mcda, tests/test_weighting_methods.py)."""
    data = [[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]]
    weights = entropy_weights(data, [1, 1, 1, 1], variant="raw")
    assert weights == pytest.approx([0.4630, 0.3992, 0.1378, 0.0000], abs=5e-5)


def test_entropy_raw_reproduces_zavadskas_podvezko_2016():
    """Printed: E. K. Zavadskas & V. Podvezko, "Integrated determination of objective criteria
    weights in MCDM", Int. J. Information Technology & Decision Making 15(2), 2016, 267–283 —
    weights .1146, .1981, .4185, .2689 from raw-data proportions (the raw variant ignores the
    directions, which there are cost, benefit, cost, benefit), as transcribed in pyrepo-mcda's
    tests (tests/test_weighting_methods.py)."""
    data = [[3.0, 100, 10, 7], [2.5, 80, 8, 5], [1.8, 50, 20, 11], [2.2, 70, 12, 9]]
    weights = entropy_weights(data, [-1, 1, -1, 1], variant="raw")
    assert weights == pytest.approx([0.1146, 0.1981, 0.4185, 0.2689], abs=5e-5)


def _entropy(p):
    return -sum(x * math.log(x) for x in p if x > 0) / math.log(len(p))


def test_entropy_minmax_hand_computed():
    """Hand-computed, units × (benefit, cost) = [[2, 10], [4, 20], [8, 30]].

    Min-max: benefit (x − 2)/6 = (0, 1/3, 1); cost (30 − x)/20 = (1, 1/2, 0).
    Proportions: p1 = (0, 1/4, 3/4), p2 = (2/3, 1/3, 0); with 0·ln 0 = 0 and k = 1/ln 3,
    e1 = −(¼ ln ¼ + ¾ ln ¾)/ln 3 ≈ 0.511859, e2 = −(⅔ ln ⅔ + ⅓ ln ⅓)/ln 3 ≈ 0.579380;
    d = (0.488141, 0.420620); w = d/Σd ≈ (0.537150, 0.462850).
    """
    d1 = 1 - _entropy([0, 1 / 4, 3 / 4])
    d2 = 1 - _entropy([2 / 3, 1 / 3, 0])
    weights = entropy_weights([[2, 10], [4, 20], [8, 30]], [1, -1])
    assert weights == pytest.approx([d1 / (d1 + d2), d2 / (d1 + d2)], rel=1e-12)
    assert weights == pytest.approx([0.537150, 0.462850], abs=1e-6)


def test_entropy_shifted_hand_computed():
    """Hand-computed, same data, y = 0.998·x' + 0.002: y1 = (0.002, 0.334667, 1.0),
    y2 = (1.0, 0.501, 0.002); p = y/Σy and the same e, d, w steps (no p is 0 any more)."""
    y1 = [0.002, 0.998 / 3 + 0.002, 1.0]
    y2 = [1.0, 0.501, 0.002]
    d1 = 1 - _entropy([y / sum(y1) for y in y1])
    d2 = 1 - _entropy([y / sum(y2) for y in y2])
    weights = entropy_weights([[2, 10], [4, 20], [8, 30]], [1, -1], variant="shifted")
    assert weights == pytest.approx([d1 / (d1 + d2), d2 / (d1 + d2)], rel=1e-12)
    custom = entropy_weights([[2, 10], [4, 20], [8, 30]], [1, -1], variant="shifted",
                             shift=(1.0, 0.0))
    assert custom == pytest.approx(entropy_weights([[2, 10], [4, 20], [8, 30]], [1, -1]))


@pytest.mark.parametrize("variant", ENTROPY_VARIANTS)
def test_entropy_gives_a_constant_column_weight_zero(variant):
    """A constant column has p = 1/m everywhere, e = 1, d = 0: weight exactly 0."""
    weights = entropy_weights([[5, 1], [5, 2], [5, 4]], [1, 1], variant=variant)
    assert weights.tolist() == [0.0, 1.0]


def test_entropy_gives_an_all_zero_raw_column_weight_zero():
    weights = entropy_weights([[0, 1], [0, 2], [0, 4]], [1, 1], variant="raw")
    assert weights.tolist() == [0.0, 1.0]


@pytest.mark.parametrize("variant", ENTROPY_VARIANTS)
def test_entropy_falls_back_to_equal_weights_when_nothing_separates_the_units(variant):
    """Every d_j = 0: the documented fallback is 1/n each, not 0/0."""
    weights = entropy_weights([[3, 7, 0], [3, 7, 0]], [1, -1, 1], variant=variant)
    assert weights == pytest.approx([1 / 3, 1 / 3, 1 / 3])


@settings(deadline=None)
@given(data_matrices(), st.sampled_from(ENTROPY_VARIANTS))
def test_entropy_weights_are_non_negative_and_sum_to_one(case, variant):
    data, directions = case
    weights = entropy_weights(data, directions, variant=variant)
    assert np.all(weights >= 0)
    assert weights.sum() == pytest.approx(1.0)


@settings(deadline=None)
@given(data_matrices(), st.sampled_from(ENTROPY_VARIANTS), st.data())
def test_entropy_is_invariant_to_scaling_a_column(case, variant, draw):
    data, directions = case
    column = draw.draw(st.integers(0, data.shape[1] - 1))
    factor = draw.draw(st.floats(0.01, 100.0))
    scaled = data.copy()
    scaled[:, column] *= factor
    assert entropy_weights(scaled, directions, variant=variant) == pytest.approx(
        entropy_weights(data, directions, variant=variant), rel=1e-6, abs=1e-9)


@settings(deadline=None)
@given(data_matrices(), st.sampled_from(ENTROPY_VARIANTS), st.randoms())
def test_entropy_is_invariant_to_the_order_of_units(case, variant, random):
    data, directions = case
    order = list(range(data.shape[0]))
    random.shuffle(order)
    assert entropy_weights(data[order], directions, variant=variant) == pytest.approx(
        entropy_weights(data, directions, variant=variant), rel=1e-9, abs=1e-12)


@settings(deadline=None)
@given(data_matrices(), st.sampled_from(ENTROPY_VARIANTS), st.randoms())
def test_entropy_permuting_indicators_permutes_the_weights(case, variant, random):
    data, directions = case
    order = list(range(data.shape[1]))
    random.shuffle(order)
    original = entropy_weights(data, directions, variant=variant)
    assert entropy_weights(data[:, order], directions[order], variant=variant) == (
        pytest.approx(original[order], rel=1e-9, abs=1e-12))


@pytest.mark.parametrize(("matrix", "directions", "kwargs", "message"), [
    ([[1, -2], [3, 4]], [1, 1], {"variant": "raw"}, "non-negative"),
    ([[1, 2]], [1, 1], {}, "at least two units"),
    (np.ones((3, 0)), [], {}, "at least one indicator"),
    ([[1, np.nan], [3, 4]], [1, 1], {}, "finite values"),
    ([[1, 2], [3, 4]], [1, 1], {"variant": "log"}, "variant must be one of minmax, raw, shifted"),
    ([[1, 2], [3, 4]], [1, 1], {"variant": "shifted", "shift": (0.0, 0.1)}, "a > 0"),
    ([[1, 2], [3, 4]], [1, 1], {"variant": "shifted", "shift": (1.0, -0.1)}, "b >= 0"),
    ([[1, 2], [3, 4]], [1, 1], {"variant": "shifted", "shift": (1.0,)}, "two numbers"),
    ([[1, 2], [3, 4]], [1, 2], {}, "directions"),
    ([[1, 2], [3, 4]], [1], {}, "2 items"),
])
def test_entropy_refuses_bad_input_clearly(matrix, directions, kwargs, message):
    with pytest.raises(EngineError, match=message):
        entropy_weights(matrix, directions, **kwargs)


# ---------------------------------------------------------------------------------------------
# CRITIC
# ---------------------------------------------------------------------------------------------

# Time-and-attendance software selection: price (lower is better) and five scored criteria,
# from A. Tuş & E. Aytaç Adalı, "The new combination with CRITIC and WASPAS methods for the time
# and attendance software selection problem", OPSEARCH 56(2), 2019, 528–538.
SOFTWARE = [[5000, 3, 3, 4, 3, 2], [680, 5, 3, 2, 2, 1], [2000, 3, 2, 3, 4, 3],
            [600, 4, 3, 1, 2, 2], [800, 2, 4, 3, 3, 4]]


def test_critic_reproduces_tus_aytac_adali_2019():
    """Printed: Tuş & Aytaç Adalı (2019), CRITIC weights .157, .249, .168, .121, .154, .151, as
    transcribed in pyrepo-mcda's tests (tests/test_weighting_methods.py).

    Those figures come out when every column, price included, is min-max standardized as
    higher-is-better — which is how pyrepo-mcda reproduces them — so this test passes +1
    throughout. Treating price as a cost column flips the sign of its correlations and gives
    other weights (next test).
    """
    weights = critic_weights(SOFTWARE, [1, 1, 1, 1, 1, 1])
    assert weights == pytest.approx([0.157, 0.249, 0.168, 0.121, 0.154, 0.151], abs=5e-4)


def test_critic_direction_changes_the_correlations_not_the_spread():
    """Not a printed example. Reversing price keeps every σ_j but negates r_price,k, so the
    weights differ from the printed ones; the figures pinned here (≈ .184, .213, .142, .158,
    .168, .134) are the formula's output, cross-checked with a separate plain-numpy
    computation of the same formula."""
    weights = critic_weights(SOFTWARE, [-1, 1, 1, 1, 1, 1])
    assert weights == pytest.approx([0.1841, 0.2130, 0.1422, 0.1583, 0.1684, 0.1340], abs=5e-5)


def test_critic_hand_computed():
    """Hand-computed, units × (benefit, benefit, cost) = [[0, 0, 0], [5, 10, 4], [10, 5, 2]].

    Min-max: x'1 = (0, ½, 1), x'2 = (0, 1, ½), x'3 = (4 − x)/4 = (1, 0, ½).
    Each column has mean ½ and deviations of ±½ and 0, so σ_j = √((¼ + 0 + ¼)/2) = ½ (ddof 1).
    Centred: (−½, 0, ½), (−½, ½, 0), (½, −½, 0), each of squared norm ½, so
    r12 = ¼/½ = ½, r13 = −¼/½ = −½, r23 = (−¼ − ¼)/½ = −1.
    C1 = ½·(0 + ½ + 3/2) = 1, C2 = ½·(½ + 0 + 2) = 5/4, C3 = ½·(3/2 + 2 + 0) = 7/4; ΣC = 4,
    w = (1/4, 5/16, 7/16).
    """
    weights = critic_weights([[0, 0, 0], [5, 10, 4], [10, 5, 2]], [1, 1, -1])
    assert weights == pytest.approx([0.25, 0.3125, 0.4375], rel=1e-12)


def test_critic_gives_a_constant_column_weight_zero():
    """Its σ is 0 and its r is taken as 0 with every column, so C = 0.

    Hand-computed: with (1, 2, 3) beside the constant, x' = (0, ½, 1), σ = ½, and
    C = ½·((1 − 1) + (1 − 0)) = ½ > 0, so the varying column takes all the weight.
    """
    weights = critic_weights([[7, 1], [7, 2], [7, 3]], [1, -1])
    assert weights.tolist() == [0.0, 1.0]


@pytest.mark.parametrize(("matrix", "directions"), [
    ([[1.0], [2.0], [4.0]], [1]),
    ([[7, 3], [7, 3], [7, 3]], [1, -1]),
    ([[1, 2, 9], [2, 4, 7], [3, 6, 5]], [1, 1, -1]),
])
def test_critic_falls_back_to_equal_weights_when_every_c_is_zero(matrix, directions):
    """One indicator, only constant columns, or perfectly (positively) correlated standardized
    columns: every C_j = 0, and the documented fallback is 1/n each."""
    weights = critic_weights(matrix, directions)
    n = len(directions)
    assert weights == pytest.approx([1 / n] * n)


@settings(deadline=None)
@given(data_matrices())
def test_critic_weights_are_non_negative_and_sum_to_one(case):
    data, directions = case
    weights = critic_weights(data, directions)
    assert np.all(weights >= 0)
    assert weights.sum() == pytest.approx(1.0)


@settings(deadline=None)
@given(data_matrices(), st.data())
def test_critic_is_invariant_to_scaling_a_column(case, draw):
    data, directions = case
    column = draw.draw(st.integers(0, data.shape[1] - 1))
    factor = draw.draw(st.floats(0.01, 100.0))
    scaled = data.copy()
    scaled[:, column] *= factor
    assert critic_weights(scaled, directions) == pytest.approx(
        critic_weights(data, directions), rel=1e-6, abs=1e-9)


@settings(deadline=None)
@given(data_matrices(), st.randoms())
def test_critic_is_invariant_to_the_order_of_units(case, random):
    data, directions = case
    order = list(range(data.shape[0]))
    random.shuffle(order)
    assert critic_weights(data[order], directions) == pytest.approx(
        critic_weights(data, directions), rel=1e-9, abs=1e-12)


@settings(deadline=None)
@given(data_matrices(), st.randoms())
def test_critic_permuting_indicators_permutes_the_weights(case, random):
    data, directions = case
    order = list(range(data.shape[1]))
    random.shuffle(order)
    original = critic_weights(data, directions)
    assert critic_weights(data[:, order], directions[order]) == pytest.approx(
        original[order], rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(("matrix", "directions", "message"), [
    ([[1, 2]], [1, 1], "CRITIC needs at least two units"),
    (np.ones((2, 0)), [], "at least one indicator"),
    ([[1, np.inf], [3, 4]], [1, 1], "finite values"),
    ([1, 2, 3], [1], "2-dimensional"),
    ([[1, 2], [3, 4]], [1, 0], "directions"),
])
def test_critic_refuses_bad_input_clearly(matrix, directions, message):
    with pytest.raises(EngineError, match=message):
        critic_weights(matrix, directions)


def test_a_consistent_judgment_never_shows_a_negative_consistency():
    """λmax ≥ n in exact arithmetic; rounding left it a hair below n for this consistent
    matrix (w = 0.5, 0.3, 0.2), and the plan editor showed CR = -0.000000."""
    w = [0.5, 0.3, 0.2]
    consistent = [[wi / wj for wj in w] for wi in w]
    for method in ("eigenvector", "arithmetic", "geometric"):
        result = ahp_weights(consistent, method=method)
        assert result.lambda_max >= 3.0
        assert result.ci >= 0.0 and result.cr >= 0.0
        assert f"{result.cr:.6f}" == "0.000000"
