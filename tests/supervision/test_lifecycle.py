"""The lifecycle table, written out as the issue states it: a change to who may move a task
from where to where must be made here too, on purpose."""

from pacesetter.supervision import lifecycle

SUP, UNIT = lifecycle.SUPERVISOR, lifecycle.UNIT

EXPECTED = {
    "assign": ({"registered"}, "assigned", SUP),                         # 交办
    "accept": ({"assigned"}, "accepted", UNIT),                          # 签收
    "start": ({"accepted"}, "in_progress", UNIT),
    "request_extension": ({"in_progress"}, "extension_requested", UNIT),
    "approve_extension": ({"extension_requested"}, "in_progress", SUP),
    "decline_extension": ({"extension_requested"}, "in_progress", SUP),
    "report": ({"in_progress"}, "reported", UNIT),                       # 反馈
    "review": ({"reported"}, "under_review", SUP),
    "return": ({"under_review"}, "in_progress", SUP),                    # 退回重办
    "complete": ({"under_review"}, "completed", SUP),                    # 办结
    "close": ({"completed"}, "closed", SUP),                             # 销号
    "reopen": ({"closed"}, "in_progress", SUP),                          # 回头看
}


def test_the_steps_are_those_of_the_issue():
    assert {name: (set(s.sources), s.target, s.by) for name, s in lifecycle.STEPS.items()} == (
        EXPECTED)


def test_reasons_and_evidence_are_required_where_the_issue_says():
    assert {n for n, s in lifecycle.STEPS.items() if s.note_required} == {
        "request_extension", "decline_extension", "report", "return", "reopen"}
    assert {n for n, s in lifecycle.STEPS.items() if s.evidence_required} == {"report"}


def test_the_steps_open_to_each_side():
    assert [s.name for s in lifecycle.steps_from("in_progress", {UNIT})] == [
        "request_extension", "report"]
    assert [s.name for s in lifecycle.steps_from("in_progress", {SUP})] == []
    assert [s.name for s in lifecycle.steps_from("under_review", {SUP})] == ["return",
                                                                              "complete"]
