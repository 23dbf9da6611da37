from django.urls import path

from pacesetter.orgs import account_views, views

app_name = "orgs"
urlpatterns = [
    path("units/", views.unit_tree, name="unit_tree"),
    path("units/import/", views.unit_import, name="unit_import"),
    path("units/import/template.xlsx", views.unit_import_template, name="unit_import_template"),
    path("units/export.xlsx", views.unit_export, name="unit_export"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("units/<int:unit_id>/children/", views.unit_children, name="unit_children"),
    path("units/<int:parent_id>/new/", views.unit_create, name="unit_create"),
    path("units/<int:unit_id>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:unit_id>/move/", views.unit_move, name="unit_move"),
    path("units/<int:unit_id>/people/new/", views.person_create, name="person_create"),
    path("people/", views.person_list, name="person_list"),
    path("people/<int:person_id>/", views.person_detail, name="person_detail"),
    path("people/<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("accounts/", account_views.account_list, name="account_list"),
    path("accounts/new/", account_views.account_create, name="account_create"),
    path("accounts/<int:user_id>/", account_views.account_detail, name="account_detail"),
    path("accounts/<int:user_id>/grant/", account_views.account_grant, name="account_grant"),
    path("accounts/<int:user_id>/grants/<int:grant_id>/revoke/", account_views.account_revoke,
         name="account_revoke"),
    path("accounts/<int:user_id>/password/", account_views.account_password,
         name="account_password"),
    path("accounts/<int:user_id>/active/", account_views.account_active, name="account_active"),
]
