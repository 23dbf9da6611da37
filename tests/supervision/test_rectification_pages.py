"""The rectification pages as their users meet them: the task board and its workbook, a task's
page with each step taken by the right side and refused to the wrong one, the registration of
tasks from other sources, the verification queue and the overdue list. Pages answer in
Chinese; outside the visitor's scope everything is "not found" and nothing changes."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from pacesetter.audit.models import AuditEntry
from pacesetter.supervision import lifecycle, services
from pacesetter.supervision.models import (
    Evidence,
    Rectification,
    RectificationEvent,
    RectificationState,
)
from pacesetter.supervision.rectification_views import STEP_LABELS
from pacesetter.supervision.services import FindingData
from tests.supervision.conftest import days
from tests.supervision.test_services import reach

S = RectificationState


def photo(name: str = "整改后.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\xff\xd8\xff photo")


def page_url(task) -> str:
    return f"/rectifications/{task.pk}/"


def step_url(task) -> str:
    return f"/rectifications/{task.pk}/step/"


def form_for(name: str) -> dict:
    """What the step's form on the page sends when filled in."""
    data = {"step": name}
    if lifecycle.STEPS[name].note_required:
        data["note"] = "已按要求整改"
    if name == "request_extension":
        data["deadline"] = days(60).isoformat()
    if name == "report":
        data["files"] = photo()
    return data


def sides(rule, supervisor, unit):
    """(who takes the step, who is refused it)."""
    return (supervisor, unit) if rule.by == lifecycle.SUPERVISOR else (unit, supervisor)


def trail(task):
    """What a refused request must leave as it was."""
    task.refresh_from_db()
    return (task.state, task.deadline, task.requested_deadline, task.events.count(),
            Evidence.objects.count(), AuditEntry.objects.count())


def shown(answer) -> list[int]:
    """The tasks on a board page, in order."""
    return [view.task.pk for group in answer.context["groups"] for view in group.views]


def register(actor, owner, lead, deadline, content="落实书记批示", **extra):
    return services.rectification_register(actor=actor, owner=owner, source="leader",
                                           content=content, lead_unit=lead,
                                           deadline=deadline, **extra)


# --- every step, by the right side and by the wrong one ----------------------------------------

@pytest.mark.parametrize("name", list(lifecycle.STEPS))
def test_each_step_through_the_page_by_its_side_moves_the_task(client, task, inspector,
                                                               county_admin, name):
    # given a task where the step is open, and the side that takes it on the task's page
    rule = lifecycle.STEPS[name]
    (source,) = rule.sources
    task = reach(task, source, inspector, county_admin)
    by, _other = sides(rule, inspector, county_admin)
    client.force_login(by)
    assert f'id="step-{name}"' in client.get(page_url(task)).content.decode()
    # when the step's form is sent
    answer = client.post(step_url(task), form_for(name))
    # then the task moves, the step is in its history, and the page says so in Chinese
    assert answer.status_code == 302 and answer.url == page_url(task)
    task.refresh_from_db()
    assert task.state == rule.target
    assert task.events.order_by("pk").last().step == name
    page = client.get(answer.url).content.decode()
    assert "办理完毕" in page
    assert str(STEP_LABELS[name]) in page


@pytest.mark.parametrize("name", list(lifecycle.STEPS))
def test_each_step_by_the_other_side_is_refused_and_changes_nothing(client, task, inspector,
                                                                    county_admin, name):
    # given a task where the step is open, but to the other side
    rule = lifecycle.STEPS[name]
    (source,) = rule.sources
    task = reach(task, source, inspector, county_admin)
    _by, other = sides(rule, inspector, county_admin)
    client.force_login(other)
    assert f'id="step-{name}"' not in client.get(page_url(task)).content.decode()
    before = trail(task)
    # when the other side forges the step
    answer = client.post(step_url(task), form_for(name))
    # then it is refused on the page, in Chinese, and nothing changes
    assert answer.status_code == 403
    assert "您不能对该事项进行此操作" in answer.content.decode()
    assert trail(task) == before


