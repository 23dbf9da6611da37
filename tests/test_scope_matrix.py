"""Every endpoint, tried by an administrator of another county: nothing is seen, nothing changes.

The outsider administers county B. Each case names a page or API call that touches county A
(or its people); each must answer 404, and the units, people and audit log must be as before.
"""

import json

import pytest

from pacesetter.audit.models import AuditEntry
from pacesetter.orgs.models import Person, Unit
from pacesetter.orgs.tokens import token_issue


def state():
    from pacesetter.assessment.models import (
        AssessmentPlan,
        Attachment,
        Indicator,
        IndicatorValue,
        ListEntry,
        PlanIndicator,
        ResultVersion,
        ToleranceDecision,
    )
    from pacesetter.cadres import models as cadres
    from pacesetter.exports.models import ExportJob
    from pacesetter.orgs.models import RoleGrant, User
    from pacesetter.projects import models as projects
    from pacesetter.supervision import models as supervision
    from pacesetter.surveys.models import Campaign, PanelCode, Questionnaire, Response

    return (
        list(Questionnaire.objects.order_by("pk").values_list("pk", "title", "revision")),
        list(Campaign.objects.order_by("pk").values_list("status", "title")),
        list(Response.objects.order_by("pk").values_list("excluded", "flags")),
        PanelCode.objects.count(),
        list(Unit.objects.order_by("pk").values_list("code", "name", "path", "parent_id")),
        list(Person.objects.order_by("pk").values_list("name", "unit_id", "position")),
        list(User.objects.order_by("pk").values_list("username", "password", "is_active")),
        list(RoleGrant.objects.order_by("pk").values_list("user_id", "role", "unit_id")),
        list(AssessmentPlan.objects.values_list("status", "name", "period_id")),
        list(Indicator.objects.order_by("pk").values_list("code", "name", "rule")),
        list(PlanIndicator.objects.order_by("pk").values_list("indicator_id", "weight")),
        list(ListEntry.objects.order_by("pk").values_list("text", "status")),
        ToleranceDecision.objects.count(),
        list(Attachment.objects.order_by("pk").values_list("pk", flat=True)),
        list(IndicatorValue.objects.values_list("value", flat=True)),
        list(ResultVersion.objects.values_list("number", "is_published")),
        list(ExportJob.objects.values_list("pk", "status")),
        list(projects.Portfolio.objects.order_by("pk").values_list("title", "cadence")),
        list(projects.Project.objects.order_by("pk").values_list(
            "title", "state", "lead_unit", "grade", "outstanding", "replication_case")),
        list(projects.Milestone.objects.order_by("pk").values_list("title", "percent",
                                                                   "done_on")),
        list(projects.Claim.objects.order_by("pk").values_list("state", "plan")),
        projects.ProgressUpdate.objects.count(), projects.Attachment.objects.count(),
        list(projects.FollowUp.objects.order_by("pk").values_list("reply", flat=True)),
        list(projects.Roadshow.objects.order_by("pk").values_list("title", "state",
                                                                  "criteria")),
        list(projects.Judge.objects.order_by("pk").values_list("name", "group_id")),
        list(projects.Presentation.objects.order_by("pk").values_list("position", "state",
                                                                      "comment")),
        list(projects.Score.objects.order_by("pk").values_list("points", "grade")),
        list(supervision.Inspection.objects.order_by("pk").values_list("title", "state",
                                                                       "ends_on")),
        list(supervision.InspectionTarget.objects.order_by("pk").values_list("unit_id",
                                                                             "reason")),
        list(supervision.ChecklistItem.objects.order_by("pk").values_list("code", "text")),
        list(supervision.FindingCategory.objects.order_by("pk").values_list("name",
                                                                            "is_active")),
        list(supervision.Finding.objects.order_by("pk").values_list("description",
                                                                    "severity", "unit_id")),
        supervision.Suggestion.objects.count(), supervision.Evidence.objects.count(),
        list(supervision.Rectification.objects.order_by("pk").values_list(
            "state", "deadline", "requested_deadline", "content", "lead_unit_id")),
        supervision.RectificationEvent.objects.count(),
        supervision.RecheckVerdict.objects.count(),
        list(cadres.Appraisal.objects.order_by("pk").values_list("status", "dimensions",
                                                                 "sources")),
        list(cadres.Rater.objects.order_by("pk").values_list("name", "submitted_at")),
        list(cadres.Rater.conflicts.through.objects.values_list("rater_id", "person_id")),
        cadres.Rating.objects.count(),
        list(cadres.IndexRule.objects.order_by("pk").values_list("bands", flat=True)),
        list(cadres.FollowUp.objects.order_by("pk").values_list("status", "outcome")),
        AuditEntry.objects.count(),
    )


