"""The demo's assessment: two published months (September corrected), November open."""

from pacesetter.assessment import demo
from pacesetter.assessment.models import AssessmentPlan, PlanStatus
from pacesetter.exports.models import ExportJob
from pacesetter.notifications.models import Notification
from pacesetter.orgs import demo as orgs_demo


def test_the_demo_assessment_loads_once(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    orgs_demo.load(townships_per_county=1, branches_per_township=1, people_per_unit=1)
    assert demo.load() == {"plans": 3}
    plans = list(AssessmentPlan.objects.order_by("period__start"))
    assert [p.status for p in plans] == [PlanStatus.PUBLISHED, PlanStatus.PUBLISHED,
                                        PlanStatus.COLLECTING]
    assert [list(p.versions.values_list("number", flat=True)) for p in plans] == [
        [2, 1], [1], []]
    october = plans[1].versions.get()
    assert october.results.count() == 128
    marks = set(october.results.values_list("list_mark", flat=True))
    assert {"red", "gray", "black"} <= marks
    assert october.results.filter(vetoed=True).count() == 1
    assert october.results.exclude(rank_change=None).count() == 128
    november = plans[2].submissions
    assert november.get(unit__code="230123").status == "draft"
    assert november.filter(status="approved").count() == 127
    assert Notification.objects.filter(recipient__username="yilan_tianbao",
                                       kind="assessment.reminder").count() == 1
    assert plans[1].plan_indicators.count() == 20
    export = ExportJob.objects.get(requested_by__username="sheng")
    assert (export.status, export.rows_total, export.size > 0) == ("done", 128, True)
    assert demo.load() == {"plans": 0}
