"""weighted_sum(), topsis() and fuzzy_evaluate(): worked examples, invariances, refusals.

Where a test says "printed", the expected numbers are copied from a published example and were
checked against the source named in the test; where it says "hand-computed", the arithmetic is
shown in the docstring and no published source is claimed.
"""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from pacesetter.engine._aggregate import fuzzy_evaluate, topsis, weighted_sum
from pacesetter.engine._types import EngineError

# --- strategies --------------------------------------------------------------------------------

positive = st.floats(min_value=1.0, max_value=100.0)
unit_interval = st.floats(min_value=0.0, max_value=1.0)
weight = st.floats(min_value=0.01, max_value=1.0)
shapes = st.tuples(st.integers(2, 6), st.integers(1, 4))


@st.composite
def decision_problems(draw, elements=positive):
    """A units × indicators matrix with matching weights and directions."""
    units, columns = draw(shapes)
    matrix = draw(arrays(np.float64, (units, columns), elements=elements))
    weights = draw(arrays(np.float64, (columns,), elements=weight))
    directions = draw(arrays(np.float64, (columns,), elements=st.sampled_from([1.0, -1.0])))
    return matrix, weights, directions


@st.composite
def fuzzy_problems(draw, batch=False):
    """Weights over n factors and an n × m (or units × n × m) membership array."""
    factors, grades = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    shape = (draw(st.integers(1, 4)), factors, grades) if batch else (factors, grades)
    weights = draw(arrays(np.float64, (factors,), elements=unit_interval))
    memberships = draw(arrays(np.float64, shape, elements=unit_interval))
    return weights, memberships


OPERATORS = ["weighted_average", "min_max", "product_max", "bounded_sum"]


# --- weighted_sum ------------------------------------------------------------------------------

def test_weighted_sum_adds_weighted_scores_per_unit():
    """Hand-computed: 0.4·0.5 + 0.6·1.0 = 0.8 and 0.4·1.0 + 0.6·0.0 = 0.4."""
    totals = weighted_sum([[0.5, 1.0], [1.0, 0.0]], [0.4, 0.6])
    assert totals == pytest.approx([0.8, 0.4])


def test_weighted_sum_uses_the_weights_as_given_without_renormalizing():
    """Weights 2 and 2 double the totals of weights 1 and 1: nothing rescales them to sum to 1."""
    matrix = [[0.5, 1.0], [1.0, 0.0]]
    assert weighted_sum(matrix, [2, 2]) == pytest.approx(2 * weighted_sum(matrix, [1, 1]))


def test_a_missing_score_makes_only_that_units_total_missing():
    totals = weighted_sum([[np.nan, 1.0], [1.0, 1.0]], [0.5, 0.5])
    assert np.isnan(totals[0])
    assert totals[1] == 1.0


def test_a_missing_score_stays_missing_even_under_a_zero_weight():
    """NaN · 0 is NaN: a unit that lacks a score is never quietly given a total."""
    assert np.isnan(weighted_sum([[np.nan, 1.0]], [0.0, 1.0])[0])


@given(decision_problems(elements=st.floats(-1e3, 1e3)), st.data(),
       st.floats(-10, 10), st.floats(-10, 10))
def test_weighted_sum_is_linear_in_the_scores(problem, data, a, b):
    """weighted_sum(aX + bY, w) = a·weighted_sum(X, w) + b·weighted_sum(Y, w)."""
    x, weights, _ = problem
    y = data.draw(arrays(np.float64, x.shape, elements=st.floats(-1e3, 1e3)))
    combined = weighted_sum(a * x + b * y, weights)
    separate = a * weighted_sum(x, weights) + b * weighted_sum(y, weights)
    np.testing.assert_allclose(combined, separate, rtol=1e-9, atol=1e-6)


