from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "pacesetter.supervision"
    label = "supervision"
    verbose_name = _("Supervision and rectification")

    def ready(self) -> None:
        from pacesetter.supervision import boards  # noqa: F401 registers the export writer
