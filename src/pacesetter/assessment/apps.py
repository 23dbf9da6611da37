from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "pacesetter.assessment"
    label = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from pacesetter.assessment import spreadsheets  # noqa: F401 registers export writers