def test_a_reporter_of_the_lead_unit_takes_the_units_part(client, task, inspector, reporter):
    task = reach(task, S.ASSIGNED, inspector, reporter)
    client.force_login(reporter)
    client.post(step_url(task), {"step": "accept"})
    task.refresh_from_db()
    assert task.state == S.ACCEPTED


def test_a_step_out_of_order_is_refused_with_the_state_named(client, task, inspector):
    client.force_login(inspector)
    before = trail(task)
    answer = client.post(step_url(task), {"step": "close"})
    assert answer.status_code == 409
    assert "该事项处于“已登记”状态，现在不能这样办理。" in answer.content.decode()
    assert trail(task) == before


@pytest.mark.parametrize(("sent", "message"), [
    ({"deadline": "2026-02-30"}, "请按“年-月-日”填写日期，如 2026-12-31。"),
    ({"deadline": "9999-12-31"}, "日期不能晚于 2100-12-31。"),
    ({"deadline": "2099-12-31", "note": "很" * 2001}, "最多 2000 个字。"),
])
def test_an_extension_with_a_bad_date_or_a_note_too_long_is_refused(
        client, task, inspector, county_admin, sent, message):
    from tests.supervision.test_services import reach

    task = reach(task, "in_progress", inspector, county_admin)
    client.force_login(county_admin)
    before = trail(task)
    answer = client.post(step_url(task), {"step": "request_extension", "note": "换届", **sent})
    assert answer.status_code == 422
    assert message in answer.content.decode()
    assert trail(task) == before


def test_an_unknown_step_is_refused(client, task, inspector):
    client.force_login(inspector)
    before = trail(task)
    answer = client.post(step_url(task), {"step": "delete"})
    assert answer.status_code == 422
    assert "无法识别的操作。" in answer.content.decode()
    assert trail(task) == before


# --- what a step needs ---------------------------------------------------------------------------

def test_a_report_without_evidence_is_refused_on_its_form(client, task, inspector,
                                                          county_admin):
    # given a task in progress
    task = reach(task, S.IN_PROGRESS, inspector, county_admin)
    client.force_login(county_admin)
    before = trail(task)
    # when the unit reports with a text but no file
    answer = client.post(step_url(task), {"step": "report", "note": "已整改"})
    # then the report form comes back open, with the text kept and the reason in Chinese
    page = answer.content.decode()
    assert answer.status_code == 422
    assert "请上传佐证材料（照片或文件）。" in page
    assert "已整改</textarea>" in page
    assert trail(task) == before


def test_a_report_with_a_file_of_another_kind_is_refused(client, task, inspector,
                                                         county_admin):
    task = reach(task, S.IN_PROGRESS, inspector, county_admin)
    client.force_login(county_admin)
    before = trail(task)
    answer = client.post(step_url(task), {"step": "report", "note": "已整改",
                                           "files": photo("病毒.exe")})
    assert answer.status_code == 422
    assert "“病毒.exe”：只能上传照片、PDF 或 Office 文件。" in answer.content.decode()
    assert trail(task) == before


def test_returning_a_report_needs_a_reason(client, task, inspector, county_admin):
    task = reach(task, S.UNDER_REVIEW, inspector, county_admin)
    client.force_login(inspector)
    before = trail(task)
    answer = client.post(step_url(task), {"step": "return", "note": "  "})
    assert answer.status_code == 422
    assert "此操作需要填写理由。" in answer.content.decode()
    assert trail(task) == before


def test_an_extension_is_asked_before_the_deadline(client, task, inspector, county_admin):
    # given a task in progress whose deadline passed yesterday
    task = reach(task, S.IN_PROGRESS, inspector, county_admin)
    Rectification.objects.filter(pk=task.pk).update(deadline=days(-1))
    client.force_login(county_admin)
    before = trail(task)
    # when the unit asks for more time
    answer = client.post(step_url(task), {"step": "request_extension", "note": "工程量大",
                                          "deadline": days(30).isoformat()})
    # then it is refused, with the reason in Chinese
    assert answer.status_code == 422
    assert "已超过整改时限：延期须在时限前申请。" in answer.content.decode()
    assert trail(task) == before


