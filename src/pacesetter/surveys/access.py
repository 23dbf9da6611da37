"""Who may see and run questionnaires and campaigns.

A questionnaire or campaign is run (edited, opened, closed, reviewed) by the administrators of
its owner unit. A campaign is seen by those whose scope holds its owner, and by those whose
scope holds one of its surveyed units, who see only their own units' figures in it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pacesetter.errors import NotFound, PermissionDenied
from pacesetter.orgs import scope
from pacesetter.orgs.models import Unit
from pacesetter.surveys.models import Campaign, Questionnaire, Target

RUN_DENIED = gettext_lazy("Only the administrators of the organizer may do this.")


def questionnaires_in_scope(actor: Any) -> QuerySet[Questionnaire]:
    return Questionnaire.objects.filter(scope.read_scope(actor).q("owner__path"))


def get_questionnaire_in_scope(actor: Any, questionnaire_id: Any, *, for_write: bool = False
                               ) -> Questionnaire:
    try:
        questionnaire = questionnaires_in_scope(actor).select_related("owner").get(
            pk=scope.as_id(questionnaire_id))
    except (Questionnaire.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Questionnaire not found.")) from None
    if for_write and not scope.manage_scope(actor).contains(questionnaire.owner.path):
        raise PermissionDenied(str(RUN_DENIED))
    return questionnaire


def own_unit(user: Any) -> Unit:
    """The unit whose administrator ``user`` is: the owner of what they create here (the
    root for a superuser)."""
    manage = scope.manage_scope(user)
    if manage.everything:
        return Unit.objects.filter(parent__isnull=True).order_by("path").first()
    if not manage.paths:
        raise NotFound(_("You administer no unit."))
    return Unit.objects.get(path=manage.paths[0])


def campaigns_in_scope(actor: Any) -> QuerySet[Campaign]:
    read = scope.read_scope(actor)
    surveyed_here = Target.objects.filter(read.q("unit__path"), campaign=OuterRef("pk"))
    return Campaign.objects.filter(Q(read.q("owner__path")) | Q(Exists(surveyed_here)))


def can_run(actor: Any, campaign: Campaign) -> bool:
    return scope.manage_scope(actor).contains(campaign.owner.path)


def get_campaign_in_scope(actor: Any, campaign_id: Any, *, for_write: bool = False) -> Campaign:
    """Load a campaign the actor may see (``NotFound`` otherwise); ``for_write`` needs its
    organizer's administrators."""
    try:
        campaign = campaigns_in_scope(actor).select_related("owner", "questionnaire").get(
            pk=scope.as_id(campaign_id))
    except (Campaign.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Survey campaign not found.")) from None
    if for_write and not can_run(actor, campaign):
        raise PermissionDenied(str(RUN_DENIED))
    return campaign


def visible_targets(actor: Any, campaign: Campaign) -> QuerySet[Target]:
    """The campaign's surveyed units whose figures the actor may see: all of them for the
    organizer's side, their own subtree's for a surveyed unit."""
    targets = campaign.targets.select_related("unit")
    if scope.read_scope(actor).contains(campaign.owner.path):
        return targets
    return targets.filter(scope.read_scope(actor).q("unit__path"))
