"""What a published version of a plan of cadres writes beside it, in its transaction: the
follow-ups its responsibility index calls for, and the red and black lists onto the cadres'
achievement and negative lists."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from pacesetter.assessment import services as assessment_services
from pacesetter.cadres import services


@receiver(assessment_services.version_published)
def on_version_published(sender: Any, *, actor: Any, version: Any, **kwargs: Any) -> None:
    if not version.plan.of_people:
        return
    services.follow_ups_raise(version=version)
    services.lists_from_results(version=version)