API_CASES = [
    ("get", "/api/v1/units/{A}", None),
    ("get", "/api/v1/units/{A}/children", None),
    ("get", "/api/v1/units?under={A}", None),
    ("post", "/api/v1/units", {"code": "N1", "name": "n", "kind": "branch", "parent_id": "{A}"}),
    ("patch", "/api/v1/units/{A}", {"name": "hijacked"}),
    ("post", "/api/v1/units/{A}/move", {"parent_id": "{B}"}),
    ("post", "/api/v1/units/{B}/move", {"parent_id": "{A}"}),
    ("get", "/api/v1/people/{pA}", None),
    ("get", "/api/v1/people?unit={A}", None),
    ("post", "/api/v1/people", {"unit_id": "{A}", "name": "n", "gender": "male"}),
    ("patch", "/api/v1/people/{pA}", {"name": "hijacked"}),
    ("patch", "/api/v1/people/{pB}", {"unit_id": "{A}"}),
    ("get", "/api/v1/assessment/plans/{plan}", None),
    ("get", "/api/v1/assessment/plans/{plan}/results", None),
    ("get", "/api/v1/assessment/plans/{plan}/submissions", None),
    ("put", "/api/v1/assessment/plans/{plan}/units/{A1}/values",
     {"values": {"Q1": {"value": 1}}}),
    ("put", "/api/v1/assessment/plans/{plan}/units/{A}/values",
     {"values": {"Q1": {"value": 1}}}),
    ("post", "/api/v1/assessment/plans/{plan}/units/{A1}/submit", None),
    ("put", "/api/v1/assessment/plans/{cplan}/people/{cA}/values",
     {"values": {"Q1": {"value": 1}}}),
    ("post", "/api/v1/assessment/plans/{cplan}/people/{cA}/submit", None),
    ("post", "/api/v1/assessment/plans/{cplan}/people/{cA}/review", {"approve": True}),
    ("get", "/api/v1/assessment/plans/{cplan}/results", None),
    ("get", "/api/v1/cadres/people/{cA}/profile", None),
    ("post", "/api/v1/cadres/follow-ups/{cfu}/close", {"outcome": "hijacked"}),
    ("post", "/api/v1/cadres/plans/{cplan}/appraisal/fill", None),
    ("post", "/api/v1/assessment/plans/{plan}/score", None),
    ("post", "/api/v1/assessment/plans/{plan}/publish", {}),
    ("get", "/api/v1/assessment/units/{A}/indicators", None),
    ("post", "/api/v1/assessment/units/{A}/indicators", {"code": "N1", "name": "n"}),
    ("patch", "/api/v1/assessment/units/{A}/indicators/{ind}", {"name": "hijacked"}),
    ("patch", "/api/v1/assessment/units/{B}/indicators/{ind}", {"name": "hijacked"}),
    ("post", "/api/v1/assessment/plans", {"owner_id": "{A}", "name": "n", "period_kind": "month",
                                          "period_day": "2026-10-01"}),
    ("patch", "/api/v1/assessment/plans/{plan}", {"name": "hijacked"}),
    ("put", "/api/v1/assessment/plans/{plan}/indicators/{ind}", {"weight": 1}),
    ("delete", "/api/v1/assessment/plans/{plan}/indicators/{ind}", None),
    ("put", "/api/v1/assessment/plans/{plan}/weights", {"weights": {"Q1": 100}}),
    ("post", "/api/v1/assessment/plans/{plan}/weights/ahp", {"codes": ["Q1"],
                                                             "pairwise": [[1]]}),
    ("post", "/api/v1/assessment/plans/{plan}/weights/objective", {"method": "critic"}),
    ("post", "/api/v1/assessment/plans/{plan}/open", None),
    ("post", "/api/v1/assessment/plans/{plan}/correct", {"reason": "hijacked"}),
    ("put", "/api/v1/assessment/plans/{plan}/values",
     {"values": [{"unit": "370502001", "indicator": "Q1", "value": 1}]}),
    ("post", "/api/v1/assessment/plans/{plan}/units/{A1}/review", {"approve": True}),
    ("get", "/api/v1/assessment/plans/{plan}/lists/red", None),
    ("get", "/api/v1/surveys/campaigns/{camp}/results", None),
    # projects API: portfolios, projects, steps, claims, reports, follow-ups, roadshows
    ("post", "/api/v1/projects/portfolios", {"owner_id": "{A}", "title": "hijacked",
                                             "year": 2026}),
    ("get", "/api/v1/projects/portfolios/{port}", None),
    ("get", "/api/v1/projects/portfolios/{port}/projects", None),
    ("get", "/api/v1/projects/portfolios/{port}/projects?unit={A}", None),
    ("post", "/api/v1/projects/portfolios/{port}/projects", {"title": "hijacked"}),
    ("post", "/api/v1/projects/portfolios/{port}/projects", {"title": "hijacked",
                                                             "proposed_by_id": "{B}"}),
    ("get", "/api/v1/projects/{proj}", None),
    ("get", "/api/v1/projects/{running}", None),
    ("get", "/api/v1/projects/{listed}", None),
    ("patch", "/api/v1/projects/{running}", {"title": "hijacked"}),
    ("patch", "/api/v1/projects/{proj}", {"goal": "hijacked"}),
    ("put", "/api/v1/projects/{running}/milestones", {"milestones": []}),
    ("post", "/api/v1/projects/{proj}/steps", {"step": "submit"}),
    ("post", "/api/v1/projects/{running}/steps", {"step": "terminate", "note": "hijacked"}),
    ("post", "/api/v1/projects/{listed}/claims", {"unit_id": "{B}", "plan": "hijacked"}),
    ("post", "/api/v1/projects/claims/{claim}/decision", {"approve": True}),
    ("get", "/api/v1/projects/{running}/updates", None),
    ("post", "/api/v1/projects/{running}/updates", {"text": "hijacked"}),
    ("post", "/api/v1/projects/{running}/updates/with-files", {}),
    ("post", "/api/v1/projects/{running}/follow-ups", {"reason": "hijacked"}),
    ("post", "/api/v1/projects/{running}/follow-ups", {"reason": "hijacked",
                                                       "milestone_id": "{ms}"}),
    ("post", "/api/v1/projects/follow-ups/{fu}/reply", {"reply": "hijacked"}),
    ("get", "/api/v1/projects/roadshows/{road}", None),
    ("get", "/api/v1/projects/roadshows/{road}/standings", None),
    ("get", "/api/v1/projects/roadshows/{road}/scores", None),
    # supervision API: inspections, findings, rectifications and their steps, figures
    ("get", "/api/v1/supervision/inspections?unit={A}", None),
    ("post", "/api/v1/supervision/inspections", {
        "owner_id": "{A}", "title": "hijacked", "starts_on": "2026-10-01",
        "ends_on": "2026-10-02", "targets": [{"unit_id": "{A1}"}]}),
    ("post", "/api/v1/supervision/inspections", {
        "owner_id": "{B}", "title": "hijacked", "starts_on": "2026-10-01",
        "ends_on": "2026-10-02", "targets": [{"unit_id": "{A1}"}]}),
    ("post", "/api/v1/supervision/inspections", {
        "owner_id": "{B}", "title": "hijacked", "starts_on": "2026-10-01",
        "ends_on": "2026-10-02", "targets": [], "rechecks_id": "{insp}"}),
    ("post", "/api/v1/supervision/inspections", {
        "owner_id": "{B}", "title": "hijacked", "starts_on": "2026-10-01",
        "ends_on": "2026-10-02", "targets": [], "leader_id": "{pA}"}),
    ("post", "/api/v1/supervision/inspections/from-ranking", {
        "owner_id": "{A}", "source_kind": "survey", "source_id": "{camp}", "bottom": 1,
        "title": "hijacked", "starts_on": "2026-10-01", "ends_on": "2026-10-02"}),
    ("post", "/api/v1/supervision/inspections/from-ranking", {
        "owner_id": "{B}", "source_kind": "survey", "source_id": "{camp}", "bottom": 1,
        "title": "hijacked", "starts_on": "2026-10-01", "ends_on": "2026-10-02"}),
    ("post", "/api/v1/supervision/inspections/from-ranking", {
        "owner_id": "{B}", "source_kind": "assessment", "source_id": "{plan}", "bottom": 1,
        "title": "hijacked", "starts_on": "2026-10-01", "ends_on": "2026-10-02"}),
    ("get", "/api/v1/supervision/inspections/{insp}", None),
    ("post", "/api/v1/supervision/inspections/{insp}/state", {"state": "concluded"}),
    ("get", "/api/v1/supervision/inspections/{insp}/figures", None),
    ("get", "/api/v1/supervision/inspections/{insp}/findings", None),
    ("post", "/api/v1/supervision/inspections/{insp}/findings", {"unit_id": "{A1}",
                                                                "person_id": "{pA}",
                                                                "description": "hijacked"}),
    ("post", "/api/v1/supervision/inspections/{insp}/findings", {"unit_id": "{A1}",
                                                               "description": "hijacked"}),
    ("post", "/api/v1/supervision/inspections/{insp}/findings", {"findings": [
        {"unit_id": "{A1}", "description": "hijacked"}]}),
    ("get", "/api/v1/supervision/findings/{find}", None),
    ("get", "/api/v1/supervision/categories?owner={A}", None),
    ("get", "/api/v1/supervision/rectifications?unit={A1}", None),
    ("get", "/api/v1/supervision/rectifications?inspection={insp}", None),
    ("post", "/api/v1/supervision/rectifications", {
        "owner_id": "{A}", "source": "leader", "content": "hijacked", "lead_unit_id": "{A1}",
        "deadline": "2099-01-01"}),
    ("post", "/api/v1/supervision/rectifications", {
        "owner_id": "{B}", "source": "leader", "content": "hijacked", "lead_unit_id": "{A1}",
        "deadline": "2099-01-01"}),
    ("get", "/api/v1/supervision/rectifications/{rect}", None),
    ("post", "/api/v1/supervision/rectifications/{rect}/steps", {
        "step": "request_extension", "note": "hijacked", "deadline": "2099-01-01"}),
    ("post", "/api/v1/supervision/rectifications/{rect}/steps", {"step": "report",
                                                                "note": "hijacked"}),
    ("post", "/api/v1/supervision/rectifications/{rect}/steps/with-files", {}),
    ("get", "/api/v1/supervision/figures?unit={A}", None),
    ("get", "/api/v1/supervision/inspections/{re}/recheck", None),
    ("post", "/api/v1/supervision/inspections/{re}/recheck", {
        "finding_id": "{closed}", "verdict": "reopened", "note": "hijacked"}),
]
# Public by design: the link token is the capability, and anyone holding it may answer.
PUBLIC_OPERATIONS = {("post", "/api/v1/public/surveys/{link_token}/responses"),
                     ("get", "/api/v1/public/judges/{token}"),
                     ("post", "/api/v1/public/judges/{token}/scores"),
                     ("post", "/api/v1/public/cadre/ballots")}

