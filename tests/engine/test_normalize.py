"""normalize(): each method's formula, its edge cases, and its invariances."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from pacesetter.engine._normalize import normalize
from pacesetter.engine._types import EngineError

MATRIX = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
matrices = st.integers(2, 6).flatmap(
    lambda m: st.integers(1, 4).flatmap(lambda n: arrays(np.float64, (m, n), elements=finite)))


def test_minmax_maps_benefit_and_cost_columns_onto_zero_one():
    """Hand-computed: (x − 1)/(3 − 1) for the benefit column, (30 − x)/(30 − 10) for the cost."""
    assert normalize(MATRIX, "minmax", [1, -1]).tolist() == [[0, 1], [0.5, 0.5], [1, 0]]


def test_minmax_maps_a_constant_column_to_one():
    assert normalize([[5.0], [5.0]], "minmax", [1]).tolist() == [[1.0], [1.0]]


def test_zscore_uses_the_stated_ddof_and_flips_cost_columns():
    population = normalize(MATRIX, "zscore", [1, -1], ddof=0)
    sample = normalize(MATRIX, "zscore", [1, -1], ddof=1)
    assert population[2, 0] == pytest.approx(1 / np.sqrt(2 / 3))
    assert sample[2, 0] == pytest.approx(1.0)
    assert sample[2, 1] == pytest.approx(-1.0)


def test_zscore_of_a_constant_column_is_zero():
    assert normalize([[4.0], [4.0]], "zscore", [1]).tolist() == [[0.0], [0.0]]


def test_efficacy_coefficient_is_60_at_unacceptable_and_100_at_satisfactory():
    """功效系数法 d = 60 + 40 (x − 不允许值)/(满意值 − 不允许值), not clipped."""
    scores = normalize(MATRIX, "efficacy", [1, -1], satisfactory=[3, 10], unacceptable=[1, 30])
    assert scores.tolist() == [[60, 100], [80, 80], [100, 60]]
    beyond = normalize([[4.0]], "efficacy", [1], satisfactory=[3], unacceptable=[1])
    assert beyond.tolist() == [[120.0]]


def test_target_caps_at_one_and_inverts_lower_is_better():
    scores = normalize(MATRIX, "target", [1, -1], targets=[2, 15])
    assert scores.tolist() == [[0.5, 1.0], [1.0, 0.75], [1.0, 0.5]]
    assert normalize([[0.0]], "target", [-1], targets=[5]).tolist() == [[1.0]]


def test_vector_normalization_divides_by_the_column_norm():
    scores = normalize(MATRIX, "vector", [1, 1])
    assert np.linalg.norm(scores, axis=0) == pytest.approx([1.0, 1.0])
    assert normalize([[0.0], [0.0]], "vector", [1]).tolist() == [[0.0], [0.0]]


def test_nan_stays_nan():
    scores = normalize([[1.0], [np.nan], [3.0]], "minmax", [1])
    assert np.isnan(scores[1, 0]) and scores[2, 0] == 1.0


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"method": "rank"}, "method must be one of"),
    ({"method": "efficacy"}, "satisfactory and unacceptable"),
    ({"method": "efficacy", "satisfactory": [1, 1], "unacceptable": [1, 2]}, "must differ"),
    ({"method": "target"}, "needs targets"),
    ({"method": "target", "targets": [0, 1]}, "positive"),
    ({"method": "zscore", "ddof": 3}, "ddof"),
    ({"method": "minmax", "directions": [1, 0]}, "directions"),
    ({"method": "minmax", "directions": [1]}, "2 items"),
])
def test_bad_parameters_are_refused_clearly(kwargs, message):
    arguments = {"directions": [1, -1], **kwargs}
    with pytest.raises(EngineError, match=message):
        normalize(MATRIX, arguments.pop("method"), arguments.pop("directions"), **arguments)


def test_a_matrix_must_be_two_dimensional():
    with pytest.raises(EngineError, match="2-dimensional"):
        normalize([1.0, 2.0], "minmax", [1])


@given(matrices)
def test_minmax_stays_within_zero_one(matrix):
    directions = np.where(np.arange(matrix.shape[1]) % 2, -1, 1)
    scores = normalize(matrix, "minmax", directions)
    assert np.all((scores >= -1e-12) & (scores <= 1 + 1e-12))


@given(matrices, st.floats(0.1, 100), st.floats(-100, 100))
def test_minmax_and_zscore_ignore_positive_affine_changes_of_scale(matrix, a, b):
    directions = np.ones(matrix.shape[1])
    for method in ("minmax", "zscore"):
        original = normalize(matrix, method, directions)
        rescaled = normalize(matrix * a + b, method, directions)
        spread = np.ptp(matrix, axis=0) * a
        comparable = spread > 1e-6 * (np.abs(matrix).max(axis=0) * a + abs(b) + 1)
        assert np.allclose(original[:, comparable], rescaled[:, comparable], atol=1e-6)


@given(matrices)
def test_a_cost_column_is_the_mirror_of_a_benefit_column(matrix):
    benefit = normalize(matrix, "minmax", np.ones(matrix.shape[1]))
    cost = normalize(matrix, "minmax", -np.ones(matrix.shape[1]))
    varying = np.ptp(matrix, axis=0) > 0
    assert np.allclose(benefit[:, varying] + cost[:, varying], 1.0)