def test_an_extension_asks_for_a_later_date_and_its_approval_moves_the_deadline(
        client, task, inspector, county_admin):
    task = reach(task, S.IN_PROGRESS, inspector, county_admin)
    client.force_login(county_admin)
    answer = client.post(step_url(task), {"step": "request_extension", "note": "工程量大",
                                          "deadline": days(5).isoformat()})
    assert answer.status_code == 422
    assert "申请的日期须晚于当前时限。" in answer.content.decode()
    client.post(step_url(task), {"step": "request_extension", "note": "工程量大",
                                 "deadline": days(45).isoformat()})
    client.force_login(inspector)
    page = client.get(page_url(task)).content.decode()
    assert days(45).isoformat() in page  # the date asked for, on the supervisor's page
    client.post(step_url(task), {"step": "approve_extension"})
    task.refresh_from_db()
    assert (task.state, task.deadline, task.requested_deadline) == (S.IN_PROGRESS, days(45),
                                                                    None)


# --- the task page -------------------------------------------------------------------------------

def test_the_task_page_shows_the_finding_its_suggestions_and_the_history(
        client, task, inspector, county_admin):
    # given a task reported with a photo and a PDF, returned, then reported again
    task = reach(task, S.IN_PROGRESS, inspector, county_admin)
    services.rectification_step(actor=county_admin, rectification=task, step="report",
                                note="已补齐记录", files=[photo("记录.jpg"),
                                                       SimpleUploadedFile("台账.pdf", b"%PDF")])
    # when the supervisor opens it
    client.force_login(inspector)
    answer = client.get(page_url(task))
    page = answer.content.decode()
    # then the finding, its suggestions, the units, the light and the history are there
    assert "部分村党组织“三会一课”记录不全" in page
    assert "建立会议记录月检制度" in page and "开展专项培训" in page
    assert "满意度后进县督查" in page
    assert "东营区" in page
    assert [item.event.step for item in answer.context["history"]] == [
        "register", "assign", "accept", "start", "report"]
    report = answer.context["history"][-1]
    assert [e.name for e in report.photos] == ["记录.jpg"]
    assert [e.name for e in report.files] == ["台账.pdf"]
    assert "已补齐记录" in page
    assert f"/rectifications/{task.pk}/evidence/{report.photos[0].pk}/" in page
    assert 'id="step-review"' in page


def test_the_flags_and_the_escalation_show_on_the_task(client, task, inspector, county_admin):
    task = reach(task, S.IN_PROGRESS, inspector, county_admin)
    Rectification.objects.filter(pk=task.pk).update(deadline=days(-10), accepted_late=True)
    services.escalate_due()
    client.force_login(county_admin)
    page = client.get(page_url(task)).content.decode()
    assert "逾期签收" in page
    assert "已逾期 10 天" in page
    assert "已报督办部门" in page


def test_evidence_is_served_to_those_who_see_the_task(client, inspection, inspector,
                                                      county_admin, tree):
    # given a finding with a photo, and another task's file
    finding = services.finding_record(
        actor=inspector, inspection=inspection,
        data=FindingData(tree.county_a, "台账缺失"), files=[photo("现场.jpg")])
    other = services.finding_record(
        actor=inspector, inspection=inspection,
        data=FindingData(tree.county_a, "制度缺失"), files=[photo("别处.jpg")])
    task = finding.rectification
    client.force_login(county_admin)
    # when the finding's photo is asked through the task, and the other one too
    mine = client.get(f"/rectifications/{task.pk}/evidence/{finding.evidence.get().pk}/")
    theirs = client.get(f"/rectifications/{task.pk}/evidence/{other.evidence.get().pk}/")
    # then the first is shown in the page, the other is not found through this task
    assert mine.status_code == 200 and b"".join(mine.streaming_content).endswith(b"photo")
    assert not mine.has_header("Content-Disposition") or "inline" in mine["Content-Disposition"]
    assert theirs.status_code == 404


