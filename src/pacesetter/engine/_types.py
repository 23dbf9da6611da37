"""Types and the one error of the engine."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ArrayLike = npt.ArrayLike


class EngineError(ValueError):
    """Input the engine cannot compute with: wrong shape, unknown method, invalid values."""


def as_matrix(values: ArrayLike, *, name: str = "matrix") -> FloatArray:
    """``values`` as a 2-D float array (units × indicators), or ``EngineError``."""
    matrix = np.asarray(values, dtype=np.float64)
    if matrix.ndim != 2:
        raise EngineError(f"{name} must be 2-dimensional, got shape {matrix.shape}")
    return matrix


def as_vector(values: ArrayLike, *, name: str = "vector", size: int | None = None) -> FloatArray:
    """``values`` as a 1-D float array, of ``size`` items when given, or ``EngineError``."""
    vector = np.asarray(values, dtype=np.float64)
    if vector.ndim != 1:
        raise EngineError(f"{name} must be 1-dimensional, got shape {vector.shape}")
    if size is not None and vector.shape[0] != size:
        raise EngineError(f"{name} must have {size} items, got {vector.shape[0]}")
    return vector


def as_directions(directions: ArrayLike, columns: int) -> FloatArray:
    """+1 (higher is better) or −1 (lower is better) per column, or ``EngineError``."""
    vector = as_vector(directions, name="directions", size=columns)
    if not np.all(np.isin(vector, (-1.0, 1.0))):
        raise EngineError("directions must be +1 (higher is better) or -1 (lower is better)")
    return vector


def choice(value: str, allowed: tuple[str, ...], *, name: str) -> str:
    if value not in allowed:
        raise EngineError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    return value


__all__ = ["ArrayLike", "EngineError", "FloatArray", "IntArray", "as_directions", "as_matrix",
           "as_vector", "choice"]
