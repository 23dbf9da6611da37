"""Projects and roadshows, as their services behave: who may do what, what is refused, what
is recorded."""

import pytest

from pacesetter.audit.models import AuditEntry
from pacesetter.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from pacesetter.notifications.models import Notification
from pacesetter.projects import services
from pacesetter.projects.models import (
    ClaimState,
    Milestone,
    PresentationState,
    ProjectState,
    RoadshowState,
    Score,
)
from pacesetter.projects.services import JudgeData, MilestoneData, ProjectData
from tests.factories import user_with_role
from tests.projects.conftest import days

POINTS = {"innovation": 25, "effect": 26, "replicable": 15, "presentation": 16}


# --- projects and their lifecycle ------------------------------------------------------------

def test_a_unit_proposes_a_project_and_the_department_approves_it(running, tree):
    assert running.state == ProjectState.IN_PROGRESS
    assert running.lead_unit == tree.county_a
    assert running.proposed_by == tree.county_a
    assert [m.title for m in running.milestones.all()] == ["方案制定", "全面推开", "总结验收"]
    entries = AuditEntry.objects.filter(object_type="projects.project",
                                        object_id=str(running.pk))
    assert [e.action for e in entries.order_by("pk")] == ["create", "update", "update", "update"]


def test_the_lead_unit_cannot_approve_its_own_project(portfolio, county_admin, tree):
    project = services.project_create(actor=county_admin, portfolio=portfolio,
                                      proposed_by=tree.county_a, data=ProjectData("自提项目"))
    services.project_step(actor=county_admin, project=project, step="submit")
    with pytest.raises(PermissionDenied):
        services.project_step(actor=county_admin, project=project, step="approve")
    project.refresh_from_db()
    assert project.state == ProjectState.SUBMITTED


def test_returning_a_project_needs_a_reason_and_it_can_be_resubmitted(
        portfolio, county_admin, province_admin, tree):
    project = services.project_create(actor=county_admin, portfolio=portfolio,
                                      proposed_by=tree.county_a, data=ProjectData("自提项目"))
    services.project_step(actor=county_admin, project=project, step="submit")
    with pytest.raises(ValidationFailed):
        services.project_step(actor=province_admin, project=project, step="return")
    services.project_step(actor=province_admin, project=project, step="return",
                          note="目标不够具体")
    project.refresh_from_db()
    assert (project.state, project.review_note) == (ProjectState.RETURNED, "目标不够具体")
    services.project_step(actor=county_admin, project=project, step="submit")
    project.refresh_from_db()
    assert project.state == ProjectState.SUBMITTED


def test_a_step_from_the_wrong_state_is_refused(running, province_admin):
    with pytest.raises(Conflict):
        services.project_step(actor=province_admin, project=running, step="approve")


def test_acceptance_needs_a_grade_and_then_the_project_no_longer_changes(
        running, county_admin, province_admin):
    services.project_step(actor=county_admin, project=running, step="request_acceptance")
    with pytest.raises(ValidationFailed):
        services.project_step(actor=province_admin, project=running, step="accept")
    services.project_step(actor=province_admin, project=running, step="accept",
                          grade="excellent")
    running.refresh_from_db()
    assert (running.state, running.grade) == (ProjectState.ACCEPTED, "excellent")
    with pytest.raises(Conflict):
        services.project_update(actor=province_admin, project=running,
                                data=ProjectData("改名"))


def test_a_unit_cannot_propose_for_a_unit_it_does_not_administer(portfolio, county_admin, tree):
    with pytest.raises(PermissionDenied):
        services.project_create(actor=county_admin, portfolio=portfolio,
                                proposed_by=tree.county_b, data=ProjectData("越权"))