# --- the board -----------------------------------------------------------------------------------

@pytest.fixture
def board(tree, province_admin, inspector, task):
    """The province's tasks: the finding's (registered: its light is off), one overdue at
    township A1 (red), one due in 3 days at county B (yellow), one due in 40 days at county A
    (green)."""
    red = register(province_admin, tree.province, tree.township_a1, days(20), "红灯事项")
    yellow = register(province_admin, tree.province, tree.county_b, days(3), "黄灯事项",
                      assisting_units=[tree.county_a])
    green = register(province_admin, tree.province, tree.county_a, days(40), "绿灯事项")
    for item in (red, yellow, green):
        services.rectification_step(actor=inspector, rectification=item, step="assign")
    Rectification.objects.filter(pk=red.pk).update(deadline=days(-3))
    return {"task": task, "red": red, "yellow": yellow, "green": green}


@pytest.mark.parametrize(("query", "expected"), [
    ("light=red", ["red"]),
    ("light=yellow", ["yellow"]),
    ("light=green", ["green"]),
    ("light=none", ["task"]),
    ("state=assigned", ["red", "yellow", "green"]),
    ("state=registered", ["task"]),
    ("source=finding", ["task"]),
    ("q=绿灯", ["green"]),
    ("state=assigned&light=red", ["red"]),
])
def test_the_board_filters(client, board, inspector, query, expected):
    client.force_login(inspector)
    answer = client.get(f"/rectifications/?{query}")
    assert answer.status_code == 200
    assert shown(answer) == [board[name].pk for name in expected]


def test_the_unit_filter_takes_the_subtree_and_the_assisting_units(client, board, inspector,
                                                                    tree):
    client.force_login(inspector)
    county_a = shown(client.get(f"/rectifications/?unit={tree.county_a.pk}"))
    township = shown(client.get(f"/rectifications/?unit={tree.township_a1.pk}"))
    # county A leads the finding's task and the green one, its township the red one, and it
    # assists county B with the yellow one
    assert set(county_a) == {board[n].pk for n in ("task", "red", "yellow", "green")}
    assert township == [board["red"].pk]
    assert shown(client.get(f"/rectifications/?unit={tree.county_b.pk}")) == [
        board["yellow"].pk]


def test_the_board_groups_by_state_and_shows_each_cards_facts(client, board, inspector):
    client.force_login(inspector)
    answer = client.get("/rectifications/")
    page = answer.content.decode()
    assert [g.state for g in answer.context["groups"]] == ["registered", "assigned"]
    assert board["red"].serial in page
    assert "已逾期 3 天" in page
    assert "还剩 3 天" in page
    assert "文汇街道" in page
    assert {light: n for light, _l, _c, n in answer.context["lights"]} == {
        "red": 1, "yellow": 1, "green": 1, "none": 1}
    assert {state: n for state, _l, n in answer.context["states"] if n} == {
        "registered": 1, "assigned": 3}


def test_a_unit_administrator_sees_its_units_tasks_first(client, board, county_admin):
    client.force_login(county_admin)
    answer = client.get("/rectifications/")
    # the open tasks county A or its township lead, soonest first; not the one it assists,
    # nor the one not yet assigned
    assert [v.task.pk for v in answer.context["mine"]] == [board["red"].pk, board["green"].pk]
    assert "本单位的督办事项" in answer.content.decode()


@pytest.mark.parametrize("url", ["/rectifications/", "/rectifications/export.xlsx",
                                 "/rectifications/queue/", "/rectifications/due/"])
