"""The demo's survey, modelled on seed 002."""

from pacesetter.orgs import demo as orgs_demo
from pacesetter.surveys import demo
from pacesetter.surveys.models import Flag, Response, ResultSnapshot


def test_the_demo_survey_ranks_cities_and_counties_and_flags_the_bottom(db):
    orgs_demo.load(townships_per_county=1, branches_per_township=1, people_per_unit=1)
    campaign = demo.load()
    questionnaire = campaign.questionnaire
    assert questionnaire.sections.exclude(code="R").count() == 4
    assert questionnaire.items.filter(kind="rating").count() == 19
    data = ResultSnapshot.objects.get(campaign=campaign).data
    by_group = {}
    for row in data["targets"]:
        by_group.setdefault(row["group"], []).append(row)
    assert {g: len(rows) for g, rows in by_group.items()} == {"市地": 13, "县(市)": 63}
    assert sum(r["bottom"] for r in by_group["市地"]) == 3
    assert sum(r["bottom"] for r in by_group["县(市)"]) == 10
    assert 30_000 < data["responses"] < 40_000
    assert not Response.objects.extra(where=["length(choices) != 22"]).exists()
    assert Response.objects.filter(extra__has_key="remarks").exists()

    def flagged(flag):
        return Response.objects.filter(flags__gt=0).extra(
            where=["flags & %s != 0"], params=[int(flag)]).count()

    assert flagged(Flag.TOP_BURST) >= 36
    assert flagged(Flag.TOO_FAST) >= 8
    assert demo.load() is None