def test_a_bad_plan_names_each_problem_and_creates_nothing(portfolio, province_admin):
    with pytest.raises(ValidationFailed) as refused:
        services.project_create(
            actor=province_admin, portfolio=portfolio,
            data=ProjectData(" ", starts_on=days(10), deadline=days(5)),
            milestones=[MilestoneData("", days(1)), MilestoneData("晚了", days(30))])
    fields = [e["field"] for e in refused.value.extra["errors"]]
    assert fields == ["title", "deadline", "milestones.1", "milestones.2"]
    assert not portfolio.projects.exists()


# --- claims ----------------------------------------------------------------------------------

def test_two_way_selection_makes_the_first_approved_unit_the_lead(
        listed, county_admin, outsider, province_admin, tree):
    claim_a = services.claim_apply(actor=county_admin, project=listed, unit=tree.county_a,
                                   plan="在全县推开")
    claim_b = services.claim_apply(actor=outsider, project=listed, unit=tree.county_b,
                                   plan="先行试点")
    services.claim_decide(actor=province_admin, claim=claim_b, approve=True)
    services.claim_decide(actor=province_admin, claim=claim_a, approve=True)
    listed.refresh_from_db()
    assert listed.state == ProjectState.APPROVED
    assert listed.lead_unit == tree.county_b
    assert list(listed.co_units.all()) == [tree.county_a]
    claim_a.refresh_from_db()
    assert claim_a.state == ClaimState.APPROVED
    with pytest.raises(Conflict):
        services.claim_decide(actor=province_admin, claim=claim_a, approve=False)


def test_a_claim_needs_a_plan_and_a_listed_project(listed, running, county_admin, tree):
    with pytest.raises(ValidationFailed):
        services.claim_apply(actor=county_admin, project=listed, unit=tree.county_a, plan=" ")
    with pytest.raises(Conflict):
        services.claim_apply(actor=county_admin, project=running, unit=tree.county_a,
                             plan="计划")


def test_a_unit_claims_only_for_units_it_administers(listed, county_admin, tree):
    with pytest.raises(PermissionDenied):
        services.claim_apply(actor=county_admin, project=listed, unit=tree.county_b,
                             plan="计划")


def test_only_the_organizer_decides_claims(listed, county_admin, tree):
    claim = services.claim_apply(actor=county_admin, project=listed, unit=tree.county_a,
                                 plan="计划")
    with pytest.raises(PermissionDenied):
        services.claim_decide(actor=county_admin, claim=claim, approve=True)


# --- progress and follow-ups -----------------------------------------------------------------

def test_a_progress_report_moves_milestones_forward_and_completes_them(running, reporter):
    second = running.milestones.get(title="全面推开")
    update = services.progress_report(actor=reporter, project=running, text="已覆盖 80% 社区",
                                      percents={second.pk: 100})
    second.refresh_from_db()
    assert (second.percent, second.done_on is not None) == (100, True)
    assert update.percents == {str(second.pk): 100}


def test_progress_never_goes_back_and_bad_percents_change_nothing(running, reporter):
    first = running.milestones.get(title="方案制定")
    third = running.milestones.get(title="总结验收")
    with pytest.raises(ValidationFailed) as refused:
        services.progress_report(actor=reporter, project=running, text="回退",
                                 percents={first.pk: 50, third.pk: 101, 999999: 10})
    assert len(refused.value.extra["errors"]) == 3
    assert not running.updates.exists()
    assert Milestone.objects.get(pk=first.pk).percent == 100


def test_another_county_cannot_report_on_the_project(running, outsider):
    with pytest.raises(PermissionDenied):
        services.progress_report(actor=outsider, project=running, text="不是我的")


