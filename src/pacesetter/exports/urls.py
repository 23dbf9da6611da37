from django.urls import path

from pacesetter.exports import views

app_name = "exports"
urlpatterns = [
    path("exports/", views.export_list, name="list"),
    path("exports/<int:export_id>/", views.export_detail, name="detail"),
    path("exports/<int:export_id>/download/", views.export_download, name="download"),
]