@given(decision_problems(elements=st.floats(-1e3, 1e3)), st.floats(0, 10), st.floats(0, 10))
def test_weighted_sum_is_linear_in_the_weights(problem, a, b):
    """weighted_sum(X, a·u + b·v) = a·weighted_sum(X, u) + b·weighted_sum(X, v)."""
    x, u, _ = problem
    v = u[::-1].copy()
    combined = weighted_sum(x, a * u + b * v)
    separate = a * weighted_sum(x, u) + b * weighted_sum(x, v)
    np.testing.assert_allclose(combined, separate, rtol=1e-9, atol=1e-6)


# --- TOPSIS: worked examples -------------------------------------------------------------------

FIGHTER_AIRCRAFT = [
    # max speed (Mach), ferry range (NM), max payload (lb), purchase cost ($M),
    # reliability, maneuverability
    [2.0, 1500, 20000, 5.5, 5, 9],
    [2.5, 2700, 18000, 6.5, 3, 5],
    [1.8, 2000, 21000, 4.5, 7, 7],
    [2.2, 1800, 20000, 5.0, 5, 5],
]
FIGHTER_WEIGHTS = [0.2, 0.1, 0.1, 0.1, 0.2, 0.3]
FIGHTER_DIRECTIONS = [1, 1, 1, -1, 1, 1]  # purchase cost is the one lower-is-better attribute


def test_topsis_reproduces_hwang_and_yoons_fighter_aircraft_example():
    """Printed: Hwang & Yoon, *Multiple Attribute Decision Making: Methods and Applications*
    (Springer, 1981), pp. 133–134 — the fighter-aircraft problem, relative closeness
    C* = (0.643, 0.268, 0.613, 0.312), ranking A1 > A3 > A4 > A2.

    The page itself was not available here; the data and the printed values were taken from two
    independent reproductions that cite those pages and agree with each other: the test suite of
    github.com/ldss-hse/ldss-benchmark (``test_ideal_alternatives``, "TOPSIS book, page 133") and
    a comparison script written against mcdajs (``pdfResults.scores``).

    The book rounds its intermediate tables to four places (its normalized purchase cost of A1
    is 0.5063, where 5.5/√117.75 = 0.5069), so exact arithmetic gives A3 = 0.61354, printed as
    0.613; the comparison is to the printed three places with a tolerance of 1e-3.
    """
    closeness = topsis(FIGHTER_AIRCRAFT, FIGHTER_WEIGHTS, FIGHTER_DIRECTIONS)
    assert closeness == pytest.approx([0.643, 0.268, 0.613, 0.312], abs=1e-3)
    assert list(np.argsort(-closeness)) == [0, 2, 3, 1]


def test_topsis_reproduces_tzeng_and_huangs_example():
    """Printed: Tzeng & Huang, *Multiple Attribute Decision Making: Methods and Applications*
    (CRC Press, 2011) — four alternatives, three benefit attributes, weights (0.3, 0.4, 0.3),
    closeness (0.5037, 0.6581, 0.7482, 0.3340).

    The book itself was not available here; data and values are as reproduced in scikit-criteria's
    test suite (tests/agg/test_similarity.py, ``test_TOPSIS_tzeng2011multiple``), which cites it.
    """
    matrix = [[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]]
    closeness = topsis(matrix, [0.3, 0.4, 0.3], [1, 1, 1])
    assert closeness == pytest.approx([0.5037, 0.6581, 0.7482, 0.3340], abs=1e-4)


# Hand-computed example with one benefit and one cost column, equal weights.
#   benefit column (3, 4, 0), cost column (0, 3, 4)
SMALL = [[3.0, 0.0], [4.0, 3.0], [0.0, 4.0]]
SMALL_DIRECTIONS = [1, -1]


