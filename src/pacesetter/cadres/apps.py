from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadresConfig(AppConfig):
    name = "pacesetter.cadres"
    label = "cadres"
    verbose_name = _("Cadre assessment")

    def ready(self) -> None:
        from pacesetter.cadres import receivers  # noqa: F401 connects to published results
