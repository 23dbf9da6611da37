"""The engine's public names are a contract (issue 3): adding or removing one is deliberate."""

import pacesetter.engine as engine


def test_the_public_names_are_pinned():
    assert engine.__all__ == [
        "AhpResult", "EngineError", "MultiSourceResult", "RankIntervals", "SurveyIndex",
        "ahp_weights", "aspect_indexes", "band_of", "critic_weights", "entropy_weights",
        "fuzzy_evaluate", "multi_source_composite", "normalize", "panel_score",
        "quota_allowed", "quota_excess", "rank", "rank_intervals", "rank_within",
        "rollup", "satisfaction_index", "topsis", "trimmed_mean",
        "weighted_sum",
    ]


def test_every_public_name_is_defined_in_a_private_module():
    for name in engine.__all__:
        member = getattr(engine, name)
        assert member.__module__.startswith("pacesetter.engine._"), name
