from django.urls import path

from pacesetter.projects import views

app_name = "projects"
urlpatterns = [
    path("projects/<int:project_id>/", views.project_detail, name="project"),
]