def test_a_list_costs_the_same_queries_for_more_tasks(client, board, inspector, tree,
                                                      province_admin, county_admin, url):
    def add(n: int) -> None:
        """A task due soon: reported (in the queue) or assigned (in the due list)."""
        more = register(province_admin, tree.province, tree.county_a, days(1 + n), f"事项{n}",
                        assisting_units=[tree.county_b])
        reach(more, S.ASSIGNED if n % 2 else S.REPORTED, inspector, county_admin)

    add(0)  # one in the queue
    add(1)  # one more in the due list
    client.force_login(inspector)
    client.get(url)  # warm the session and the grants

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            answer = client.get(url)
            assert answer.status_code == 200
            if answer.streaming:
                b"".join(answer.streaming_content)
        return len(captured)

    few = queries()
    for n in range(2, 7):
        add(n)
    assert queries() == few


def test_the_board_holds_nothing_of_other_subtrees(client, board, outsider, tree, inspector,
                                                  inspection):
    # given a finding at county A and one at county B, of an inspection of both
    for unit in (tree.county_a, tree.county_b):
        services.finding_record(actor=inspector, inspection=inspection,
                                data=FindingData(unit, f"{unit.name}的问题"))
    client.force_login(outsider)
    # when county B's administrator looks at the board, and at that inspection's tasks
    everything = client.get("/rectifications/")
    inspected = client.get(f"/rectifications/?inspection={inspection.pk}")
    # then only county B's own tasks are there
    assert everything.status_code == 200
    ours = Rectification.objects.get(finding__description="河口区的问题")
    assert shown(everything) == [ours.pk, board["yellow"].pk]
    assert shown(inspected) == [ours.pk]
    assert board["red"].serial not in everything.content.decode()


# --- the workbook --------------------------------------------------------------------------------

def test_the_workbook_has_the_filtered_rows_with_text_kept_as_text(client, board, inspector,
                                                                    tree, province_admin):
    # given a task whose content a spreadsheet would read as a formula
    trap = register(province_admin, tree.province, tree.county_a, days(9),
                    '=HYPERLINK("http://evil.example","点击")')
    services.rectification_step(actor=inspector, rectification=trap, step="assign")
    client.force_login(inspector)
    # when the assigned tasks are exported
    answer = client.get("/rectifications/export.xlsx?state=assigned")
    # then the workbook opens with a header and a row per task, the formula kept as text
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(answer.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("编号", "来源", "来源说明", "事项内容", "牵头单位")
    by_serial = {row[0]: row for row in rows[1:]}
    assert set(by_serial) == {board[n].serial for n in ("red", "yellow", "green")} | {
        trap.serial}
    yellow = by_serial[board["yellow"].serial]
    assert yellow[1] == "领导批示" and yellow[4] == "河口区" and yellow[5] == "东营区"
    assert yellow[8] == "已交办"
    assert yellow[9].startswith("黄灯")
    cell = next(c for c in sheet["D"] if c.value and str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"


def test_a_workbook_past_the_direct_limit_is_written_in_the_background(
        client, board, inspector, media_root, monkeypatch,
        django_capture_on_commit_callbacks):
    # given: three assigned tasks, past a direct limit of 1
    from pacesetter.exports.models import ExportJob
    from pacesetter.supervision import boards

    monkeypatch.setattr(boards, "DIRECT_EXPORT_ROWS", 1)
    client.force_login(inspector)
    url = "/rectifications/export.xlsx?state=assigned"
    # when asked for: a page offers the background and writes nothing yet
    offer = client.get(url)
    assert offer.status_code == 200 and not offer.streaming
    assert "共有 3 个督办事项" in offer.content.decode()
    assert not ExportJob.objects.exists()
    # when started (inline once the request commits, as without a broker)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url)
    # then the job is done with the filtered rows, in Chinese
    job = ExportJob.objects.get()
    assert started.status_code == 302 and started["Location"] == f"/exports/{job.pk}/"
    assert (job.status, job.rows_total, job.params["filters"]) == (
        "done", 3, {"state": "assigned"})
    download = client.get(f"/exports/{job.pk}/download/")
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content)))
                .active.iter_rows(values_only=True))
    assert rows[0][0] == "编号"
    assert {r[0] for r in rows[1:]} == {board[n].serial for n in ("red", "yellow", "green")}


