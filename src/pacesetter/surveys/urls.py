from django.urls import path

from pacesetter.surveys import respond_views, views

app_name = "surveys"
urlpatterns = [
    path("s/<str:token>/", respond_views.respond, name="respond"),
    path("s/<str:token>/thanks/", respond_views.thanks, name="thanks"),
    path("surveys/", views.home, name="home"),
    path("surveys/sample.xlsx", views.sample_xlsform, name="sample_xlsform"),
    path("surveys/questionnaires/import/", views.questionnaire_import,
         name="questionnaire_import"),
    path("surveys/questionnaires/<int:questionnaire_id>/", views.questionnaire_detail,
         name="questionnaire"),
    path("surveys/questionnaires/<int:questionnaire_id>/xlsform.xlsx",
         views.questionnaire_xlsform, name="questionnaire_xlsform"),
    path("surveys/questionnaires/<int:questionnaire_id>/copy/", views.questionnaire_copy,
         name="questionnaire_copy"),
    path("surveys/campaigns/new/", views.campaign_new, name="campaign_new"),
    path("surveys/campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path("surveys/campaigns/<int:campaign_id>/<slug:action>/status/", views.campaign_status,
         name="campaign_status"),
    path("surveys/campaigns/<int:campaign_id>/distribution/", views.distribution,
         name="distribution"),
    path("surveys/campaigns/<int:campaign_id>/qr/<int:target_id>.png", views.target_qr,
         name="target_qr"),
    path("surveys/campaigns/<int:campaign_id>/codes/<int:target_id>/", views.panel_codes,
         name="panel_codes"),
    path("surveys/campaigns/<int:campaign_id>/results/", views.results, name="results"),
    path("surveys/campaigns/<int:campaign_id>/results.xlsx", views.results_export,
         name="results_export"),
    path("surveys/campaigns/<int:campaign_id>/responses/export/", views.responses_export,
         name="responses_export"),
    path("surveys/campaigns/<int:campaign_id>/review/", views.review, name="review"),
]