def test_a_follow_up_notifies_the_owner_and_waits_for_the_reply(
        running, province_admin, county_admin, tree):
    owner_user = user_with_role("reporter", tree.county_a, person=tree.person_a)
    follow_up = services.follow_up_raise(actor=province_admin, project=running,
                                         reason="节点已逾期，请说明")
    note = Notification.objects.get(recipient=owner_user)
    assert "红色物业" in note.title and note.url.endswith(f"/projects/{running.pk}/")
    services.follow_up_reply(actor=county_admin, follow_up=follow_up, reply="本周内完成")
    follow_up.refresh_from_db()
    assert follow_up.reply == "本周内完成" and follow_up.replied_at is not None
    assert Notification.objects.filter(recipient=province_admin).exists()
    with pytest.raises(Conflict):
        services.follow_up_reply(actor=county_admin, follow_up=follow_up, reply="再答")


# --- roadshows -------------------------------------------------------------------------------

def _open(roadshow, province_admin, *projects):
    presentations = services.presentations_set(actor=province_admin, roadshow=roadshow,
                                               projects=list(projects))
    for presentation in presentations:
        services.presentation_move(actor=province_admin, presentation=presentation,
                                   state=PresentationState.OPEN)
    return presentations


def test_a_judge_scores_changes_the_score_and_is_shut_out_when_the_chair_closes(
        roadshow, running, province_admin):
    (judge,) = services.judges_add(actor=province_admin, roadshow=roadshow,
                                   judges=[JudgeData("张评委")])
    (presentation,) = _open(roadshow, province_admin, running)
    roadshow.refresh_from_db()
    assert roadshow.state == RoadshowState.LIVE
    services.score_submit(judge=judge, presentation_id=presentation.pk, points=POINTS)
    services.score_submit(judge=judge, presentation_id=presentation.pk,
                          points={**POINTS, "innovation": 29})
    score = Score.objects.get()
    assert (score.total, score.points["innovation"]) == (86.0, 29.0)
    services.presentation_move(actor=province_admin, presentation=presentation,
                               state=PresentationState.CLOSED, comment="亮点突出")
    with pytest.raises(Conflict):
        services.score_submit(judge=judge, presentation_id=presentation.pk, points=POINTS)
    assert Score.objects.get().total == 86.0


def test_points_outside_the_rubric_are_refused_by_criterion(roadshow, running, province_admin):
    (judge,) = services.judges_add(actor=province_admin, roadshow=roadshow,
                                   judges=[JudgeData("张评委")])
    (presentation,) = _open(roadshow, province_admin, running)
    with pytest.raises(ValidationFailed) as refused:
        services.score_submit(judge=judge, presentation_id=presentation.pk,
                              points={**POINTS, "innovation": 31, "effect": "好"})
    assert {e["field"] for e in refused.value.extra["errors"]} == {
        "points.innovation", "points.effect"}
    assert not Score.objects.exists()


def test_a_judge_from_the_presenting_unit_is_excluded(roadshow, running, province_admin, tree):
    (judge,) = services.judges_add(actor=province_admin, roadshow=roadshow,
                                   judges=[JudgeData("本县评委", unit=tree.township_a1)])
    (presentation,) = _open(roadshow, province_admin, running)
    with pytest.raises(PermissionDenied):
        services.score_submit(judge=judge, presentation_id=presentation.pk, points=POINTS)


def test_grade_quotas_are_enforced_per_judge(tree, province_admin, portfolio, running,
                                             approved):
    roadshow = services.roadshow_create(
        actor=province_admin, owner=tree.province, title="验收评审", held_on=days(0),
        criteria=[{"code": "total", "name": "综合", "max": 100}],
        grade_quotas={"excellent": 1})
    (judge,) = services.judges_add(actor=province_admin, roadshow=roadshow,
                                   judges=[JudgeData("李评委")])
    first, second = _open(roadshow, province_admin, running, approved)
    services.score_submit(judge=judge, presentation_id=first.pk, points={"total": 95},
                          grade="excellent")
    with pytest.raises(Conflict) as refused:
        services.score_submit(judge=judge, presentation_id=second.pk, points={"total": 96},
                              grade="excellent")
    assert refused.value.extra["errors"] == [
        {"field": "grade", "message": "您已评定 1 个“优秀”，已达名额上限。"}]
    with pytest.raises(ValidationFailed):
        services.score_submit(judge=judge, presentation_id=second.pk, points={"total": 96})
    services.score_submit(judge=judge, presentation_id=first.pk, points={"total": 95},
                          grade="excellent")
    assert Score.objects.count() == 1