def test_topsis_vector_normalization_takes_the_minimum_as_ideal_for_a_cost_column():
    """Hand-computed (no published source). Both column norms are 5, so
    v = [[0.6, 0.0], [0.8, 0.6], [0.0, 0.8]].
    Benefit column: ideal 0.8, anti-ideal 0. Cost column: ideal 0 (the minimum), anti-ideal 0.8.

    - A: S⁺ = √(0.2² + 0²) = 0.2,   S⁻ = √(0.6² + 0.8²) = 1,    C = 1/1.2 = 5/6
    - B: S⁺ = √(0² + 0.6²) = 0.6,   S⁻ = √(0.8² + 0.2²) = √0.68, C = √0.68/(0.6 + √0.68)
    - C: S⁺ = √(0.8² + 0.8²),       S⁻ = 0,                      C = 0
    """
    closeness = topsis(SMALL, [1, 1], SMALL_DIRECTIONS, normalization="vector")
    root = np.sqrt(0.68)
    assert closeness == pytest.approx([5 / 6, root / (0.6 + root), 0.0])


def test_topsis_minmax_normalization_already_turned_cost_columns_so_the_ideal_is_the_maximum():
    """Hand-computed (no published source). minmax gives benefit (x − 0)/4 = (0.75, 1, 0) and
    cost (4 − x)/4 = (1, 0.25, 0); every column now has 1 as best, so ideal = (1, 1) and
    anti-ideal = (0, 0) — taking the minimum of the turned cost column would be wrong.

    - A (0.75, 1):   S⁺ = 0.25, S⁻ = √(0.75² + 1²) = 1.25,        C = 1.25/1.5 = 5/6
    - B (1, 0.25):   S⁺ = 0.75, S⁻ = √(1² + 0.25²) = √1.0625,    C = √1.0625/(0.75 + √1.0625)
    - C (0, 0):      S⁺ = √2,   S⁻ = 0,                          C = 0
    """
    closeness = topsis(SMALL, [1, 1], SMALL_DIRECTIONS, normalization="minmax")
    root = np.sqrt(1.0625)
    assert closeness == pytest.approx([5 / 6, root / (0.75 + root), 0.0])


def test_topsis_gives_every_unit_one_when_all_units_are_identical():
    """S⁺ + S⁻ = 0 for every unit: the ideal is the anti-ideal, and each unit is as good as it."""
    for normalization in ("vector", "minmax"):
        closeness = topsis([[2.0, 5.0], [2.0, 5.0]], [0.5, 0.5], [1, -1],
                           normalization=normalization)
        assert closeness.tolist() == [1.0, 1.0]


def test_topsis_ignores_a_column_with_zero_weight():
    with_noise = topsis([[1.0, 9.0], [2.0, 1.0]], [1.0, 0.0], [1, 1])
    assert with_noise.tolist() == [0.0, 1.0]


def test_topsis_gives_a_unit_with_a_missing_value_a_missing_closeness():
    closeness = topsis([[1.0, 2.0], [2.0, np.nan], [3.0, 1.0]], [0.5, 0.5], [1, 1])
    assert np.isnan(closeness[1])
    assert np.all((closeness[[0, 2]] >= 0) & (closeness[[0, 2]] <= 1))


def test_topsis_of_no_units_is_empty():
    assert topsis(np.zeros((0, 2)), [0.5, 0.5], [1, -1]).shape == (0,)


# --- TOPSIS: properties ------------------------------------------------------------------------

@pytest.mark.parametrize("normalization", ["vector", "minmax"])
@given(problem=decision_problems(elements=st.floats(-1e6, 1e6)))
def test_topsis_closeness_lies_in_zero_one(normalization, problem):
    matrix, weights, directions = problem
    closeness = topsis(matrix, weights, directions, normalization=normalization)
    assert np.all((closeness >= 0) & (closeness <= 1))