PAGE_CASES = [
    ("get", "/units/{A}/", None),
    ("get", "/units/{A}/children/", None),
    ("get", "/units/{A}/new/", None),
    ("post", "/units/{A}/new/", {"code": "N1", "name": "n", "kind": "branch", "sort_order": 0}),
    ("get", "/units/{A}/edit/", None),
    ("post", "/units/{A}/edit/", {"code": "370502", "name": "hijacked", "kind": "branch",
                                  "sort_order": 0}),
    ("get", "/units/{A}/move/", None),
    ("post", "/units/{A}/move/", {"parent_code": "370503"}),
    ("get", "/units/{A}/people/new/", None),
    ("post", "/units/{A}/people/new/", {"name": "n", "gender": "male"}),
    ("get", "/units/export.xlsx?under={A}", None),
    ("get", "/people/?unit={A}", None),
    ("get", "/people/{pA}/", None),
    ("get", "/people/{pA}/edit/", None),
    ("post", "/people/{pA}/edit/", {"name": "hijacked", "gender": "male"}),
    ("get", "/audit/?unit=370502", None),
    ("get", "/accounts/{uA}/", None),
    ("post", "/accounts/{uA}/grant/", {"role": "reporter", "unit_code": "370503"}),
    ("post", "/accounts/{uA}/grants/{gA}/revoke/", {}),
    ("post", "/accounts/{uA}/password/", {"password": "Hijacked-Password-1"}),
    ("post", "/accounts/{uA}/active/", {"is_active": "false"}),
    ("get", "/accounts/new/?person={pA}", None),
    ("get", "/assessment/{plan}/", None),
    ("get", "/assessment/{plan}/board/", None),
    ("post", "/assessment/{plan}/score/", {}),
    ("post", "/assessment/{plan}/publish/", {}),
    ("get", "/assessment/{plan}/units/{A1}/", None),
    ("post", "/assessment/{plan}/units/{A1}/", {"v_Q1": "5", "save": "1"}),
    ("post", "/assessment/{plan}/units/{A1}/review/", {"approve": "1"}),
    ("post", "/accounts/new/?person={pA}", {"username": "n", "password": "Hijacked-Password-1",
                                            "role": "reporter", "unit_code": "370503"}),
    ("get", "/assessment/{plan}/template.xlsx", None),
    ("get", "/assessment/{plan}/upload/", None),
    ("post", "/assessment/{plan}/upload/", {}),
    ("get", "/assessment/{plan}/results.xlsx", None),
    ("post", "/assessment/{plan}/results.xlsx", {}),
    ("get", "/exports/{export}/", None),
    ("get", "/exports/{export}/download/", None),
    ("get", "/assessment/{plan}/submissions.xlsx", None),
    ("get", "/assessment/{plan}/units/{A1}/scorecard/", None),
    ("get", "/assessment/{cplan}/people/{cA}/", None),
    ("post", "/assessment/{cplan}/people/{cA}/", {"v_Q1": "5", "save": "1"}),
    ("post", "/assessment/{cplan}/people/{cA}/review/", {"approve": "1"}),
    ("get", "/assessment/{cplan}/people/{cA}/scorecard/", None),
    ("get", "/assessment/{cplan}/people/{cA}/explain/", None),
    ("get", "/assessment/{cplan}/", None),
    ("get", "/assessment/{cplan}/board/", None),
    ("get", "/cadres/plans/{cplan}/appraisal/", None),
    ("post", "/cadres/plans/{cplan}/appraisal/", {"dimensions": "政治思想 1", "grades": "优秀 95",
                                                 "quota_rounding": "floor", "drop_highest": 0,
                                                 "drop_lowest": 0}),
    ("post", "/cadres/plans/{cplan}/appraisal/status/", {"status": "rating"}),
    ("post", "/cadres/plans/{cplan}/appraisal/fill/", None),
    ("post", "/cadres/plans/{cplan}/appraisal/raters/", {"role": "peer", "unit_code": "370502001",
                                                        "names": "hijacked"}),
    ("get", "/cadres/raters/{rater}/conflicts/", None),
    ("post", "/cadres/raters/{rater}/conflicts/", {"people": ["{cA}"]}),
    ("get", "/cadres/plans/{cplan}/index/", None),
    ("post", "/cadres/plans/{cplan}/index/", {"bands": "|hijacked|x"}),
    ("post", "/cadres/follow-ups/{cfu}/close/", {"outcome": "hijacked"}),
    ("get", "/cadres/people/{cA}/", None),
    ("get", "/cadres/people/{cA}/profile.xlsx", None),
    ("get", "/cadres/people/{cA}/appraisal-sheet.docx", None),
    ("get", "/assessment/{plan}/units/{A1}/explain/", None),
    ("get", "/assessment/{plan}/versions/1/diff/1/", None),
    ("get", "/assessment/{plan}/edit/", None),
    ("post", "/assessment/{plan}/edit/", {"name": "hijacked"}),
    ("get", "/assessment/{plan}/editor/", None),
    ("post", "/assessment/{plan}/editor/add/", {"indicator": "{ind}"}),
    ("post", "/assessment/{plan}/editor/{ind}/remove/", {}),
    ("get", "/assessment/{plan}/editor/{ind}/rule/", None),
    ("post", "/assessment/{plan}/editor/{ind}/rule/", {"rule_kind": "normalize"}),
    ("post", "/assessment/{plan}/editor/weights/", {"w_Q1": "100"}),
    ("post", "/assessment/{plan}/editor/ahp/", {"method": "eigenvector"}),
    ("post", "/assessment/{plan}/editor/ahp/preview/", {"method": "eigenvector"}),
    ("post", "/assessment/{plan}/editor/data/", {"method": "critic"}),
    ("get", "/assessment/catalog/{A}/", None),
    ("get", "/assessment/catalog/{A}/new/", None),
    ("post", "/assessment/catalog/{A}/new/", {"code": "N1", "name": "n"}),
    ("get", "/assessment/catalog/{A}/{ind}/", None),
    ("post", "/assessment/catalog/{A}/{ind}/", {"code": "Q1", "name": "hijacked"}),
    ("post", "/assessment/catalog/{B}/{ind}/", {"code": "Q1", "name": "hijacked"}),
    ("get", "/assessment/{plan}/lists/", None),
    ("get", "/assessment/{plan}/lists/export.xlsx", None),
    ("get", "/assessment/{plan}/units/{A1}/lists/", None),
    ("post", "/assessment/{plan}/units/{A1}/lists/", {"kind": "negative", "date": "2026-10-09",
                                                      "text": "hijacked"}),
    ("post", "/assessment/lists/{entry}/review/", {"confirm": "1"}),
    ("post", "/assessment/lists/{entry}/tolerance/", {"reason": "hijacked",
                                                      "approver": "hijacked"}),
    ("get", "/assessment/evidence/{file}/", None),
    ("post", "/assessment/evidence/{file}/delete/", {}),
    ("get", "/surveys/questionnaires/{qn}/", None),
    ("get", "/surveys/questionnaires/{qn}/xlsform.xlsx", None),
    ("post", "/surveys/questionnaires/{qn}/copy/", {}),
    ("post", "/surveys/questionnaires/{qn}/settings/", {"title": "hijacked"}),
    ("post", "/surveys/questionnaires/{qn}/add-aspect/", {"title": "hijacked", "weight": "1"}),
    ("post", "/surveys/questionnaires/{qn}/aspects/a1/", {"title": "hijacked", "weight": "1"}),
    ("post", "/surveys/questionnaires/{qn}/aspects/a1/remove/", {}),
    ("post", "/surveys/questionnaires/{qn}/aspects/a1/move/", {"step": "up"}),
    ("post", "/surveys/questionnaires/{qn}/add-item/", {"label": "hijacked", "kind": "text"}),
    ("get", "/surveys/questionnaires/{qn}/items/Q1/", None),
    ("post", "/surveys/questionnaires/{qn}/items/Q1/", {"code": "Q1", "label": "hijacked",
                                                        "kind": "text", "weight": "1"}),
    ("post", "/surveys/questionnaires/{qn}/items/Q1/remove/", {}),
    ("post", "/surveys/questionnaires/{qn}/items/Q1/move/", {"step": "up"}),
    ("get", "/surveys/campaigns/{camp}/", None),
    ("get", "/projects/{proj}/", None),
    ("post", "/surveys/campaigns/{camp}/close/status/", {}),
    ("get", "/surveys/campaigns/{camp}/distribution/", None),
    ("get", "/surveys/campaigns/{camp}/distribution.docx", None),
    ("get", "/surveys/campaigns/{camp}/qr/{tgt}.png", None),
    ("get", "/surveys/campaigns/{camp}/codes/{tgt}/", None),
    ("post", "/surveys/campaigns/{camp}/codes/{tgt}/", {"names": "hijacked"}),
    ("get", "/surveys/campaigns/{camp}/results/", None),
    ("get", "/surveys/campaigns/{camp}/results/?refresh=1", None),
    ("get", "/surveys/campaigns/{camp}/results.xlsx", None),
    ("post", "/surveys/campaigns/{camp}/responses/export/", {}),
    ("get", "/surveys/campaigns/{camp}/review/", None),
    ("post", "/surveys/campaigns/{camp}/review/", {"response": "{resp}", "action": "exclude",
                                                   "reason": "hijacked"}),
    # a project's pages: new, edit, steps, claims, reports and files, follow-ups, recognition
    ("get", "/portfolios/{port}/projects/new/", None),
    ("post", "/portfolios/{port}/projects/new/", {"title": "hijacked",
                                                  "proposed_by": "{A1}"}),
    ("get", "/portfolios/{port}/projects/new/units/?q=370502", None),
    ("get", "/portfolios/{port}/projects/new/people/?q=张", None),
    ("get", "/projects/{running}/edit/", None),
    ("post", "/projects/{running}/edit/", {"title": "hijacked", "ms_title": "hijacked",
                                           "ms_due": "2026-10-01"}),
    ("post", "/projects/{proj}/step/", {"step": "submit"}),
    ("post", "/projects/{running}/step/", {"step": "terminate", "note": "hijacked"}),
    ("post", "/projects/{running}/recognize/", {"outstanding": "on"}),
    ("get", "/projects/{listed}/", None),
    ("post", "/projects/{listed}/claims/", {"unit": "{B}", "plan": "hijacked"}),
    ("post", "/projects/{listed}/claims/{claim}/decide/", {"decision": "approve"}),
    ("get", "/projects/{running}/report/", None),
    ("post", "/projects/{running}/report/", {"text": "hijacked", "percent_{ms}": "100"}),
    ("get", "/projects/{running}/files/{att}/", None),
    ("get", "/projects/{running}/", None),
    ("post", "/projects/{running}/follow-ups/", {"reason": "hijacked"}),
    ("post", "/projects/{running}/follow-ups/{fu}/reply/", {"reply": "hijacked"}),
    # portfolios: the battle map, the board, the review and their workbooks
    ("get", "/portfolios/{port}/", None),
    ("get", "/portfolios/{port}/?unit={A}", None),
    ("get", "/portfolios/{port}/board/", None),
    ("get", "/portfolios/{port}/review/", None),
    ("post", "/portfolios/{port}/review/", {"projects": "{running}", "outstanding": "{running}",
                                            "replication": "{running}"}),
    ("get", "/portfolios/{port}/projects.xlsx", None),
    ("get", "/portfolios/{port}/review.xlsx", None),
    ("get", "/portfolios/{port}/wallchart.xlsx", None),
    ("get", "/portfolios/{port}/edit/", None),
    ("post", "/portfolios/{port}/edit/", {"title": "hijacked", "year": 2026,
                                          "cadence": "daily", "at_risk_days": 1}),
    ("post", "/portfolios/new/", {"owner": "{A}", "title": "hijacked", "year": 2026,
                                  "cadence": "daily", "at_risk_days": 1}),
    ("post", "/portfolios/new/", {"owner": "{A1}", "title": "hijacked", "year": 2026,
                                  "cadence": "daily", "at_risk_days": 1}),
    # roadshows: set-up, panel and links, running order, console, big screen, result sheets
    ("get", "/roadshows/{road}/", None),
    ("get", "/roadshows/{road}/setup/", None),
    ("post", "/roadshows/{road}/setup/", {"title": "hijacked", "purpose": "showcase",
                                          "held_on": "2026-10-01", "criterion_code": "c1",
                                          "criterion_name": "x", "criterion_max": "10",
                                          "drop_highest": 0, "drop_lowest": 0}),
    ("post", "/roadshows/{road}/judges/", {"judge_name": "hijacked", "judge_group": "评委"}),
    ("post", "/roadshows/{road}/judges/{judge}/remove/", {}),
    ("get", "/roadshows/{road}/judges/links/", None),
    ("get", "/roadshows/{road}/judges/{judge}/qr.png", None),
    ("post", "/roadshows/{road}/order/", {"project": "{running}"}),
    ("get", "/roadshows/{road}/console/", None),
    ("get", "/roadshows/{road}/console/standings/", None),
    ("post", "/roadshows/{road}/presentations/{pres}/move/", {"move": "close"}),
    ("post", "/roadshows/{road}/presentations/{pres}/comment/", {"comment": "hijacked"}),
    ("post", "/roadshows/{road}/close/", {}),
    ("get", "/roadshows/{road}/live/", None),
    ("get", "/roadshows/{road}/live.json", None),
    ("get", "/roadshows/{road}/results.docx", None),
    ("get", "/roadshows/{road}/results.xlsx", None),
    ("post", "/roadshows/new/", {"owner": "{A}", "title": "hijacked", "purpose": "showcase",
                                 "held_on": "2026-10-01", "criterion_code": "c1",
                                 "criterion_name": "x", "criterion_max": "10",
                                 "drop_highest": 0, "drop_lowest": 0}),
    ("post", "/roadshows/new/", {"owner": "{B}", "portfolio": "{port}", "title": "hijacked",
                                 "purpose": "showcase", "held_on": "2026-10-01",
                                 "criterion_code": "c1", "criterion_name": "x",
                                 "criterion_max": "10", "drop_highest": 0, "drop_lowest": 0}),
    # inspections: the plan, its findings, files and exports, categories (inspection_views.py)
    ("get", "/inspections/{insp}/", None),
    ("post", "/inspections/{insp}/move/", {"state": "concluded"}),
    ("get", "/inspections/{insp}/findings/new/", None),
    ("post", "/inspections/{insp}/findings/new/", {"unit": "{A1}", "severity": "minor",
                                                   "description": "hijacked"}),
    ("get", "/inspections/{insp}/findings/template.xlsx", None),
    ("get", "/inspections/{insp}/findings/import/", None),
    ("post", "/inspections/{insp}/findings/import/", {}),
    ("get", "/inspections/{insp}/findings.xlsx", None),
    ("get", "/inspections/{insp}/report.docx", None),
    ("get", "/inspections/{insp}/evidence/{ev}/", None),
    ("get", "/inspections/{re}/", None),
    ("post", "/inspections/{re}/recheck/{closed}/", {"verdict": "reopened",
                                                     "note": "hijacked"}),
    ("get", "/inspections/categories/?owner={A}", None),
    ("post", "/inspections/categories/", {"owner": "{A}", "names": "hijacked"}),
    ("post", "/inspections/new/", {"owner": "{A}", "title": "hijacked", "kind": "inspection",
                                   "starts_on": "2026-10-01", "ends_on": "2026-10-02",
                                   "targets": "370502001"}),
    ("get", "/inspections/new/from-ranking/?source=survey:{camp}&bottom=1", None),
    ("post", "/inspections/new/from-ranking/", {"source": "survey:{camp}", "bottom": "1",
                                                "owner": "{A}", "title": "hijacked",
                                                "starts_on": "2026-10-01",
                                                "ends_on": "2026-10-02"}),
    # rectifications: the board and its workbook, a task's page, steps and files, the due
    # list, registration (rectification_views.py)
    ("get", "/rectifications/?unit={A}", None),
    ("get", "/rectifications/?inspection={insp}", None),
    ("get", "/rectifications/export.xlsx?unit={A1}", None),
    ("get", "/rectifications/export.xlsx?inspection={insp}", None),
    ("post", "/rectifications/export.xlsx?unit={A1}", {}),
    ("get", "/rectifications/due/?unit={A}", None),
    ("get", "/rectifications/{rect}/", None),
    ("get", "/rectifications/{rect}/evidence/{ev}/", None),
    ("post", "/rectifications/{rect}/step/", {"step": "report", "note": "hijacked"}),
    ("post", "/rectifications/{rect}/step/", {"step": "request_extension", "note": "hijacked",
                                              "deadline": "2099-01-01"}),
    ("post", "/rectifications/{rect}/step/", {"step": "return", "note": "hijacked",
                                              "back": "queue"}),
    ("post", "/rectifications/new/", {"owner": "{A}", "source": "leader", "content": "hijacked",
                                      "lead_unit": "370502001", "deadline": "2099-01-01",
                                      "feedback_cadence": "none"}),
]