def test_only_the_organizer_chairs(roadshow, county_admin, running):
    with pytest.raises(PermissionDenied):
        services.judges_add(actor=county_admin, roadshow=roadshow, judges=[JudgeData("x")])


def test_a_scoring_link_of_another_roadshow_finds_nothing(
        roadshow, running, province_admin, tree):
    other = services.roadshow_create(actor=province_admin, owner=tree.province, title="另一场",
                                     held_on=days(1), criteria=[{"code": "t", "name": "综合",
                                                                  "max": 10}])
    (judge,) = services.judges_add(actor=province_admin, roadshow=other,
                                   judges=[JudgeData("王评委")])
    (presentation,) = _open(roadshow, province_admin, running)
    with pytest.raises(NotFound):
        services.score_submit(judge=judge, presentation_id=presentation.pk, points={"t": 5})
    with pytest.raises(NotFound):
        services.judge_by_token("not-a-token")


def test_reordering_the_running_order_keeps_each_presentation(
        roadshow, running, approved, province_admin):
    first, second = services.presentations_set(actor=province_admin, roadshow=roadshow,
                                               projects=[running, approved])
    again = services.presentations_set(actor=province_admin, roadshow=roadshow,
                                       projects=[approved, running])
    assert [(p.pk, p.position) for p in again] == [(second.pk, 1), (first.pk, 2)]
    assert list(roadshow.presentations.values_list("project__title", flat=True)) == [
        "人才服务专员", "红色物业"]


# --- photos and files on progress reports -----------------------------------------------------

def test_a_report_carries_photos_and_files(running, reporter):
    from django.core.files.uploadedfile import SimpleUploadedFile

    update = services.progress_report(actor=reporter, project=running, text="现场推进会", files=[
        SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff jpeg"),
        SimpleUploadedFile("方案.docx", b"PK docx")])
    assert sorted((a.name, a.size) for a in update.attachments.all()) == [
        ("方案.docx", 7), ("现场.jpg", 8)]
    assert all(a.project_id == running.pk for a in update.attachments.all())
    entry = AuditEntry.objects.filter(object_type="projects.progressupdate").get()
    assert entry.after["files"] == ["现场.jpg", "方案.docx"]