@pytest.mark.parametrize("normalization", ["vector", "minmax"])
@given(problem=decision_problems())
def test_the_unit_best_on_every_indicator_gets_one_and_the_worst_gets_zero(normalization,
                                                                            problem):
    """Append a unit holding each column's best value and one holding each column's worst."""
    matrix, weights, directions = problem
    high, low = matrix.max(axis=0), matrix.min(axis=0)
    assume(np.any(high > low))
    best = np.where(directions > 0, high, low)
    worst = np.where(directions > 0, low, high)
    closeness = topsis(np.vstack([matrix, best, worst]), weights, directions,
                       normalization=normalization)
    assert closeness[-2] == 1.0
    assert closeness[-1] == 0.0


@pytest.mark.parametrize("normalization", ["vector", "minmax"])
@given(problem=decision_problems(), data=st.data())
def test_permuting_units_permutes_their_closeness(normalization, problem, data):
    matrix, weights, directions = problem
    order = np.array(data.draw(st.permutations(range(matrix.shape[0]))))
    original = topsis(matrix, weights, directions, normalization=normalization)
    permuted = topsis(matrix[order], weights, directions, normalization=normalization)
    np.testing.assert_allclose(permuted, original[order], rtol=1e-9, atol=1e-12)


@given(problem=decision_problems(), data=st.data(), factor=st.floats(0.01, 100))
def test_vector_closeness_does_not_change_when_a_column_is_rescaled(problem, data, factor):
    """Vector normalization divides by the column norm, so x ↦ c·x (c > 0) cancels out."""
    matrix, weights, directions = problem
    column = data.draw(st.integers(0, matrix.shape[1] - 1))
    rescaled = matrix.copy()
    rescaled[:, column] *= factor
    np.testing.assert_allclose(topsis(rescaled, weights, directions),
                               topsis(matrix, weights, directions), rtol=1e-9, atol=1e-12)


# --- fuzzy comprehensive evaluation: worked examples -------------------------------------------

# 服装评判: factors 花色, 式样, 耐穿程度, 价格; grades 很欢迎, 较欢迎, 不太欢迎, 不欢迎.
CLOTHING = [
    [0.2, 0.5, 0.2, 0.1],
    [0.7, 0.2, 0.1, 0.0],
    [0.0, 0.4, 0.5, 0.1],
    [0.2, 0.3, 0.5, 0.0],
]
FIRST_CUSTOMER = [0.1, 0.2, 0.3, 0.4]
SECOND_CUSTOMER = [0.4, 0.35, 0.15, 0.1]


def test_min_max_reproduces_the_printed_clothing_example():
    """Printed: the 服装评判 example of Chinese fuzzy-evaluation texts, model M(∧, ∨)
    (主因素决定型): B₁ = (0.2, 0.3, 0.4, 0.1) for the first kind of customer and
    B₂ = (0.35, 0.4, 0.2, 0.1) for the second ("不太欢迎" and "比较欢迎" by maximum membership).

    Checked against the reproduction at e-com-net.com/article/1276296104417181696.htm (a
    textbook's MATLAB "Example8_4" with its printed output); the book was not identified.
    The printed B₂ sums to 1.05, so it is the unnormalized B.
    """
    first = fuzzy_evaluate(FIRST_CUSTOMER, CLOTHING, operator="min_max", normalize=False)
    second = fuzzy_evaluate(SECOND_CUSTOMER, CLOTHING, operator="min_max", normalize=False)
    assert first == pytest.approx([0.2, 0.3, 0.4, 0.1])
    assert second == pytest.approx([0.35, 0.4, 0.2, 0.1])
    normalized = fuzzy_evaluate(SECOND_CUSTOMER, CLOTHING, operator="min_max")
    assert normalized == pytest.approx(np.array([0.35, 0.4, 0.2, 0.1]) / 1.05)