@pytest.fixture
def a_plan(tree, county_admin):
    """A plan of county A assessing its townships, open and scored once."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from pacesetter.assessment import records, services
    from pacesetter.exports import services as export_services

    period = services.period_get(kind="month", day=datetime.date(2026, 10, 1))
    plan = services.plan_create(actor=county_admin, owner=tree.county_a, name="乡镇考核",
                                period=period, assessed_levels=[4])
    indicator = services.indicator_create(actor=county_admin, owner=tree.county_a, code="Q1",
                                          name="q", rule_kind="normalize",
                                          rule={"method": "minmax"})
    services.plan_indicator_set(actor=county_admin, plan=plan, indicator=indicator,
                                weight=100)
    services.plan_open(actor=county_admin, plan=plan)
    services.plan_score(actor=county_admin, plan=plan)
    _a_cadre_plan(tree, county_admin, period, indicator)
    pdf = b"%PDF-1.4 evidence"
    records.list_entry_create(actor=county_admin, unit=tree.township_a1, plan=plan,
                              kind="achievement", date=datetime.date(2026, 10, 9), text="表彰",
                              files=[SimpleUploadedFile("表彰.pdf", pdf)])
    job = export_services.export_request(
        actor=county_admin, kind="assessment.results", params={"plan": plan.pk, "version": 1,
                                                          "version_id": plan.versions.get().pk},
        title="乡镇考核 结果", unit_path=tree.county_a.path, rows_total=2)
    export_services.export_run(export_id=job.pk)
    _a_campaign(tree, county_admin)
    _a_project(tree, county_admin)
    _a_supervision(tree, county_admin)
    return plan


def _a_cadre_plan(tree, county_admin, period, indicator):
    """County A's appraisal of the party secretary of its township A1 ({cA}), scored."""
    from pacesetter.assessment import services
    from tests.factories import PersonFactory

    PersonFactory(unit=tree.township_a1, name="乡镇书记", position="镇党委书记")
    plan = services.plan_create(actor=county_admin, owner=tree.county_a, name="乡镇领导干部考核",
                                period=period, assessed_levels=[4], subject_kind="cadre",
                                assessed_positions=["镇党委书记"])
    services.plan_indicator_set(actor=county_admin, plan=plan, indicator=indicator,
                                weight=100)
    services.plan_open(actor=county_admin, plan=plan)
    version = services.plan_score(actor=county_admin, plan=plan)
    _a_cadre_appraisal(tree, county_admin, plan, version)


