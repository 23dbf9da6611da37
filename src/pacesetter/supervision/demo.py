"""The demo's supervision, modelled on seed 002: after the satisfaction survey, the province
inspects its 3 lowest cities and 10 lowest counties, points out 86 problems and makes 94
suggestions, and pushes their rectification.

The inspection is started from the survey's ranking, as a user would (``inspection_from_
ranking``), and everything goes through the services, so it is audited. Each inspected unit
gets a rectification account (``zg_<code>``, the demo password) that takes the unit's part.
The tasks are spread over every state of the lifecycle: some returned once, some with an
extension, some overdue (their deadlines moved into the past, the one thing written around
the services, since a deadline cannot be set in the past), and the daily chase has run.
A re-check (回头看) is under way: most closed-out rectifications hold, two problems are back.
The serious findings at a county are attributed to its party secretary (责任领导干部), so that
they reach the cadre's negative list.
"""

from __future__ import annotations

import datetime
from typing import Any

import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from pacesetter.orgs import demo as orgs_demo
from pacesetter.orgs.models import Person, Role, RoleGrant, Unit, User
from pacesetter.supervision import services
from pacesetter.supervision.models import Inspection, Rectification, RectificationState
from pacesetter.surveys import selectors as survey_selectors

ADMIN = "sheng"
OWNER_CODE = "230000"
SURVEY_TITLE = "全省组织工作满意度民意调查"
TITLE = "满意度民意调查后进单位专项督查"
RECHECK_TITLE = "满意度民意调查后进单位专项督查“回头看”"
BOTTOM = {"市地": 3, "县(市)": 10}
SEED = 2002
FINDINGS = 86
SUGGESTIONS = 94

CATEGORIES = ["基层组织建设", "党员教育管理", "干部选拔任用", "人才工作", "组工干部作风",
              "联系服务群众"]
CHECKLIST = [("A", "组织工作总体情况"), ("B", "组工干部队伍建设"), ("C", "干部选拔任用工作"),
             ("D", "防止和纠正用人上不正之风")]
#: (category, checklist code, problem, suggestion, a second suggestion or "")
PROBLEMS = [
    ("基层组织建设", "A", "部分村党组织“三会一课”记录不全，组织生活会流于形式",
     "建立“三会一课”月检制度，县委组织部按季度抽查", "开展支部书记专题培训"),
    ("基层组织建设", "A", "软弱涣散村党组织整顿转化进度滞后",
     "实行县级领导包联，逐村制定整顿方案", ""),
    ("党员教育管理", "A", "流动党员底数不清，联系服务不经常",
     "建立流动党员台账，明确联系人，每季度联系一次", ""),
    ("党员教育管理", "B", "党员积分管理未落到实处，积分与评议脱节",
     "完善积分细则，把积分结果作为民主评议的重要依据", "按月公示党员积分"),
    ("干部选拔任用", "C", "干部选拔任用程序不够规范，个别环节纪实不全",
     "严格执行选任纪实制度，逐项补齐纪实材料", ""),
    ("干部选拔任用", "C", "部分新提拔干部群众认可度不高",
     "加强新提拔干部跟踪考察，试用期满严格考核", ""),
    ("人才工作", "A", "人才政策宣传不到位，基层知晓率低",
     "编印人才政策明白纸，进园区、进企业宣讲", ""),
    ("组工干部作风", "B", "组工干部下基层调研不够，掌握情况不深",
     "建立组工干部联系点制度，每人每季度驻点调研不少于5天", "调研报告纳入年度考核"),
    ("组工干部作风", "D", "整治用人上不正之风宣传不够，群众反映渠道不畅",
     "公开“12380”举报渠道，定期通报查处情况", ""),
    ("联系服务群众", "A", "党群服务中心功能发挥不充分，开放时间不固定",
     "统一党群服务中心开放时间和服务清单，推行错时延时服务", ""),
]
#: How many tasks end in each state (86 in all), in the order the loop reaches them.
STATES = [(RectificationState.REGISTERED, 4), (RectificationState.ASSIGNED, 6),
          (RectificationState.ACCEPTED, 6), (RectificationState.IN_PROGRESS, 26),
          (RectificationState.EXTENSION_REQUESTED, 4), (RectificationState.REPORTED, 8),
          (RectificationState.UNDER_REVIEW, 6), (RectificationState.COMPLETED, 10),
          (RectificationState.CLOSED, 16)]