def test_the_workbook_of_another_subtree_is_not_found(client, board, outsider, tree):
    client.force_login(outsider)
    assert client.get(f"/rectifications/export.xlsx?unit={tree.county_a.pk}").status_code == 404


# --- registering a task from another source --------------------------------------------------

def test_a_supervisor_registers_a_leaders_instruction(client, tree, inspector):
    # given the registration page of a provincial inspector
    client.force_login(inspector)
    assert client.get("/rectifications/new/").status_code == 200
    # when a leader's instruction is registered for county A, county B assisting
    answer = client.post("/rectifications/new/", {
        "owner": tree.province.pk, "source": "leader", "source_note": "书记批示〔2026〕3号",
        "content": "整治软弱涣散村党组织", "lead_unit": "370502", "assisting_units": "河口区",
        "responsible": "张三", "measures": "逐村排查", "deadline": days(20).isoformat(),
        "feedback_cadence": "weekly"})
    # then the task is registered and its page shown
    task = Rectification.objects.get()
    assert answer.status_code == 302 and answer.url == page_url(task)
    assert (task.source, task.lead_unit, task.responsible, task.deadline,
            task.feedback_cadence, task.state) == (
        "leader", tree.county_a, tree.person_a, days(20), "weekly", S.REGISTERED)
    assert list(task.assisting_units.all()) == [tree.county_b]
    assert task.serial in client.get(answer.url).content.decode()


def test_a_registration_with_an_unknown_unit_or_a_past_deadline_is_refused(client, tree,
                                                                            inspector):
    client.force_login(inspector)
    data = {"owner": tree.province.pk, "source": "meeting", "content": "会议议定",
            "lead_unit": "不存在的单位", "deadline": days(20).isoformat(),
            "feedback_cadence": "none"}
    unknown = client.post("/rectifications/new/", data)
    assert unknown.status_code == 422
    assert "督办单位下属没有您可见的“不存在的单位”。" in unknown.content.decode()
    past = client.post("/rectifications/new/", {**data, "lead_unit": "370502",
                                                 "deadline": days(-1).isoformat()})
    assert past.status_code == 422
    assert "整改时限已过。" in past.content.decode()
    assert not Rectification.objects.exists()


def test_only_supervisors_register_tasks(client, tree, reporter):
    client.force_login(reporter)
    assert client.get("/rectifications/new/").status_code == 403
    assert client.get("/rectifications/queue/").status_code == 403


# --- the verification queue ----------------------------------------------------------------------

@pytest.fixture
def queued(tree, province_admin, inspector, county_admin):
    """Tasks in every state the supervisors act on, reached in this order, and two they do
    not (in progress, closed out)."""
    wanted = [S.COMPLETED, S.REPORTED, S.EXTENSION_REQUESTED, S.UNDER_REVIEW, S.IN_PROGRESS,
              S.CLOSED]
    tasks = {}
    for n, state in enumerate(wanted):
        item = register(province_admin, tree.province, tree.county_a, days(20), f"事项{n}")
        tasks[state] = reach(item, state, inspector, county_admin)
    return tasks


def test_the_queue_lists_what_the_supervisor_must_do_oldest_first(client, queued, inspector):
    client.force_login(inspector)
    answer = client.get("/rectifications/queue/")
    page = answer.content.decode()
    assert [item.view.task.pk for item in answer.context["items"]] == [
        queued[s].pk for s in (S.COMPLETED, S.REPORTED, S.EXTENSION_REQUESTED, S.UNDER_REVIEW)]
    # each with its quick actions
    for state, steps in {S.REPORTED: ["review"], S.UNDER_REVIEW: ["return", "complete"],
                         S.COMPLETED: ["close"],
                         S.EXTENSION_REQUESTED: ["approve_extension", "decline_extension"]
                         }.items():
        for name in steps:
            assert f'id="quick-{name}-{queued[state].pk}"' in page
    assert queued[S.IN_PROGRESS].serial not in page and queued[S.CLOSED].serial not in page
    only = client.get("/rectifications/queue/?state=reported")
    assert [item.view.task.pk for item in only.context["items"]] == [queued[S.REPORTED].pk]