def test_weighted_average_on_the_clothing_example():
    """Hand-computed, M(·, +), first customer: b_j = Σ_i w_i r_ij
    b₁ = 0.1·0.2 + 0.2·0.7 + 0.3·0 + 0.4·0.2 = 0.24
    b₂ = 0.1·0.5 + 0.2·0.2 + 0.3·0.4 + 0.4·0.3 = 0.33
    b₃ = 0.1·0.2 + 0.2·0.1 + 0.3·0.5 + 0.4·0.5 = 0.39
    b₄ = 0.1·0.1 + 0.2·0 + 0.3·0.1 + 0.4·0 = 0.04      (sum 1: normalizing changes nothing)
    """
    expected = [0.24, 0.33, 0.39, 0.04]
    assert fuzzy_evaluate(FIRST_CUSTOMER, CLOTHING, normalize=False) == pytest.approx(expected)
    assert fuzzy_evaluate(FIRST_CUSTOMER, CLOTHING) == pytest.approx(expected)


def test_product_max_on_the_clothing_example():
    """Hand-computed, M(·, ∨), first customer: b_j = max_i w_i r_ij
    b₁ = max(0.02, 0.14, 0, 0.08) = 0.14;   b₂ = max(0.05, 0.04, 0.12, 0.12) = 0.12
    b₃ = max(0.02, 0.02, 0.15, 0.20) = 0.20; b₄ = max(0.01, 0, 0.03, 0) = 0.03
    Sum 0.49, so normalized B = (0.14, 0.12, 0.20, 0.03)/0.49.
    """
    raw = fuzzy_evaluate(FIRST_CUSTOMER, CLOTHING, operator="product_max", normalize=False)
    assert raw == pytest.approx([0.14, 0.12, 0.20, 0.03])
    shares = fuzzy_evaluate(FIRST_CUSTOMER, CLOTHING, operator="product_max")
    assert shares == pytest.approx(np.array([0.14, 0.12, 0.20, 0.03]) / 0.49)


def test_bounded_sum_on_the_clothing_example():
    """Hand-computed, M(∧, ⊕), first customer: b_j = min(1, Σ_i min(w_i, r_ij))
    b₁ = 0.1 + 0.2 + 0 + 0.2 = 0.5;   b₂ = 0.1 + 0.2 + 0.3 + 0.3 = 0.9
    b₃ = 0.1 + 0.1 + 0.3 + 0.4 = 0.9; b₄ = 0.1 + 0 + 0.1 + 0 = 0.2     (none reaches the cap)
    """
    raw = fuzzy_evaluate(FIRST_CUSTOMER, CLOTHING, operator="bounded_sum", normalize=False)
    assert raw == pytest.approx([0.5, 0.9, 0.9, 0.2])


def test_bounded_sum_caps_each_grade_at_one():
    """Hand-computed: min(0.6, 0.7) + min(0.6, 0.8) = 1.2 is capped to 1; 0.3 + 0.2 = 0.5."""
    raw = fuzzy_evaluate([0.6, 0.6], [[0.7, 0.3], [0.8, 0.2]], operator="bounded_sum",
                         normalize=False)
    assert raw == pytest.approx([1.0, 0.5])


def test_an_all_zero_evaluation_stays_zero_when_normalized():
    for operator in OPERATORS:
        shares = fuzzy_evaluate([0.0, 0.0], [[0.5, 0.5], [1.0, 0.0]], operator=operator)
        assert shares.tolist() == [0.0, 0.0]


def test_many_units_are_evaluated_at_once():
    """A units × factors × grades array gives one B per unit, here the clothing matrix and the
    same matrix with its grades reversed."""
    reversed_grades = np.array(CLOTHING)[:, ::-1]
    batch = fuzzy_evaluate(FIRST_CUSTOMER, [CLOTHING, reversed_grades], operator="min_max",
                           normalize=False)
    assert batch.shape == (2, 4)
    np.testing.assert_allclose(batch, [[0.2, 0.3, 0.4, 0.1], [0.1, 0.4, 0.3, 0.2]])


# --- fuzzy comprehensive evaluation: properties ------------------------------------------------

