from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from pacesetter.api import api
from pacesetter.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("pacesetter.orgs.urls")),
    path("", include("pacesetter.audit.urls")),
    path("", include("pacesetter.assessment.urls")),
    path("", include("pacesetter.surveys.urls")),
    path("", include("pacesetter.projects.urls")),
    path("", include("pacesetter.supervision.urls")),
    path("", include("pacesetter.cadres.urls")),
    path("", include("pacesetter.notifications.urls")),
    path("", include("pacesetter.exports.urls")),
]