def test_a_quick_action_returns_to_the_queue(client, queued, inspector):
    client.force_login(inspector)
    task = queued[S.UNDER_REVIEW]
    answer = client.post(step_url(task), {"step": "return", "note": "照片不清", "back": "queue"})
    assert answer.status_code == 302 and answer.url == "/rectifications/queue/"
    task.refresh_from_db()
    assert task.state == S.IN_PROGRESS
    assert RectificationEvent.objects.filter(rectification=task, step="return",
                                             note="照片不清").exists()


def test_the_queue_of_a_unit_administrator_holds_no_task_of_its_supervisors(
        client, queued, county_admin):
    client.force_login(county_admin)
    answer = client.get("/rectifications/queue/")
    assert answer.status_code == 200 and list(answer.context["items"]) == []
    assert "没有等待您办理的事项。" in answer.content.decode()


# --- the overdue and soon-due list ------------------------------------------------------------

def test_the_due_list_holds_the_red_and_yellow_tasks_with_their_escalation(client, board,
                                                                           inspector):
    client.force_login(inspector)
    answer = client.get("/rectifications/due/")
    items = answer.context["items"]
    assert [i.view.task.pk for i in items] == [board["red"].pk, board["yellow"].pk]
    red = items[0]
    # three days overdue: the unit's leaders are due to be told, the department in 5 days
    assert (red.level_due, red.behind, red.next_level_on) == (1, True, days(5))
    assert "逾期督办尚未执行" in answer.content.decode()
    # once the chase has run, the level is recorded
    services.escalate_due()
    page = client.get("/rectifications/due/?light=red").content.decode()
    assert "已告知单位负责人" in page
    assert board["yellow"].serial not in page


# --- outsiders -----------------------------------------------------------------------------------

OUTSIDE = [
    ("get", "/rectifications/{task}/", None),
    ("post", "/rectifications/{task}/step/", {"step": "assign"}),
    ("post", "/rectifications/{task}/step/", {"step": "accept"}),
    ("get", "/rectifications/{task}/evidence/{evidence}/", None),
    ("get", "/rectifications/?unit={A}", None),
    ("get", "/rectifications/export.xlsx?unit={A}", None),
    ("get", "/rectifications/due/?unit={A}", None),
    ("post", "/rectifications/new/", {"owner": "{P}", "source": "leader", "content": "x",
                                      "lead_unit": "370502", "deadline": "2099-01-01",
                                      "feedback_cadence": "none"}),
]


@pytest.mark.parametrize(("method", "url", "data"), OUTSIDE)
def test_an_outsider_finds_nothing_and_changes_nothing(client, tree, inspection, inspector,
                                                       outsider, method, url, data):
    # given a task of county A with a photo of its finding
    finding = services.finding_record(actor=inspector, inspection=inspection,
                                      data=FindingData(tree.county_a, "台账缺失"),
                                      files=[photo("现场.jpg")])
    task = finding.rectification
    ids = {"{task}": task.pk, "{evidence}": finding.evidence.get().pk,
           "{A}": tree.county_a.pk, "{P}": tree.province.pk, "{inspection}": inspection.pk}

    def fill(text: str) -> str:
        for key, value in ids.items():
            text = text.replace(key, str(value))
        return text

    client.force_login(outsider)
    before = (trail(task), Rectification.objects.count())
    # when county B's administrator tries
    answer = getattr(client, method)(
        fill(url), {k: fill(str(v)) for k, v in data.items()} if data else None)
    # then nothing is found and nothing changes
    assert answer.status_code == 404
    assert (trail(task), Rectification.objects.count()) == before
