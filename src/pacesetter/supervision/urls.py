from django.urls import path

from pacesetter.supervision import inspection_views, rectification_views

app_name = "supervision"
urlpatterns = [
    # inspections (inspection_views.py)
    path("inspections/", inspection_views.inspection_list, name="inspections"),
    path("inspections/new/", inspection_views.inspection_new, name="inspection_new"),
    path("inspections/new/from-ranking/", inspection_views.inspection_from_ranking,
         name="inspection_from_ranking"),
    path("inspections/lookup/units/", inspection_views.unit_options, name="unit_options"),
    path("inspections/lookup/people/", inspection_views.person_options, name="person_options"),
    path("inspections/categories/", inspection_views.categories, name="categories"),
    path("inspections/<int:inspection_id>/", inspection_views.inspection_detail,
         name="inspection"),
    path("inspections/<int:inspection_id>/move/", inspection_views.inspection_move,
         name="inspection_move"),
    path("inspections/<int:inspection_id>/findings/new/", inspection_views.finding_new,
         name="finding_new"),
    path("inspections/<int:inspection_id>/findings/template.xlsx",
         inspection_views.findings_template, name="findings_template"),
    path("inspections/<int:inspection_id>/findings/import/", inspection_views.findings_import,
         name="findings_import"),
    path("inspections/<int:inspection_id>/findings.xlsx", inspection_views.findings_xlsx,
         name="findings_xlsx"),
    path("inspections/<int:inspection_id>/report.docx", inspection_views.report_docx,
         name="report_docx"),
    path("inspections/<int:inspection_id>/recheck/<int:finding_id>/",
         inspection_views.recheck_verdict, name="recheck_verdict"),
    path("inspections/<int:inspection_id>/evidence/<int:evidence_id>/",
         inspection_views.finding_evidence, name="finding_evidence"),
    # rectifications (rectification_views.py)
    path("rectifications/", rectification_views.board, name="rectifications"),
    path("rectifications/export.xlsx", rectification_views.board_xlsx,
         name="rectifications_xlsx"),
    path("rectifications/new/", rectification_views.register, name="rectification_new"),
    path("rectifications/queue/", rectification_views.queue, name="rectification_queue"),
    path("rectifications/due/", rectification_views.due, name="rectification_due"),
    path("rectifications/<int:rectification_id>/", rectification_views.detail,
         name="rectification"),
    path("rectifications/<int:rectification_id>/step/", rectification_views.step,
         name="rectification_step"),
    path("rectifications/<int:rectification_id>/evidence/<int:evidence_id>/",
         rectification_views.evidence, name="rectification_evidence"),
]
