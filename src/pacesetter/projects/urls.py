from django.urls import path

from pacesetter.projects import views

app_name = "projects"
urlpatterns = [
    # projects (views.py)
    path("projects/<int:project_id>/", views.project_detail, name="project"),
    # portfolios, battle map, board, review (portfolio_views.py)
    # roadshows: set-up, chair console, big screen, result sheet (roadshow_views.py)
    # judges' phone pages (judge_views.py)
]