def _a_cadre_appraisal(tree, county_admin, plan, version):
    """The cadre plan's appraisal with one rater ({rater}), its index rule and a follow-up
    ({cfu}) for {cA}."""
    from pacesetter.cadres import models, services

    appraisal = services.appraisal_save(actor=county_admin, plan=plan, sources={})
    services.raters_issue(actor=county_admin, appraisal=appraisal, role="peer",
                          rates_unit=tree.township_a1, raters=[("评议人", None)])
    rule = services.index_rule_save(actor=county_admin, plan=plan,
                                    bands=[{"label": "提醒谈话", "action": "约谈"}])
    result = version.results.get()
    models.FollowUp.objects.create(rule=rule, version=version, person=result.person,
                                   unit=result.unit, index=result.total, band="提醒谈话",
                                   action="约谈")


def _a_supervision(tree, county_admin):
    """County A inspects its township A1 ({insp}) with a checklist and its category list
    ({cat}); a finding ({find}) with a suggestion and a photo ({ev}) yields a rectification
    ({rect}) the township has accepted and is working on (in progress, so every step can be
    tried); a second task registered from a leader's instruction; a second finding
    ({closed}) closed out, and a re-check ({re}) that revisits it."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from pacesetter.orgs.models import Role
    from pacesetter.supervision import services as supervision_services
    from pacesetter.supervision.services import FindingData, TargetData
    from tests.factories import user_with_role

    today = datetime.date.today()
    township = user_with_role(Role.ORG_ADMIN, tree.township_a1, username="township_a1_admin")
    category = supervision_services.categories_set(actor=county_admin, owner=tree.county_a,
                                                   names=["基层组织建设"])[0]
    inspection = supervision_services.inspection_create(
        actor=county_admin, owner=tree.county_a, title="乡镇督查", starts_on=today,
        ends_on=today + datetime.timedelta(days=5),
        targets=[TargetData(tree.township_a1, "测评倒数第1")],
        checklist=[("C1", "“三会一课”落实情况")])
    supervision_services.inspection_move(actor=county_admin, inspection=inspection,
                                         state="under_way")
    finding = supervision_services.finding_record(
        actor=county_admin, inspection=inspection,
        data=FindingData(tree.township_a1, "会议记录不全", "serious", category,
                         inspection.checklist.get(), suggestions=["建立月检制度"]),
        files=[SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff photo")])
    task = finding.rectification
    for step, actor in (("assign", county_admin), ("accept", township), ("start", township)):
        task = supervision_services.rectification_step(actor=actor, rectification=task,
                                                       step=step)
    supervision_services.rectification_register(
        actor=county_admin, owner=tree.county_a, source="leader", content="落实书记批示",
        lead_unit=tree.township_a1, deadline=today + datetime.timedelta(days=20),
        source_note="书记批示")
    closed = supervision_services.finding_record(
        actor=county_admin, inspection=inspection,
        data=FindingData(tree.township_a1, "党员档案缺页", "minor", category)).rectification
    for step, actor in (("assign", county_admin), ("accept", township), ("start", township)):
        closed = supervision_services.rectification_step(actor=actor, rectification=closed,
                                                         step=step)
    closed = supervision_services.rectification_step(
        actor=township, rectification=closed, step="report", note="已补齐",
        files=[SimpleUploadedFile("档案.jpg", b"\xff\xd8\xff photo")])
    for step in ("review", "complete", "close"):
        closed = supervision_services.rectification_step(actor=county_admin,
                                                         rectification=closed, step=step)
    supervision_services.inspection_create(
        actor=county_admin, owner=tree.county_a, title="乡镇督查回头看", kind="recheck",
        rechecks=inspection, starts_on=today, ends_on=today, targets=[])


def _a_project(tree, county_admin):
    """County A's portfolio: a draft project its township proposed ({proj}); a running one
    with a milestone ({ms}), a progress report with a photo ({att}), a follow-up ({fu}) and a
    claim ({claim}) on a third, listed project ({listed}); and a live roadshow ({road}) where the
    running project presents ({pres}) to a judge ({judge}) who has scored it."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from pacesetter.projects import services as project_services
    from pacesetter.projects.services import JudgeData, MilestoneData, ProjectData

    today = datetime.date.today()
    portfolio = project_services.portfolio_create(actor=county_admin, owner=tree.county_a,
                                                  title="乡镇创新项目", year=today.year)
    project_services.project_create(actor=county_admin, portfolio=portfolio,
                                    proposed_by=tree.township_a1, data=ProjectData("网格治理"))
    running = project_services.project_create(
        actor=county_admin, portfolio=portfolio, proposed_by=tree.township_a1,
        data=ProjectData("红色物业", starts_on=today - datetime.timedelta(days=30)),
        milestones=[MilestoneData("方案", today + datetime.timedelta(days=20))])
    for step in ("submit", "approve", "start"):
        project_services.project_step(actor=county_admin, project=running, step=step)
    project_services.progress_report(
        actor=county_admin, project=running, text="已完成方案",
        percents={running.milestones.get().pk: 50},
        files=[SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff photo")])
    project_services.follow_up_raise(actor=county_admin, project=running, reason="加快进度")
    listed = project_services.project_create(actor=county_admin, portfolio=portfolio,
                                             data=ProjectData("积分超市"))
    project_services.project_step(actor=county_admin, project=listed, step="list")
    project_services.claim_apply(actor=county_admin, project=listed, unit=tree.township_a1,
                                 plan="我镇承接")
    roadshow = project_services.roadshow_create(
        actor=county_admin, owner=tree.county_a, portfolio=portfolio, title="乡镇路演",
        held_on=today, criteria=[{"code": "c1", "name": "创新性", "max": 50},
                                 {"code": "c2", "name": "实效性", "max": 50}])
    judge = project_services.judges_add(actor=county_admin, roadshow=roadshow,
                                        judges=[JudgeData("评委甲")])[0]
    presentation = project_services.presentations_set(actor=county_admin, roadshow=roadshow,
                                                      projects=[running])[0]
    project_services.presentation_move(actor=county_admin, presentation=presentation,
                                       state="open")
    project_services.score_submit(judge=judge, presentation_id=presentation.pk,
                                  points={"c1": 40, "c2": 40})


def _a_campaign(tree, county_admin):
    """County A's survey of its township, open, with one response."""
    import datetime

    from django.utils import timezone

    from pacesetter.surveys import services as survey_services
    from pacesetter.surveys.definitions import ItemDraft, QuestionnaireDraft, scale_options

    questionnaire = survey_services.questionnaire_create(
        actor=county_admin, owner=tree.county_a, draft=QuestionnaireDraft(
            code="q", title="乡镇满意度", items=[ItemDraft("Q1", "rating", "总体评价",
                                                     options=scale_options("satisfaction4"))]))
    now = timezone.now()
    campaign = survey_services.campaign_create(
        actor=county_admin, owner=tree.county_a, questionnaire=questionnaire, title="乡镇测评",
        opens_at=now - datetime.timedelta(hours=1), closes_at=now + datetime.timedelta(days=1),
        units=[tree.township_a1], mode="panel")
    survey_services.campaign_open(actor=county_admin, campaign=campaign)
    code = survey_services.panel_codes_issue(actor=county_admin, target=campaign.targets.get(),
                                             names=["代表"])[0][1]
    survey_services.response_submit(token=campaign.targets.get().link_token, respondent=code,
                                     answers={"Q1": "my"})


def fill(template, tree):
    text = json.dumps(template) if not isinstance(template, str) else template
    for key, value in world_ids(tree).items():
        text = text.replace(f'"{key}"', str(value)).replace(key, str(value))
    return json.loads(text) if not isinstance(template, str) else text


def world_ids(tree):
    """The placeholders of the cases and the ids they stand for in the world."""
    from pacesetter.assessment.models import AssessmentPlan, Attachment, Indicator, ListEntry
    from pacesetter.cadres import models as cadres
    from pacesetter.exports.models import ExportJob
    from pacesetter.orgs.models import Person, User
    from pacesetter.projects import models as projects
    from pacesetter.supervision import models as supervision
    from pacesetter.surveys.models import Campaign, Questionnaire, Response, Target

    account = User.objects.filter(username="reporter").first()
    ids = {"{A}": tree.county_a.pk, "{B}": tree.county_b.pk, "{pA}": tree.person_a.pk,
           "{pB}": tree.person_b.pk, "{uA}": account.pk if account else 0,
           "{gA}": account.role_grants.get().pk if account else 0,
           "{A1}": tree.township_a1.pk,
           "{ind}": getattr(Indicator.objects.filter(code="Q1").first(), "pk", 0),
           "{entry}": getattr(ListEntry.objects.first(), "pk", 0),
           "{file}": getattr(Attachment.objects.first(), "pk", 0),
           "{export}": getattr(ExportJob.objects.first(), "pk", 0),
           "{plan}": getattr(AssessmentPlan.objects.filter(subject_kind="unit").first(), "pk",
                             0),
           "{cplan}": getattr(AssessmentPlan.objects.filter(subject_kind="cadre").first(),
                              "pk", 0),
           "{cA}": getattr(Person.objects.filter(position="镇党委书记").first(), "pk", 0),
           "{camp}": getattr(Campaign.objects.first(), "pk", 0),
           "{tgt}": getattr(Target.objects.first(), "pk", 0),
           "{qn}": getattr(Questionnaire.objects.first(), "pk", 0),
           "{resp}": getattr(Response.objects.first(), "pk", 0),
           "{proj}": getattr(projects.Project.objects.order_by("pk").first(), "pk", 0),
           "{running}": getattr(projects.Project.objects.filter(title="红色物业").first(),
                                "pk", 0),
           "{listed}": getattr(projects.Project.objects.filter(title="积分超市").first(),
                               "pk", 0),
           "{port}": getattr(projects.Portfolio.objects.first(), "pk", 0),
           "{ms}": getattr(projects.Milestone.objects.first(), "pk", 0),
           "{att}": getattr(projects.Attachment.objects.first(), "pk", 0),
           "{fu}": getattr(projects.FollowUp.objects.first(), "pk", 0),
           "{claim}": getattr(projects.Claim.objects.first(), "pk", 0),
           "{road}": getattr(projects.Roadshow.objects.first(), "pk", 0),
           "{pres}": getattr(projects.Presentation.objects.first(), "pk", 0),
           "{judge}": getattr(projects.Judge.objects.first(), "pk", 0),
           "{insp}": getattr(supervision.Inspection.objects.filter(
               kind="inspection").first(), "pk", 0),
           "{re}": getattr(supervision.Inspection.objects.filter(kind="recheck").first(),
                           "pk", 0),
           "{find}": getattr(supervision.Finding.objects.first(), "pk", 0),
           "{closed}": getattr(supervision.Finding.objects.filter(
               rectification__state="closed").first(), "pk", 0),
           "{rect}": getattr(supervision.Rectification.objects.filter(
               finding__isnull=False, state="in_progress").first(), "pk", 0),
           "{ev}": getattr(supervision.Evidence.objects.first(), "pk", 0),
           "{cat}": getattr(supervision.FindingCategory.objects.first(), "pk", 0),
           "{rater}": getattr(cadres.Rater.objects.first(), "pk", 0),
           "{cfu}": getattr(cadres.FollowUp.objects.first(), "pk", 0)}
    return ids


def test_every_placeholder_names_an_object_of_the_world(tree, reporter, a_plan):
    """A case whose id names nothing would be refused for that, not for its scope."""
    assert [key for key, pk in world_ids(tree).items() if not pk] == []


@pytest.mark.parametrize(("method", "url", "body"), API_CASES)
def test_api_outside_scope_is_not_found_and_changes_nothing(client, tree, outsider, a_plan,
                                                            method, url, body):
    # given
    headers = {"Authorization": f"Bearer {token_issue(user=outsider)[1]}"}
    before = state()
    # when
    answer = getattr(client, method)(
        fill(url, tree), data=json.dumps(fill(body, tree)) if body else None,
        content_type="application/json", headers=headers)
    # then
    assert answer.status_code == 404, answer.content
    assert state() == before


@pytest.mark.parametrize(("method", "url", "body"), PAGE_CASES)
def test_page_outside_scope_is_not_found_and_changes_nothing(client, tree, outsider, reporter,
                                                             a_plan, method, url, body):
    client.force_login(outsider)
    before = state()
    answer = getattr(client, method)(fill(url, tree), data=fill(body, tree) if body else None)
    assert answer.status_code == 404
    assert state() == before


def test_lists_hold_nothing_of_other_subtrees(client, tree, outsider, a_plan):
    headers = {"Authorization": f"Bearer {token_issue(user=outsider)[1]}"}
    units = client.get("/api/v1/units", headers=headers).json()["items"]
    people = client.get("/api/v1/people", headers=headers).json()["items"]
    assert {u["code"] for u in units} == {"370503"}
    assert client.get("/api/v1/assessment/plans", headers=headers).json()["count"] == 0
    assert client.get("/api/v1/surveys/campaigns", headers=headers).json()["count"] == 0
    assert client.get("/api/v1/projects/portfolios", headers=headers).json()["count"] == 0
    assert client.get("/api/v1/projects/roadshows", headers=headers).json()["count"] == 0
    for listing in ("inspections", "rectifications"):
        assert client.get(f"/api/v1/supervision/{listing}",
                          headers=headers).json()["count"] == 0
    figures = client.get("/api/v1/supervision/figures", headers=headers).json()
    assert (figures["findings"], figures["tasks"]) == (0, 0)
    assert {p["name"] for p in people} == {"李四"}
    client.force_login(outsider)
    page = client.get("/units/?q=东营").content.decode()
    assert "东营区" not in page
    assert "张三" not in client.get("/people/").content.decode()


def test_the_cadre_lists_hold_nothing_of_other_subtrees(client, tree, outsider, a_plan):
    headers = {"Authorization": f"Bearer {token_issue(user=outsider)[1]}"}
    assert client.get("/api/v1/cadres/follow-ups", headers=headers).json() == []
    assert client.get("/api/v1/cadres/candidates", headers=headers).json() == []
    client.force_login(outsider)
    page = client.get("/cadres/follow-ups/").content.decode()
    assert "乡镇书记" not in page


def test_the_portfolio_list_holds_nothing_of_other_subtrees(client, tree, outsider, a_plan):
    """County A's portfolio, its projects and their counts stay off the outsider's list."""
    client.force_login(outsider)
    page = client.get("/portfolios/")
    assert page.status_code == 200
    assert page.context["summaries"] == []
    text = page.content.decode()
    assert "乡镇创新项目" not in text and "红色物业" not in text


def test_the_roadshow_list_holds_nothing_of_other_subtrees(client, tree, outsider, a_plan):
    """County A's roadshow stays off the outsider's list of roadshows."""
    client.force_login(outsider)
    page = client.get("/roadshows/")
    assert page.status_code == 200
    assert "乡镇路演" not in page.content.decode()


def test_every_api_operation_is_covered_by_the_matrix(client, tree, outsider):
    """A new endpoint must join the matrix: compare with the OpenAPI document."""
    client.force_login(outsider)
    spec = client.get("/api/v1/openapi.json").json()
    operations = {(m, p) for p, item in spec["paths"].items() for m in item}
    covered = {(m, u.split("?")[0].replace("{A}", "{unit_id}").replace("{B}", "{unit_id}")
                .replace("{A1}", "{unit_id}").replace("{plan}", "{plan_id}")
                .replace("{cplan}", "{plan_id}").replace("{cA}", "{person_id}")
                .replace("{pA}", "{person_id}").replace("{pB}", "{person_id}")
                .replace("{ind}", "{indicator_id}").replace("/lists/red", "/lists/{mark}")
                .replace("{camp}", "{campaign_id}").replace("{port}", "{portfolio_id}")
                .replace("{proj}", "{project_id}").replace("{running}", "{project_id}")
                .replace("{listed}", "{project_id}").replace("{claim}", "{claim_id}")
                .replace("{fu}", "{follow_up_id}").replace("{cfu}", "{follow_up_id}")
                .replace("{road}", "{roadshow_id}")
                .replace("{insp}", "{inspection_id}").replace("{find}", "{finding_id}")
                .replace("{re}", "{inspection_id}")
                .replace("{rect}", "{rectification_id}"))
               for m, u, _b in API_CASES}
    lists_checked_above = {("get", "/api/v1/me"), ("get", "/api/v1/assessment/plans"),
                           ("get", "/api/v1/surveys/campaigns"),
                           ("get", "/api/v1/projects/portfolios"),
                           ("get", "/api/v1/projects/roadshows"),
                           ("get", "/api/v1/cadres/candidates"),
                           ("get", "/api/v1/cadres/follow-ups")}
    uncovered = ({(m, p) for m, p in operations if (m, p) not in covered}
                 - lists_checked_above - PUBLIC_OPERATIONS)
    assert not uncovered
