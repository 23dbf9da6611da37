"""The computation core: plain functions over numpy arrays, no Django.

Every scoring formula carries its formula and a published source in its docstring. Methods that
share a name differ in published practice, so each variant is an explicit parameter.
"""

from pacesetter.engine._aggregate import fuzzy_evaluate, topsis, weighted_sum
from pacesetter.engine._appraisal import (
    MultiSourceResult,
    band_of,
    multi_source_composite,
    panel_score,
    quota_allowed,
    quota_excess,
)
from pacesetter.engine._normalize import normalize
from pacesetter.engine._rank import rank, rank_within, trimmed_mean
from pacesetter.engine._rollup import rollup
from pacesetter.engine._survey import (
    RankIntervals,
    SurveyIndex,
    aspect_indexes,
    rank_intervals,
    satisfaction_index,
)
from pacesetter.engine._types import EngineError
from pacesetter.engine._weights import AhpResult, ahp_weights, critic_weights, entropy_weights

__all__ = [
    "AhpResult",
    "EngineError",
    "MultiSourceResult",
    "RankIntervals",
    "SurveyIndex",
    "ahp_weights",
    "aspect_indexes",
    "band_of",
    "critic_weights",
    "entropy_weights",
    "fuzzy_evaluate",
    "multi_source_composite",
    "normalize",
    "panel_score",
    "quota_allowed",
    "quota_excess",
    "rank",
    "rank_intervals",
    "rank_within",
    "rollup",
    "satisfaction_index",
    "topsis",
    "trimmed_mean",
    "weighted_sum",
]