@pytest.mark.parametrize("operator", OPERATORS)
@given(problem=fuzzy_problems())
def test_fuzzy_grades_lie_in_zero_one_for_weights_summing_to_at_most_one(operator, problem):
    weights, memberships = problem
    total = weights.sum()
    if total > 1:
        weights = weights / total
    grades = fuzzy_evaluate(weights, memberships, operator=operator, normalize=False)
    assert np.all((grades >= 0) & (grades <= 1 + 1e-12))


@pytest.mark.parametrize("operator", OPERATORS)
@given(problem=fuzzy_problems(batch=True))
def test_normalized_fuzzy_grades_sum_to_one_unless_all_zero(operator, problem):
    weights, memberships = problem
    shares = fuzzy_evaluate(weights, memberships, operator=operator)
    assert np.all((shares >= 0) & (shares <= 1 + 1e-12))
    for unit in shares:
        assert unit.sum() == pytest.approx(1.0) or not unit.any()


@pytest.mark.parametrize("operator", OPERATORS)
@pytest.mark.parametrize("normalize", [True, False])
@given(problem=fuzzy_problems(batch=True))
def test_the_batch_equals_one_call_per_unit(operator, normalize, problem):
    weights, memberships = problem
    batch = fuzzy_evaluate(weights, memberships, operator=operator, normalize=normalize)
    one_by_one = np.array([
        fuzzy_evaluate(weights, unit, operator=operator, normalize=normalize)
        for unit in memberships
    ])
    np.testing.assert_allclose(batch, one_by_one, rtol=1e-12, atol=1e-15)


# --- refusals ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("call", "message"), [
    (lambda: weighted_sum([[1.0, 2.0]], [1.0]), r"weights \(one per indicator column\) must "
                                                r"have 2 items, got 1"),
    (lambda: weighted_sum([1.0, 2.0], [1.0, 1.0]), "normalized must be 2-dimensional"),
    (lambda: weighted_sum([[1.0, 2.0]], [1.0, -0.5]), "finite and non-negative"),
    (lambda: weighted_sum([[1.0, 2.0]], [1.0, np.nan]), "finite and non-negative"),
    (lambda: topsis([[1.0, 2.0]], [1.0], [1, 1]), "must have 2 items, got 1"),
    (lambda: topsis([[1.0, 2.0]], [1.0, 1.0], [1]), "directions must have 2 items"),
    (lambda: topsis([[1.0, 2.0]], [1.0, 1.0], [1, 0]), "directions must be"),
    (lambda: topsis([[1.0, 2.0]], [1.0, -1.0], [1, 1]), "finite and non-negative"),
    (lambda: topsis([[1.0, 2.0]], [1.0, 1.0], [1, 1], normalization="zscore"),
     "normalization must be one of vector, minmax; got 'zscore'"),
    (lambda: fuzzy_evaluate([1.0], [0.5, 0.5]), "memberships must be 2-dimensional"),
    (lambda: fuzzy_evaluate([1.0], np.zeros((1, 1, 1, 1))), "or 3-dimensional"),
    (lambda: fuzzy_evaluate([0.5, 0.5], [[0.5, 0.5]]),
     r"weights \(one per factor \(row of memberships\)\) must have 1 items, got 2"),
    (lambda: fuzzy_evaluate([0.5], [[0.5, 1.5]]), r"memberships must all be in \[0, 1\]"),
    (lambda: fuzzy_evaluate([0.5], [[-0.1, 0.5]]), r"memberships must all be in \[0, 1\]"),
    (lambda: fuzzy_evaluate([0.5], [[np.nan, 0.5]]), r"memberships must all be in \[0, 1\]"),
    (lambda: fuzzy_evaluate([-0.5], [[0.5, 0.5]]), "finite and non-negative"),
    (lambda: fuzzy_evaluate([0.5], [[0.5, 0.5]], operator="max_product"),
     "operator must be one of weighted_average, min_max, product_max, bounded_sum"),
])
def test_bad_input_is_refused_clearly(call, message):
    with pytest.raises(EngineError, match=message):
        call()
