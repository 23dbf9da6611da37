"""Every write of the surveys: questionnaires, campaigns, one-time codes, responses, reviews."""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pacesetter.audit.models import AuditAction
from pacesetter.audit.services import Change, entries_record, entry_record, snapshot
from pacesetter.errors import (
    ApplicationError,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from pacesetter.orgs import scope
from pacesetter.orgs.models import Unit
from pacesetter.surveys import access, builder, forms_cache, integrity, results, selectors
from pacesetter.surveys.definitions import (
    ItemDraft,
    OptionDraft,
    QuestionnaireDraft,
    SectionDraft,
    problems,
)
from pacesetter.surveys.models import (
    Campaign,
    CampaignMode,
    CampaignStatus,
    Channel,
    Flag,
    Item,
    ItemKind,
    Option,
    PanelCode,
    Questionnaire,
    Response,
    ResultSnapshot,
    Section,
    Target,
)

ALREADY_ANSWERED = gettext_lazy("You have already answered this survey about this unit. Each "
                                "person may answer once.")
CAMPAIGN_FIELDS = ("title", "mode", "roles", "status", "opens_at", "closes_at", "scoring",
                   "default_quota", "peer_by", "bottom_n")


class NotAccepting(ApplicationError):
    """The campaign is not taking responses now (not yet open, closed, or draft)."""

    status_code = 403


class RateLimited(ApplicationError):
    status_code = 429


def keyed_hash(*parts: object) -> str:
    """HMAC-SHA256 of ``parts`` with the site's secret: identifiers are compared by this and
    never stored raw, and without the secret they cannot be recomputed from a guess."""
    message = "\x1f".join(str(p) for p in parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _draft_or_fail(draft: QuestionnaireDraft, *, complete: bool = True) -> None:
    found = problems(draft, complete=complete)
    if found:
        raise ValidationFailed(
            _("The questionnaire has %(count)d problems; nothing was saved.")
            % {"count": len(found)},
            extra={"errors": [{"field": p.where, "message": p.message} for p in found]})


def _save_structure(questionnaire: Questionnaire, draft: QuestionnaireDraft) -> None:
    sections = {}
    for position, s in enumerate(draft.sections):
        sections[s.code] = Section.objects.create(
            questionnaire=questionnaire, code=s.code, title=s.title.strip(), weight=s.weight,
            position=position)
    items = Item.objects.bulk_create([
        Item(questionnaire=questionnaire, section=sections.get(i.section or ""), code=i.code,
             kind=i.kind, label=i.label.strip(), hint=i.hint.strip(), required=i.required,
             weight=i.weight, is_attribute=i.is_attribute, position=position)
        for position, i in enumerate(draft.items)])
    if not all(item.pk for item in items):  # backends that do not return keys from bulk_create
        items = list(questionnaire.items.order_by("position"))
    Option.objects.bulk_create([
        Option(item=item, code=o.code, label=o.label.strip(), share=o.share, position=position)
        for item, i in zip(items, draft.items, strict=True)
        for position, o in enumerate(i.options)])


@transaction.atomic
def questionnaire_create(*, actor: Any, owner: Unit, draft: QuestionnaireDraft,
                         source: Questionnaire | None = None,
                         complete: bool = True) -> Questionnaire:
    """Save ``draft`` as a new questionnaire of ``owner`` (the next version of its code); one
    started in the builder need not be ``complete`` (it may have no items yet)."""
    if not scope.manage_scope(actor).contains(owner.path):
        raise PermissionDenied(str(access.RUN_DENIED))
    _draft_or_fail(draft, complete=complete)
    latest = (Questionnaire.objects.select_for_update()
              .filter(owner=owner, code=draft.code).order_by("-version").first())
    questionnaire = Questionnaire.objects.create(
        owner=owner, code=draft.code, version=latest.version + 1 if latest else 1,
        title=draft.title.strip(), description=draft.description.strip(), source=source,
        created_by=actor)
    _save_structure(questionnaire, draft)
    entry_record(actor=actor, obj=questionnaire, action=AuditAction.CREATE,
                 unit_path=owner.path, after=_questionnaire_record(questionnaire))
    return questionnaire


def _questionnaire_record(questionnaire: Questionnaire) -> dict[str, Any]:
    """The questionnaire for the audit trail: every aspect and item in a line, so that the
    entry of a builder edit shows what changed."""
    record = snapshot(questionnaire, ["code", "version", "title", "description"])
    record["aspects"] = [f"{s.code} {s.title} ×{s.weight:g}"
                         for s in questionnaire.sections.all()]
    record["items"] = [_item_line(i) for i in
                       questionnaire.items.select_related("section").prefetch_related("options")]
    return record


def _item_line(item: Item) -> str:
    options = "、".join(o.label if o.share is None else f"{o.label} {o.share * 100:g}%"
                       for o in item.options.all())
    flags = "".join(["*" if item.required else "", " [attribute]" if item.is_attribute else ""])
    aspect = item.section.code if item.section else "-"
    return (f"{item.code}{flags} ({aspect}, {item.kind}, ×{item.weight:g}) {item.label}"
            + (f": {options}" if options else ""))


def draft_of(questionnaire: Questionnaire) -> QuestionnaireDraft:
    """The questionnaire as plain data: what a copy starts from and the builder edits."""
    sections = list(questionnaire.sections.all())
    codes = {s.pk: s.code for s in sections}
    items = questionnaire.items.prefetch_related("options")
    return QuestionnaireDraft(
        code=questionnaire.code, title=questionnaire.title,
        description=questionnaire.description,
        sections=[SectionDraft(s.code, s.title, s.weight) for s in sections],
        items=[ItemDraft(code=i.code, kind=i.kind, label=i.label, section=codes.get(i.section_id),
                         hint=i.hint, required=i.required, weight=i.weight,
                         is_attribute=i.is_attribute,
                         options=[OptionDraft(o.code, o.label, o.share) for o in i.options.all()])
               for i in items])


def is_frozen(questionnaire: Questionnaire) -> bool:
    """A questionnaire with responses is frozen: changing it would change what the answers
    mean. It can only be copied into a new version."""
    return Response.objects.filter(campaign__questionnaire=questionnaire).exists()


@transaction.atomic
def questionnaire_replace(*, actor: Any, questionnaire: Questionnaire,
                          draft: QuestionnaireDraft) -> Questionnaire:
    """Replace the whole content of a questionnaire that has no responses yet (an XLSForm
    re-import); its code and version stay."""
    def take_all(current: QuestionnaireDraft) -> None:
        current.title, current.description = draft.title, draft.description
        current.sections, current.items = draft.sections, draft.items

    return questionnaire_edit(actor=actor, questionnaire=questionnaire, edit=take_all,
                              complete=True)


@transaction.atomic
def questionnaire_edit(*, actor: Any, questionnaire: Questionnaire,
                       edit: Callable[[QuestionnaireDraft], object],
                       complete: bool = False) -> Questionnaire:
    """Apply ``edit`` (one of the builder's changes, see ``builder``) to the questionnaire's
    draft (changing it in place; what it returns is ignored), check the whole result and save
    it, or nothing. Refused once the questionnaire has responses: what the answers mean would
    change under them."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if not scope.manage_scope(actor).contains(questionnaire.owner.path):
        raise PermissionDenied(str(access.RUN_DENIED))
    if is_frozen(questionnaire):
        raise Conflict(_("This questionnaire already has responses and cannot be changed; "
                         "copy it into a new version instead."))
    draft = draft_of(questionnaire)
    try:
        edit(draft)
    except builder.EditRefused as refused:
        raise ValidationFailed(str(refused)) from None
    draft.code = questionnaire.code
    _draft_or_fail(draft, complete=complete)
    before = _questionnaire_record(questionnaire)
    questionnaire.items.all().delete()
    questionnaire.sections.all().delete()
    questionnaire.title = draft.title.strip()
    questionnaire.description = draft.description.strip()
    questionnaire.revision += 1
    questionnaire.save(update_fields=["title", "description", "revision"])
    _save_structure(questionnaire, draft)
    entry_record(actor=actor, obj=questionnaire, action=AuditAction.UPDATE,
                 unit_path=questionnaire.owner.path, before=before,
                 after=_questionnaire_record(questionnaire))
    return questionnaire


def questionnaire_copy(*, actor: Any, questionnaire: Questionnaire) -> Questionnaire:
    """The next version of ``questionnaire``, with the same content, free to change."""
    return questionnaire_create(actor=actor, owner=questionnaire.owner,
                                draft=draft_of(questionnaire), source=questionnaire)


def _new_token() -> str:
    return secrets.token_urlsafe(12)


def _check_campaign(campaign: Campaign) -> None:
    errors = []
    if campaign.closes_at <= campaign.opens_at:
        errors.append({"field": "closes_at",
                       "message": _("The campaign must close after it opens.")})
    if not campaign.title.strip():
        errors.append({"field": "title", "message": _("The title is empty.")})
    if campaign.mode == CampaignMode.INTERNAL and not campaign.roles:
        errors.append({"field": "roles",
                       "message": _("Choose the roles whose users may answer.")})
    channels = (campaign.scoring or {}).get("channels") or {}
    if any(not isinstance(w, int | float) or w < 0 for w in channels.values()) or (
            channels and not any(channels.values())):
        errors.append({"field": "scoring", "message": _("Channel weights must be positive.")})
    if not set(channels) <= set(Channel.values):
        errors.append({"field": "scoring", "message": _("Unknown channel.")})
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), extra={"errors": errors})


@transaction.atomic
def campaign_create(*, actor: Any, owner: Unit, questionnaire: Questionnaire, title: str,
                    opens_at: datetime.datetime, closes_at: datetime.datetime,
                    units: Iterable[Unit], mode: str = CampaignMode.PUBLIC,
                    roles: Sequence[str] = (), default_quota: int = 0,
                    scoring: dict[str, Any] | None = None, peer_by: str = "level",
                    bottom_n: dict[str, int] | None = None) -> Campaign:
    """A campaign over ``units`` (each becomes a target with its own link), as a draft."""
    if not scope.manage_scope(actor).contains(owner.path):
        raise PermissionDenied(str(access.RUN_DENIED))
    if not scope.read_scope(actor).contains(questionnaire.owner.path):
        raise NotFound(_("Questionnaire not found."))
    if not questionnaire.items.exists():
        raise ValidationFailed(_("The questionnaire has no items yet."), extra={"errors": [
            {"field": "questionnaire", "message": _("The questionnaire has no items yet.")}]})
    targets = list({u.pk: u for u in units}.values())
    manage = scope.manage_scope(actor)
    if not targets:
        raise ValidationFailed(_("Choose at least one unit to survey."),
                               extra={"errors": [{"field": "units",
                                                  "message": _("Choose at least one unit.")}]})
    if any(not manage.contains(u.path) for u in targets):
        raise PermissionDenied(_("You may only survey units within your scope."))
    campaign = Campaign(owner=owner, questionnaire=questionnaire, title=title.strip(),
                        opens_at=opens_at, closes_at=closes_at, mode=mode, roles=list(roles),
                        default_quota=default_quota, scoring=scoring or {}, peer_by=peer_by,
                        bottom_n=bottom_n or {}, created_by=actor)
    _check_campaign(campaign)
    campaign.save()
    Target.objects.bulk_create([
        Target(campaign=campaign, unit=u, link_token=_new_token(), quota=default_quota)
        for u in targets])
    entry_record(actor=actor, obj=campaign, action=AuditAction.CREATE, unit_path=owner.path,
                 after={**snapshot(campaign, CAMPAIGN_FIELDS), "units": len(targets)})
    return campaign


@transaction.atomic
def campaign_update(*, actor: Any, campaign: Campaign, data: dict[str, Any]) -> Campaign:
    """Change a campaign's title, window, quotas, scoring rules or ranking; the mode and the
    questionnaire are fixed once it has opened."""
    campaign = Campaign.objects.select_for_update().select_related("owner").get(pk=campaign.pk)
    if not access.can_run(actor, campaign):
        raise PermissionDenied(str(access.RUN_DENIED))
    before = snapshot(campaign, CAMPAIGN_FIELDS)
    fixed = {"mode", "roles"} if campaign.status != CampaignStatus.DRAFT else set()
    for name, value in data.items():
        if name not in CAMPAIGN_FIELDS or name == "status":
            raise ValidationFailed(_("Unknown field."), extra={"errors": [
                {"field": name, "message": _("This field cannot be changed here.")}]})
        if name in fixed and value != getattr(campaign, name):
            raise Conflict(_("The mode of a campaign that has opened cannot change."))
        setattr(campaign, name, value)
    _check_campaign(campaign)
    campaign.save()
    if "default_quota" in data:
        campaign.targets.update(quota=campaign.default_quota)
    entry_record(actor=actor, obj=campaign, action=AuditAction.UPDATE,
                 unit_path=campaign.owner.path, before=before,
                 after=snapshot(campaign, CAMPAIGN_FIELDS))
    forms_cache.forget_campaign(campaign.pk)
    return campaign


def _set_status(actor: Any, campaign: Campaign, status: str, allowed_from: set[str]) -> Campaign:
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().select_related("owner").get(
            pk=campaign.pk)
        if not access.can_run(actor, campaign):
            raise PermissionDenied(str(access.RUN_DENIED))
        if campaign.status not in allowed_from:
            raise Conflict(_("The campaign is %(status)s; this step is not possible now.")
                           % {"status": campaign.get_status_display()})
        before = snapshot(campaign, ["status"])
        campaign.status = status
        campaign.save(update_fields=["status"])
        entry_record(actor=actor, obj=campaign, action=AuditAction.UPDATE,
                     unit_path=campaign.owner.path, before=before,
                     after=snapshot(campaign, ["status"]))
    forms_cache.forget_campaign(campaign.pk)
    return campaign


def campaign_open(*, actor: Any, campaign: Campaign) -> Campaign:
    """Publish the campaign: its links answer from ``opens_at`` until ``closes_at``."""
    return _set_status(actor, campaign, CampaignStatus.OPEN, {CampaignStatus.DRAFT,
                                                              CampaignStatus.CLOSED})


def campaign_close(*, actor: Any, campaign: Campaign) -> Campaign:
    """Stop taking responses before ``closes_at``."""
    return _set_status(actor, campaign, CampaignStatus.CLOSED, {CampaignStatus.OPEN})


@transaction.atomic
def target_quota_set(*, actor: Any, target: Target, quota: int) -> Target:
    campaign = target.campaign
    if not access.can_run(actor, campaign):
        raise PermissionDenied(str(access.RUN_DENIED))
    before = snapshot(target, ["quota"])
    target.quota = quota
    target.save(update_fields=["quota"])
    entry_record(actor=actor, obj=target, action=AuditAction.UPDATE,
                 unit_path=target.unit.path, before=before, after=snapshot(target, ["quota"]))
    return target


def panel_code_text() -> str:
    """A one-time code easy to read aloud and type on a phone: 8 characters of an alphabet
    without look-alikes (0/O, 1/I/L), about 39 bits."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(8))


@transaction.atomic
def panel_codes_issue(*, actor: Any, target: Target, names: Sequence[str]
                      ) -> list[tuple[str, str]]:
    """Issue one-time codes to the named respondents of a panel campaign's unit. Returns
    (name, code) pairs: the only time the codes exist in clear, for the printed list."""
    campaign = target.campaign
    if not access.can_run(actor, campaign):
        raise PermissionDenied(str(access.RUN_DENIED))
    if campaign.mode != CampaignMode.PANEL:
        raise Conflict(_("One-time codes are for panel campaigns."))
    cleaned = [n.strip()[:100] for n in names if n.strip()]
    if not cleaned:
        raise ValidationFailed(_("Give at least one respondent's name."))
    issued = [(name, panel_code_text()) for name in cleaned]
    PanelCode.objects.bulk_create([
        PanelCode(target=target, respondent_name=name, code_hash=keyed_hash("panel", code))
        for name, code in issued])
    entry_record(actor=actor, obj=target, action=AuditAction.UPDATE, unit_path=target.unit.path,
                 note=_("%(count)d one-time codes issued") % {"count": len(issued)})
    return issued


def _rate_limit(ip: str) -> None:
    limit = settings.SURVEY_RATE_LIMIT
    if not limit or not ip:
        return
    key = f"survey-rate:{ip}:{int(timezone.now().timestamp() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        count = 1
    if count > limit:
        raise RateLimited(_("Too many submissions from your network; please try again in a "
                            "minute."))


def network_key(ip: str) -> int:
    """A keyed 28-bit number for the respondent's network (/24 of IPv4, /48 of IPv6), for the
    integrity flags: responses from one network can be counted, but the address is not kept."""
    if not ip:
        return 0
    prefix = ip.rsplit(".", 1)[0] if "." in ip else ":".join(ip.split(":")[:3])
    return int(keyed_hash("network", prefix)[:7], 16)


def refusal(target: forms_cache.TargetInfo, now: datetime.datetime | None = None) -> str:
    """Why the link's campaign takes no responses now, or "" if it does."""
    now = now or timezone.now()
    if target.status == CampaignStatus.CLOSED or now >= target.closes_at:
        return _("This survey has ended. Thank you for your interest.")
    if now < target.opens_at:
        opens = timezone.localtime(target.opens_at).strftime("%Y-%m-%d %H:%M")
        return _("This survey opens on %(date)s.") % {"date": opens}
    if target.status != CampaignStatus.OPEN:
        return _("This survey is not open yet.")
    return ""


def response_submit(*, token: str, respondent: str, answers: dict[str, Any],
                    device: str = "", submission: str = "", duration: int | None = None,
                    ip: str = "", honeypot: str = "", user: Any = None,
                    channel: str = Channel.WEB) -> tuple[int, bool]:
    """Record one response to the campaign link ``token``; returns (response id, created).

    Refused: a closed or not-yet-open campaign, a filled honeypot, too many submissions from one
    address, invalid answers (every bad item named), a respondent or device that already
    answered about this unit (``Conflict``). The same submission sent again (a retry after a
    lost answer) is not counted twice: it returns the first one's id with ``created`` False.

    A public or internal response is one INSERT, atomic on its own in autocommit: no BEGIN
    and COMMIT around it, two round trips fewer on the busiest endpoint. A panel response
    marks its one-time code used in the same transaction.
    """
    target = forms_cache.target_for(token)
    if target is None:
        raise NotFound(_("This survey link is not valid."))
    now = timezone.now()
    message = refusal(target, now)
    if message:
        raise NotAccepting(message)
    if honeypot:
        raise ValidationFailed(_("The submission could not be accepted."))
    _rate_limit(ip)
    form = forms_cache.form_for(target.questionnaire_id, target.revision)
    choices, extra, errors = form.encode(answers)
    if errors:
        raise ValidationFailed(
            _("Please correct the answers below."),
            extra={"errors": [{"field": f"answers.{code}", "message": message}
                              for code, message in errors.items()]})
    respondent_key, panel_hash = _respondent_key(target, respondent, user)
    row = Response(
        campaign_id=target.campaign_id, target_id=target.id, channel=channel,
        respondent_key=respondent_key,
        device_key=keyed_hash("device", target.campaign_id, device) if device else None,
        submission_key=keyed_hash("submission", respondent_key, submission or form.canonical(
            choices, extra)),
        network_key=network_key(ip), choices=choices, extra=extra,
        duration=duration if duration is None or 0 <= duration < 2**31 else None,
        submitted_at=now)
    if panel_hash:
        try:
            with transaction.atomic():
                _code_use(panel_hash, target.id, now)
                if not _insert_new(row):
                    raise IntegrityError("answered")
        except IntegrityError:
            return _replayed_or_conflict(row), False
    elif not _insert_new(row):
        return _replayed_or_conflict(row), False
    return row.pk, True


def _insert_new(row: Response) -> bool:
    """Insert ``row`` unless a respondent or device already answered about its unit (a unique
    constraint); True if inserted, with ``row.pk`` set.

    One ``INSERT … ON CONFLICT DO NOTHING RETURNING id`` (PostgreSQL; SQLite 3.35+), built once,
    rather than ``Model.save`` and an ``IntegrityError``: a duplicate is not a database error,
    which PostgreSQL would log with its statement and which would break a caller's transaction,
    and no SQL is compiled per submission (bench/README.md, surveys)."""
    fields, sql = _insert_statement(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [f.get_db_prep_save(f.pre_save(row, True), connection)
                             for f in fields])
        found = cursor.fetchone()
    if found is None:
        return False
    row.pk = found[0]
    row._state.adding = False
    return True


@functools.cache
def _insert_statement(vendor: str) -> tuple[list[Any], str]:
    fields = [f for f in Response._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(Response._meta.db_table)} "  # noqa: S608 names from the model
           f"({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))}) "
           f"ON CONFLICT DO NOTHING RETURNING {quote(Response._meta.pk.column)}")
    return fields, sql


def _code_use(panel_hash: str, target_id: int, now: datetime.datetime) -> None:
    if panel_hash and not PanelCode.objects.filter(
            code_hash=panel_hash, target_id=target_id, used_at__isnull=True
    ).update(used_at=now):
        raise IntegrityError("code used")


def _respondent_key(target: forms_cache.TargetInfo, respondent: str, user: Any
                    ) -> tuple[str, str]:
    respondent = (respondent or "").strip()
    if target.mode == CampaignMode.INTERNAL:
        if user is None or not getattr(user, "is_authenticated", False):
            raise PermissionDenied(_("Please sign in to answer this survey."))
        if not set(target.roles) & scope.roles_of(user):
            raise PermissionDenied(_("This survey is for other roles."))
        return keyed_hash("user", target.campaign_id, user.pk), ""
    if not respondent or len(respondent) > 200:
        raise ValidationFailed(_("The respondent key is missing."), extra={"errors": [
            {"field": "respondent",
             "message": _("Give a respondent key of 1 to 200 characters.")}]})
    if target.mode == CampaignMode.PANEL:
        code = respondent.upper().replace(" ", "")
        panel_hash = keyed_hash("panel", code)
        if not PanelCode.objects.filter(code_hash=panel_hash, target_id=target.id).exists():
            raise PermissionDenied(_("This one-time code is not valid for this survey."))
        return keyed_hash("respondent", target.campaign_id, code), panel_hash
    return keyed_hash("respondent", target.campaign_id, respondent), ""


def _replayed_or_conflict(row: Response) -> int:
    existing = Response.objects.filter(target_id=row.target_id).filter(
        respondent_key=row.respondent_key).values_list("pk", "submission_key").first()
    if existing is None and row.device_key:
        existing = Response.objects.filter(target_id=row.target_id,
                                           device_key=row.device_key).values_list(
            "pk", "submission_key").first()
    if existing is not None and existing[1] == row.submission_key:
        return int(existing[0])
    raise Conflict(str(ALREADY_ANSWERED))


@transaction.atomic
def responses_exclude(*, actor: Any, campaign: Campaign, response_ids: Sequence[int],
                      reason: str, exclude: bool = True) -> int:
    """Leave responses out of the results (or take them back in), with the reason recorded
    on each and in the audit log. The responses themselves are kept."""
    if not access.can_run(actor, campaign):
        raise PermissionDenied(str(access.RUN_DENIED))
    reason = reason.strip()
    if exclude and not reason:
        raise ValidationFailed(_("Give the reason for excluding these responses."),
                               extra={"errors": [{"field": "reason",
                                                  "message": _("This field is required.")}]})
    rows = list(Response.objects.select_for_update().filter(
        campaign=campaign, pk__in=list(response_ids)[:10_000]).exclude(excluded=exclude))
    for row in rows:
        row.excluded = exclude
        row.exclusion_reason = reason[:300] if exclude else ""
    Response.objects.bulk_update(rows, ["excluded", "exclusion_reason"], batch_size=1000)
    ResultSnapshot.objects.filter(campaign=campaign).update(stale=True)
    entries_record(actor=actor, changes=[
        Change(obj=row, action=AuditAction.UPDATE, unit_path=campaign.owner.path,
               before={"excluded": not exclude}, after={"excluded": exclude,
                                                        "reason": row.exclusion_reason})
        for row in rows])
    return len(rows)


def integrity_review(*, campaign: Campaign) -> dict[int, int]:
    """Set the integrity flags of every response of ``campaign`` from the whole picture (a
    burst is only visible once its responses are in); returns how many responses carry each
    flag. Run before results are read and from the live dashboard; flags never exclude."""
    single = selectors.single_choice_items(campaign.questionnaire)
    data = selectors.integrity_columns(campaign, len(single))
    rated = [(column, item) for column, item in enumerate(single)
             if item.kind == ItemKind.RATING and not item.is_attribute]
    top = np.ones(len(data.ids), dtype=bool) if rated else np.zeros(len(data.ids), dtype=bool)
    for column, item in rated:
        shares = [o.share for o in item.options.all()]
        best = max((s for s in shares if s is not None), default=None)
        best_answers = [p + 1 for p, s in enumerate(shares) if s is not None and s == best]
        top &= np.isin(data.choices[:, column], best_answers)
    answered = (data.choices > 0).sum(axis=1) if single else np.zeros(len(data.ids))
    new = integrity.flags(seconds=data.seconds, targets=data.targets, networks=data.networks,
                          durations=data.durations, top=top, answered=answered,
                          thresholds=integrity.Thresholds.of(
                              (campaign.scoring or {}).get("integrity")))
    changed = new != data.flags
    with transaction.atomic():
        for value in np.unique(new[changed]):
            ids = data.ids[changed & (new == value)].tolist()
            for start in range(0, len(ids), 5000):
                Response.objects.filter(pk__in=ids[start:start + 5000]).update(flags=int(value))
        if changed.any():
            ResultSnapshot.objects.filter(campaign=campaign).update(stale=True)
    return {int(flag): int(((new & flag) > 0).sum()) for flag in Flag.values}


SNAPSHOT_MAX_AGE = datetime.timedelta(minutes=5)


def results_current(*, campaign: Campaign, refresh: bool = False) -> dict[str, Any]:
    """The campaign's results, computed again when asked, stale, or older than five minutes
    while the campaign takes responses."""
    snapshot_row = ResultSnapshot.objects.filter(campaign=campaign).first()
    now = timezone.now()
    fresh = snapshot_row is not None and not snapshot_row.stale and not refresh and (
        not campaign.accepting(now) or now - snapshot_row.computed_at < SNAPSHOT_MAX_AGE)
    if fresh:
        return snapshot_row.data
    data = results.compute(campaign).as_dict()
    ResultSnapshot.objects.update_or_create(
        campaign=campaign, defaults={"computed_at": now, "stale": False, "data": data})
    return data