#: The steps that bring a task to each state (a few also returned once on the way).
PATHS = {
    RectificationState.REGISTERED: [],
    RectificationState.ASSIGNED: ["assign"],
    RectificationState.ACCEPTED: ["assign", "accept"],
    RectificationState.IN_PROGRESS: ["assign", "accept", "start"],
    RectificationState.EXTENSION_REQUESTED: ["assign", "accept", "start",
                                             "request_extension"],
    RectificationState.REPORTED: ["assign", "accept", "start", "report"],
    RectificationState.UNDER_REVIEW: ["assign", "accept", "start", "report", "review"],
    RectificationState.COMPLETED: ["assign", "accept", "start", "report", "review",
                                   "complete"],
    RectificationState.CLOSED: ["assign", "accept", "start", "report", "review", "complete",
                                "close"],
}
OVERDUE = 8  # of the tasks in progress
RETURNED = 3  # of the closed ones: returned once before they passed


def _photo(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\xff\xd8\xff\xe0 demo photo")


def load() -> dict[str, int]:
    """Load the demo inspection once; a second run adds nothing."""
    admin = User.objects.filter(username=ADMIN).first()
    survey = survey_selectors.campaign_list(actor=admin).filter(title=SURVEY_TITLE).first() \
        if admin else None
    if Inspection.objects.filter(title=TITLE).exists() or survey is None:
        return {"findings": 0, "suggestions": 0, "rectifications": 0, "recheck_verdicts": 0}
    with transaction.atomic():
        return _load(admin, survey.pk)


def _load(admin: User, survey_id: int) -> dict[str, int]:
    owner = Unit.objects.get(code=OWNER_CODE)
    today = timezone.localdate()
    categories = {c.name: c for c in services.categories_set(actor=admin, owner=owner,
                                                              names=CATEGORIES)}
    team = list(Person.objects.filter(unit=owner).order_by("pk")[:4])
    inspection = services.inspection_from_ranking(
        actor=admin, owner=owner, source_kind="survey",
        source_id=survey_id, bottom=BOTTOM, title=TITLE,
        starts_on=today - datetime.timedelta(days=40),
        ends_on=today - datetime.timedelta(days=30),
        purpose="对满意度民意调查排名靠后的3个市地、10个县（市）开展专项督查，"
                "查找问题、提出建议、督促整改。",
        leader=team[0] if team else None, members=team[1:], checklist=CHECKLIST)
    services.inspection_move(actor=admin, inspection=inspection, state="under_way")
    checklist = {item.code: item for item in inspection.checklist.all()}
    targets = [t.unit for t in inspection.targets.all()]
    rng = np.random.default_rng(SEED)
    order = {unit.pk: iter(rng.permutation(len(PROBLEMS))) for unit in targets}
    secretaries = {p.unit_id: p for p in Person.objects.filter(
        unit__in=targets, position=orgs_demo.COUNTY_LEADERS[0], is_active=True)}
    rows = []
    for n in range(FINDINGS):
        unit = targets[n % len(targets)]  # no problem twice at a unit (it would be refused)
        category, code, problem, first, second = PROBLEMS[int(next(order[unit.pk]))]
        suggestions = [first, second] if n < SUGGESTIONS - FINDINGS and second else [first]
        if n < SUGGESTIONS - FINDINGS and not second:
            suggestions = [first, "举一反三，建立长效机制"]
        rows.append((services.FindingData(
            unit=unit, description=f"{unit.name}：{problem}",
            severity=("serious", "moderate", "moderate", "minor")[n % 4],
            category=categories[category], checklist_item=checklist[code],
            suggestions=suggestions,
            person=secretaries.get(unit.pk) if n % 4 == 0 else None,
        ), [_photo("现场照片.jpg")] if n % 9 == 0 else []))
    findings = services.findings_record(actor=admin, inspection=inspection, rows=rows)
    services.inspection_move(actor=admin, inspection=inspection, state="concluded")
    accounts = _unit_accounts(targets)
    tasks = [f.rectification for f in findings]
    _drive(tasks, admin, accounts, today)
    _other_sources(admin, owner, targets, accounts, today)
    services.escalate_due()
    verdicts = _recheck(admin, inspection, today)
    return {"findings": len(findings), "suggestions": sum(len(r[0].suggestions) for r in rows),
            "rectifications": Rectification.objects.filter(owner=owner).count(),
            "recheck_verdicts": verdicts}


#: The re-check's verdicts on the closed-out findings, in order; the rest await it.
VERDICTS = ["holds"] * 10 + ["reopened"] * 2
REOPEN_NOTE = "回头看发现问题反弹：整改措施未坚持，相关记录近两个月再次中断"


def _recheck(admin: User, inspection: Inspection, today: datetime.date) -> int:
    """Seed 004's 回头看: a re-check of the inspection visits the units with closed-out
    findings; most rectifications hold, two problems are back and reopened, a few are still
    to verify."""
    recheck = services.inspection_create(
        actor=admin, owner=inspection.owner, title=RECHECK_TITLE, kind="recheck",
        rechecks=inspection, starts_on=today - datetime.timedelta(days=2),
        ends_on=today + datetime.timedelta(days=3), targets=[],
        purpose="对专项督查已销号问题开展“回头看”，检验整改成效，防止问题反弹。",
        leader=inspection.leader, members=list(inspection.members.all()))
    services.inspection_move(actor=admin, inspection=recheck, state="under_way")
    closed = inspection.findings.filter(
        rectification__state=RectificationState.CLOSED).order_by("number")
    for finding, verdict in zip(closed, VERDICTS, strict=False):
        services.recheck_verdict_record(actor=admin, recheck=recheck, finding=finding,
                                        verdict=verdict,
                                        note=REOPEN_NOTE if verdict == "reopened" else "")
    return min(len(closed), len(VERDICTS))


def _unit_accounts(units: list[Unit]) -> dict[int, User]:
    """A rectification account (整改专员) per inspected unit: an administrator of the unit."""
    accounts = {}
    for unit in units:
        user, created = User.objects.get_or_create(
            username=f"zg_{unit.code}", defaults={"first_name": f"{unit.name}整改专员"})
        if created:
            user.set_password(orgs_demo.DEMO_PASSWORD)
            user.save()
            RoleGrant.objects.create(user=user, role=Role.ORG_ADMIN, unit=unit)
        accounts[unit.pk] = user
    return accounts


def _drive(tasks: list[Rectification], admin: User, accounts: dict[int, User],
           today: datetime.date) -> None:
    """Move the tasks into their states, in the order of ``STATES``."""
    position = 0
    for state, count in STATES:
        for k in range(count):
            task = tasks[position]
            position += 1
            unit_side = accounts[task.lead_unit_id]
            returned = state == RectificationState.CLOSED and k < RETURNED
            for name in PATHS[state]:
                if returned and name == "complete":
                    task = _step(admin, task, "return", "佐证材料不充分，请补充整改前后对比照片")
                    task = _step(unit_side, task, "report", "已补充整改前后对比照片")
                    task = _step(admin, task, "review")
                by = admin if name in {"assign", "review", "complete", "close"} else unit_side
                task = _step(by, task, name)
            if state == RectificationState.IN_PROGRESS and k < OVERDUE:
                Rectification.objects.filter(pk=task.pk).update(
                    deadline=today - datetime.timedelta(days=3 + 2 * k))


NOTES = {"report": "已按整改建议完成整改，建立长效机制，佐证材料附后",
         "request_extension": "涉及村“两委”换届，需延后完成"}


def _step(actor: User, task: Rectification, name: str, note: str = "") -> Rectification:
    extra: dict[str, Any] = {}
    if name == "request_extension":
        extra["deadline"] = task.deadline + datetime.timedelta(days=30)
    if name == "report":
        extra["files"] = [_photo("整改佐证.jpg")]
    return services.rectification_step(actor=actor, rectification=task, step=name,
                                       note=note or NOTES.get(name, ""), **extra)


def _other_sources(admin: User, owner: Unit, targets: list[Unit],
                   accounts: dict[int, User], today: datetime.date) -> None:
    """Three tasks from other sources: a leader's instruction, a meeting decision and a
    public complaint."""
    for source, note, content, unit, days in [
        ("leader", "省委领导批示", "对满意度排名末位的县（市）开展一次“回头看”，巩固整改成果",
         targets[0], 45),
        ("meeting", "省委组织部部务会议定事项", "完善组工干部联系基层制度，制定实施办法",
         targets[1], 30),
        ("complaint", "12380举报", "核查群众反映的村干部选任程序问题并反馈", targets[2], 15),
    ]:
        task = services.rectification_register(
            actor=admin, owner=owner, source=source, source_note=note, content=content,
            lead_unit=unit, deadline=today + datetime.timedelta(days=days),
            feedback_cadence="weekly")
        services.rectification_step(actor=admin, rectification=task, step="assign")
        services.rectification_step(actor=accounts[unit.pk], rectification=task,
                                    step="accept")
