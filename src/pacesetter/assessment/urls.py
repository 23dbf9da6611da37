from django.urls import path

from pacesetter.assessment import file_views, views

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
    path("assessment/<int:plan_id>/<slug:action>/", views.plan_action, name="plan_action"),
    path("assessment/<int:plan_id>/units/<int:unit_id>/", views.unit_values, name="unit_values"),
    path("assessment/<int:plan_id>/units/<int:unit_id>/review/", views.submission_review,
         name="submission_review"),
]