def test_a_report_with_a_program_or_an_oversized_file_is_refused_whole(running, reporter,
                                                                       monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    monkeypatch.setattr(services, "ATTACHMENT_MAX_BYTES", 1024 * 1024)
    with pytest.raises(ValidationFailed) as refused:
        services.progress_report(actor=reporter, project=running, text="进展", files=[
            SimpleUploadedFile("setup.exe", b"MZ"),
            SimpleUploadedFile("大图.png", b"\x89PNG" + b"0" * 1024 * 1024)])
    messages = [e["message"] for e in refused.value.extra["errors"]]
    assert messages == ["“setup.exe”：只能上传照片、PDF 或 Office 文件。", "“大图.png”超过 1 MB。"]
    assert running.updates.count() == 0 and running.attachments.count() == 0


# --- roadshow set-up --------------------------------------------------------------------------

def _scored(roadshow, running, province_admin):
    judge = services.judges_add(actor=province_admin, roadshow=roadshow,
                                judges=[JudgeData("评委")])[0]
    presentation = services.presentations_set(actor=province_admin, roadshow=roadshow,
                                              projects=[running])[0]
    services.presentation_move(actor=province_admin, presentation=presentation, state="open")
    services.score_submit(judge=judge, presentation_id=presentation.pk, points=POINTS)
    return judge


def test_the_set_up_changes_until_judges_score_then_the_rubric_is_frozen(
        roadshow, running, province_admin):
    from tests.projects.conftest import RUBRIC

    services.roadshow_update(actor=province_admin, roadshow=roadshow, title="第一场",
                             held_on=days(1), criteria=RUBRIC[:2], venue="报告厅",
                             drop_highest=2, drop_lowest=2,
                             groups=[("领导", 0.5), ("评委", 0.5)])
    roadshow.refresh_from_db()
    assert (roadshow.title, roadshow.venue, len(roadshow.criteria), roadshow.drop_highest) == (
        "第一场", "报告厅", 2, 2)
    assert [(g.name, g.weight) for g in roadshow.groups.all()] == [("领导", 0.5), ("评委", 0.5)]
    services.roadshow_update(actor=province_admin, roadshow=roadshow, title="第一场",
                             held_on=days(1), criteria=RUBRIC)
    _scored(roadshow, running, province_admin)
    with pytest.raises(ValidationFailed) as refused:
        services.roadshow_update(actor=province_admin, roadshow=roadshow, title="改名",
                                 held_on=days(1), criteria=RUBRIC[:3])
    assert refused.value.extra["errors"] == [
        {"field": "criteria",
         "message": "评委已开始打分，评分细则、去分规则、评委组权重和等次名额不能再修改。"}]
    roadshow.refresh_from_db()
    assert (roadshow.title, len(roadshow.criteria)) == ("第一场", 4)


def test_a_group_with_judges_stays_and_a_closed_roadshow_does_not_change(
        roadshow, running, province_admin):
    _scored(roadshow, running, province_admin)
    with pytest.raises(ValidationFailed):
        services.roadshow_update(actor=province_admin, roadshow=roadshow, title="x",
                                 held_on=days(1), criteria=roadshow.criteria,
                                 groups=[("领导", 1.0)])
    assert [g.name for g in roadshow.groups.all()] == ["评委"]
    services.roadshow_close(actor=province_admin, roadshow=roadshow)
    with pytest.raises(Conflict):
        services.roadshow_update(actor=province_admin, roadshow=roadshow, title="x",
                                 held_on=days(1), criteria=roadshow.criteria)


def test_removing_a_judge_takes_their_scores_and_link_away(roadshow, running, province_admin,
                                                           county_admin):
    judge = _scored(roadshow, running, province_admin)
    with pytest.raises(PermissionDenied):
        services.judge_remove(actor=county_admin, judge=judge)
    services.judge_remove(actor=province_admin, judge=judge)
    assert Score.objects.count() == 0
    with pytest.raises(NotFound):
        services.judge_by_token(judge.token)
    entry = AuditEntry.objects.filter(object_type="projects.judge", action="delete").get()
    assert entry.before == {"name": "评委", "group": "评委", "scores": 1}


def test_editing_milestones_keeps_those_whose_title_stays_with_their_follow_ups(
        running, reporter, province_admin):
    pushing = running.milestones.get(title="全面推开")
    services.progress_report(actor=reporter, project=running, text="推进",
                             percents={pushing.pk: 40})
    follow_up = services.follow_up_raise(actor=province_admin, project=running,
                                         reason="加快", milestone=pushing)
    plan = running.milestones.get(title="方案制定")
    # renamed by its id, moved first, and a new one added; 总结验收 (no progress) removed
    services.milestones_replace(actor=province_admin, project=running, milestones=[
        MilestoneData("全面推开（调整）", days(20), "推开方案", id=pushing.pk),
        MilestoneData("方案制定", days(-10)), MilestoneData("新增节点", days(40))])
    kept = running.milestones.get(pk=pushing.pk)
    assert (kept.title, kept.position, kept.due_on, kept.percent, kept.deliverable) == (
        "全面推开（调整）", 1, days(20), 40, "推开方案")
    assert [(m.pk == plan.pk, m.title) for m in running.milestones.all()] == [
        (False, "全面推开（调整）"), (True, "方案制定"), (False, "新增节点")]
    follow_up.refresh_from_db()
    assert follow_up.milestone_id == pushing.pk


def test_milestones_with_progress_stay_and_titles_do_not_repeat(running, province_admin):
    before = list(running.milestones.values_list("pk", "title", "percent"))
    with pytest.raises(Conflict) as refused:  # 方案制定 is done: its history stays
        services.milestones_replace(actor=province_admin, project=running,
                                    milestones=[MilestoneData("全面推开", days(5))])
    assert refused.value.message == "“方案制定”已有进展或督办，不能删除。"
    with pytest.raises(ValidationFailed) as repeated:
        services.milestones_replace(actor=province_admin, project=running, milestones=[
            MilestoneData("方案制定", days(-10)), MilestoneData("方案制定", days(5))])
    assert repeated.value.extra["errors"] == [
        {"field": "milestones.2", "message": "第 2 个节点与前面的节点重名（“方案制定”）。"}]
    assert list(running.milestones.values_list("pk", "title", "percent")) == before


def test_a_shorter_deadline_is_checked_against_the_milestones_it_has(running, province_admin):
    data = ProjectData(running.title, starts_on=running.starts_on, deadline=days(50))
    with pytest.raises(ValidationFailed) as refused:  # 总结验收 is due in 90 days
        services.project_update(actor=province_admin, project=running, data=data)
    assert refused.value.extra["errors"] == [
        {"field": "milestones.3", "message": "第 3 个节点晚于项目完成时限。"}]
    services.project_update(actor=province_admin, project=running, data=data, milestones=[
        MilestoneData(m.title, min(m.due_on, days(50)), id=m.pk)
        for m in running.milestones.all()])
    running.refresh_from_db()
    assert running.deadline == days(50)
    assert running.milestones.get(title="总结验收").due_on == days(50)


def test_approving_a_claim_on_a_project_with_a_named_lead_puts_it_in_the_list(
        portfolio, province_admin, county_admin, tree):
    project = services.project_create(actor=province_admin, portfolio=portfolio,
                                      data=ProjectData("点单式服务", lead_unit=tree.county_b))
    services.project_step(actor=province_admin, project=project, step="list")
    claim = services.claim_apply(actor=county_admin, project=project, unit=tree.county_a,
                                 plan="协同推进")
    services.claim_decide(actor=province_admin, claim=claim, approve=True)
    project.refresh_from_db()
    assert (project.state, project.lead_unit) == (ProjectState.APPROVED, tree.county_b)
    assert list(project.co_units.all()) == [tree.county_a]


def test_a_draft_does_not_present_at_a_roadshow(roadshow, portfolio, province_admin):
    draft = services.project_create(actor=province_admin, portfolio=portfolio,
                                    data=ProjectData("草稿"))
    with pytest.raises(ValidationFailed):
        services.presentations_set(actor=province_admin, roadshow=roadshow, projects=[draft])
    assert not roadshow.presentations.exists()


def test_a_comment_keeps_the_time_scoring_closed_and_a_closed_roadshow_takes_no_judges(
        roadshow, running, province_admin):
    presentation = services.presentations_set(actor=province_admin, roadshow=roadshow,
                                              projects=[running])[0]
    closed = services.presentation_move(actor=province_admin, presentation=presentation,
                                        state=PresentationState.CLOSED)
    commented = services.presentation_move(actor=province_admin, presentation=presentation,
                                           state=PresentationState.CLOSED, comment="选题精准")
    assert (commented.closed_at, commented.comment) == (closed.closed_at, "选题精准")
    services.roadshow_close(actor=province_admin, roadshow=roadshow)
    with pytest.raises(Conflict):
        services.judges_add(actor=province_admin, roadshow=roadshow, judges=[JudgeData("迟到")])
    assert not roadshow.judges.exists()


def test_once_scored_the_trimming_weights_and_quotas_are_frozen_too(roadshow, running,
                                                                   province_admin):
    _scored(roadshow, running, province_admin)
    for change in ({"drop_highest": 0}, {"grade_quotas": {"excellent": 1}},
                   {"groups": [("评委", 2.0)]}):
        with pytest.raises(ValidationFailed):
            services.roadshow_update(actor=province_admin, roadshow=roadshow, title="第一场",
                                     held_on=days(0), criteria=roadshow.criteria,
                                     **{"drop_highest": 1, "drop_lowest": 1, **change})
    services.roadshow_update(actor=province_admin, roadshow=roadshow, title="第一场（改期）",
                             held_on=days(3), criteria=roadshow.criteria, venue="礼堂")
    roadshow.refresh_from_db()
    assert (roadshow.title, roadshow.venue, roadshow.drop_highest) == ("第一场（改期）", "礼堂", 1)
    assert [g.weight for g in roadshow.groups.all()] == [1.0]


def test_a_closed_roadshow_keeps_its_running_order_and_judges_but_takes_comments(
        roadshow, running, approved, province_admin):
    judge = _scored(roadshow, running, province_admin)
    presentation = roadshow.presentations.get()
    services.roadshow_close(actor=province_admin, roadshow=roadshow)
    with pytest.raises(Conflict):
        services.presentations_set(actor=province_admin, roadshow=roadshow,
                                   projects=[running, approved])
    with pytest.raises(Conflict):
        services.judge_remove(actor=province_admin, judge=judge)
    with pytest.raises(Conflict):
        services.presentation_move(actor=province_admin, presentation=presentation,
                                   state=PresentationState.OPEN)
    services.presentation_move(actor=province_admin, presentation=presentation,
                               state=PresentationState.CLOSED, comment="第一行\x0b第二行\x07")
    presentation.refresh_from_db()
    assert (presentation.comment, roadshow.presentations.count(), Score.objects.count()) == (
        "第一行\n第二行", 1, 1)


def test_a_judge_whose_unit_becomes_the_presenting_one_no_longer_counts(
        roadshow, running, province_admin, tree):
    from pacesetter.projects import selectors

    outsider_judge, township_judge = services.judges_add(
        actor=province_admin, roadshow=roadshow,
        judges=[JudgeData("外部"), JudgeData("镇评委", unit=tree.township_a1)])
    presentation = services.presentations_set(actor=province_admin, roadshow=roadshow,
                                              projects=[running])[0]
    services.presentation_move(actor=province_admin, presentation=presentation, state="open")
    running.lead_unit = tree.county_b  # before the change, the township judge may score
    running.save()
    services.score_submit(judge=outsider_judge, presentation_id=presentation.pk, points=POINTS)
    services.score_submit(judge=township_judge, presentation_id=presentation.pk, points={
        "innovation": 10, "effect": 10, "replicable": 10, "presentation": 10})
    running.co_units.add(tree.county_a)  # now the township is inside a presenting unit
    (row,) = selectors.roadshow_standings(roadshow).rows
    assert (row.count, row.result) == (1, 82.0)  # the outside judge's 25 + 26 + 15 + 16
    assert selectors.roadshow_standings(roadshow).eligible == {presentation.pk: {
        outsider_judge.pk}}


def test_a_roadshow_of_a_portfolio_takes_only_its_projects(roadshow, tree, province_admin):
    other = services.portfolio_create(actor=province_admin, owner=tree.province,
                                      title="另一项目库", year=2026)
    stranger = services.project_create(actor=province_admin, portfolio=other,
                                       data=ProjectData("别的项目", lead_unit=tree.county_b))
    for step in ("submit", "approve"):
        services.project_step(actor=province_admin, project=stranger, step=step)
    with pytest.raises(NotFound):
        services.presentations_set(actor=province_admin, roadshow=roadshow, projects=[stranger])
    assert not roadshow.presentations.exists()
