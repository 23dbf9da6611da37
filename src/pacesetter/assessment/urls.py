from django.urls import path

from pacesetter.assessment import editor_views, file_views, views

app_name = "assessment"
urlpatterns = [
    path("assessment/", views.plan_list, name="plan_list"),
    path("assessment/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("assessment/<int:plan_id>/board/", views.board, name="board"),
    path("assessment/<int:plan_id>/template.xlsx", file_views.values_template,
         name="values_template"),
    path("assessment/<int:plan_id>/upload/", file_views.values_upload, name="values_upload"),
    path("assessment/<int:plan_id>/results.xlsx", file_views.results_export,
         name="results_export"),
    path("assessment/<int:plan_id>/submissions.xlsx", file_views.submissions_export,
         name="submissions_export"),
    # the plan editor, before plan_action, whose <slug:action> would take "edit" and "editor"
    path("assessment/new/", editor_views.plan_new, name="plan_new"),
    path("assessment/catalog/", editor_views.catalog_home, name="catalog_home"),
    path("assessment/catalog/<int:unit_id>/", editor_views.catalog, name="catalog"),
    path("assessment/catalog/<int:unit_id>/new/", editor_views.indicator_new,
         name="indicator_new"),
    path("assessment/catalog/<int:unit_id>/<int:indicator_id>/", editor_views.indicator_edit,
         name="indicator_edit"),
    path("assessment/<int:plan_id>/edit/", editor_views.plan_edit, name="plan_edit"),
    path("assessment/<int:plan_id>/editor/", editor_views.plan_editor, name="plan_editor"),
    path("assessment/<int:plan_id>/editor/add/", editor_views.plan_indicator_add,
         name="plan_indicator_add"),
    path("assessment/<int:plan_id>/editor/<int:indicator_id>/remove/",
         editor_views.plan_indicator_remove, name="plan_indicator_remove"),
    path("assessment/<int:plan_id>/editor/<int:indicator_id>/rule/",
         editor_views.plan_indicator_rule, name="plan_indicator_rule"),
    path("assessment/<int:plan_id>/editor/weights/", editor_views.weights_manual,
         name="weights_manual"),
    path("assessment/<int:plan_id>/editor/ahp/", editor_views.weights_ahp, name="weights_ahp"),
    path("assessment/<int:plan_id>/editor/ahp/preview/", editor_views.ahp_preview,
         name="ahp_preview"),
    path("assessment/<int:plan_id>/editor/data/", editor_views.weights_data,
         name="weights_data"),
    path("assessment/<int:plan_id>/<slug:action>/", views.plan_action, name="plan_action"),
    path("assessment/<int:plan_id>/units/<int:unit_id>/", views.unit_values, name="unit_values"),
    path("assessment/<int:plan_id>/units/<int:unit_id>/review/", views.submission_review,
         name="submission_review"),
]
