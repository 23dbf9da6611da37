from django.urls import path

from pacesetter.cadres import ballot_views, views

app_name = "cadres"

urlpatterns = [
    path("cadres/", views.home, name="home"),
    path("cadres/plans/<int:plan_id>/appraisal/", views.appraisal, name="appraisal"),
    path("cadres/plans/<int:plan_id>/appraisal/status/", views.appraisal_status,
         name="appraisal_status"),
    path("cadres/plans/<int:plan_id>/appraisal/fill/", views.appraisal_fill,
         name="appraisal_fill"),
    path("cadres/plans/<int:plan_id>/appraisal/raters/", views.raters_issue,
         name="raters_issue"),
    path("cadres/raters/<int:rater_id>/conflicts/", views.rater_conflicts,
         name="rater_conflicts"),
    path("cadres/plans/<int:plan_id>/index/", views.index_rule, name="index_rule"),
    path("cadres/follow-ups/", views.follow_up_list, name="follow_ups"),
    path("cadres/follow-ups/<int:follow_up_id>/close/", views.follow_up_close,
         name="follow_up_close"),
    path("cadres/candidates/", views.candidate_list, name="candidates"),
    path("cadres/people/<int:person_id>/", views.profile, name="profile"),
    path("cadres/people/<int:person_id>/profile.xlsx", views.profile_export,
         name="profile_export"),
    path("cadres/people/<int:person_id>/appraisal-sheet.docx", views.appraisal_sheet,
         name="appraisal_sheet"),
    path("rate/", ballot_views.rate, name="rate"),
    path("rate/ballot/", ballot_views.ballot, name="ballot"),
]
