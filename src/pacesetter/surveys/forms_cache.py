"""What a submission needs to know, kept in the process between requests.

On a campaign's busiest day every submission would otherwise read the link's campaign and the
whole questionnaire. What a link names (its target, unit and campaign) is kept for
``UNIT_SECONDS`` (a renamed unit shows its new name within that); the campaign's status,
window and questionnaire revision for ``LINK_SECONDS``, once per campaign rather than per link
(a campaign closed by hand stops taking answers within ``LINK_SECONDS`` in every process, at
once in this one); the questionnaire's form for as long as its revision does not change.
Reading each link again every few seconds cost each web process a query per link: over the
64 counties' links, about 50 queries a second for 4 processes, a tenth of their time.
"""

from __future__ import annotations

import datetime
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.utils.translation import gettext as _

from pacesetter.surveys.models import Campaign, Item, ItemKind, Target

LINK_SECONDS = 5.0
UNIT_SECONDS = 300.0
MAX_TEXT = 2000
_lock = threading.Lock()
_links: dict[str, tuple[float, _Link | None]] = {}
_campaigns: dict[int, tuple[float, _CampaignState | None]] = {}
_forms: dict[tuple[int, int], Form] = {}


@dataclass(frozen=True)
class TargetInfo:
    id: int
    campaign_id: int
    unit_id: int
    unit_name: str
    questionnaire_id: int
    revision: int
    mode: str
    roles: tuple[str, ...]
    status: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime


@dataclass
class FormItem:
    code: str
    kind: str
    label: str
    required: bool
    options: dict[str, int] = field(default_factory=dict)
    labels: dict[str, int] = field(default_factory=dict)
    slot: int = -1


@dataclass
class Form:
    """The questionnaire's items in answer order. Single-choice answers become one byte each
    (the option's position + 1) in ``single`` order."""

    items: dict[str, FormItem]
    single: list[str]

    def encode(self, answers: Any) -> tuple[bytes, dict[str, Any], dict[str, str]]:
        """(choice bytes, other answers, errors by item code) for a submission's answers."""
        errors: dict[str, str] = {}
        if not isinstance(answers, dict):
            return b"", {}, {"answers": _("Answers must be an object of item codes.")}
        choices = bytearray(len(self.single))
        extra: dict[str, Any] = {}
        for code, value in answers.items():
            item = self.items.get(code)
            if item is None:
                errors[str(code)[:40]] = _("There is no such item.")
                continue
            if value is None or value == "" or value == []:
                continue
            message = self._encode_one(item, value, choices, extra)
            if message:
                errors[code] = message
        for item in self.items.values():
            if item.required and code_missing(item, answers):
                errors.setdefault(item.code, _("This item must be answered."))
        return bytes(choices), extra, errors

    @staticmethod
    def _encode_one(item: FormItem, value: Any, choices: bytearray, extra: dict[str, Any]
                    ) -> str | None:
        if item.kind == ItemKind.TEXT:
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                return _("Give a text answer.")
            text = str(value).replace("\x00", "").strip()  # PostgreSQL cannot store NUL
            if len(text) > MAX_TEXT:
                return _("At most %(count)d characters.") % {"count": MAX_TEXT}
            if text:
                extra[item.code] = text
            return None
        if item.kind == ItemKind.MULTIPLE:
            values = value if isinstance(value, list) else [value]
            picked = [item_option(item, v) for v in values]
            if any(p is None for p in picked):
                return _("Choose among the item's options.")
            extra[item.code] = sorted({p for p in picked if p is not None})
            return None
        position = item_option(item, value)
        if position is None:
            return _("Choose one of the item's options.")
        choices[item.slot] = position + 1
        return None

    def canonical(self, choices: bytes, extra: dict[str, Any]) -> str:
        """The answers in one fixed form: the same answers always give the same text."""
        return choices.hex() + orjson.dumps(extra, option=orjson.OPT_SORT_KEYS).decode()


def code_missing(item: FormItem, answers: dict[str, Any]) -> bool:
    value = answers.get(item.code)
    return value is None or value == "" or value == [] or (
        isinstance(value, str) and not value.strip())


def item_option(item: FormItem, value: Any) -> int | None:
    """The position of the option ``value`` names: by its value (code), or by its label."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = str(value).strip()
    if text in item.options:
        return item.options[text]
    return item.labels.get(text)


def _build_form(questionnaire_id: int) -> Form:
    items: dict[str, FormItem] = {}
    single: list[str] = []
    for item in Item.objects.filter(questionnaire_id=questionnaire_id).prefetch_related(
            "options").order_by("position"):
        options = list(item.options.all())
        entry = FormItem(code=item.code, kind=item.kind, label=item.label,
                         required=item.required,
                         options={o.code: i for i, o in enumerate(options)},
                         labels={o.label: i for i, o in enumerate(options)})
        if item.is_single_choice:
            entry.slot = len(single)
            single.append(item.code)
        items[item.code] = entry
    return Form(items=items, single=single)


def form_for(questionnaire_id: int, revision: int) -> Form:
    key = (questionnaire_id, revision)
    form = _forms.get(key)
    if form is None:
        form = _build_form(questionnaire_id)
        with _lock:
            _forms[key] = form
    return form


@dataclass(frozen=True)
class _Link:
    """What a link token names; none of it changes but the unit's name."""

    id: int
    campaign_id: int
    unit_id: int
    unit_name: str
    questionnaire_id: int


@dataclass(frozen=True)
class _CampaignState:
    """What may change while a campaign takes answers."""

    revision: int
    mode: str
    roles: tuple[str, ...]
    status: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime


def _link(token: str, now: float) -> _Link | None:
    cached = _links.get(token)
    if cached is not None and now - cached[0] < (UNIT_SECONDS if cached[1] else LINK_SECONDS):
        return cached[1]
    row = Target.objects.filter(link_token=token).values_list(
        "pk", "campaign_id", "unit_id", "unit__name", "campaign__questionnaire_id").first()
    link = _Link(*row) if row else None
    with _lock:
        if len(_links) > 100_000:
            _links.clear()
        _links[token] = (now, link)
    return link


def _campaign_state(campaign_id: int, now: float) -> _CampaignState | None:
    cached = _campaigns.get(campaign_id)
    if cached is not None and now - cached[0] < LINK_SECONDS:
        return cached[1]
    row = Campaign.objects.filter(pk=campaign_id).values_list(
        "questionnaire__revision", "mode", "roles", "status", "opens_at", "closes_at").first()
    state = None if row is None else _CampaignState(
        revision=row[0], mode=row[1], roles=tuple(row[2]), status=row[3], opens_at=row[4],
        closes_at=row[5])
    with _lock:
        if len(_campaigns) > 10_000:
            _campaigns.clear()
        _campaigns[campaign_id] = (now, state)
    return state


def target_for(token: str) -> TargetInfo | None:
    """The campaign link ``token`` (None if there is no such link)."""
    if not token or len(token) > 32:
        return None
    now = time.monotonic()
    link = _link(token, now)
    if link is None:
        return None
    state = _campaign_state(link.campaign_id, now)
    if state is None:
        return None
    return TargetInfo(
        id=link.id, campaign_id=link.campaign_id, unit_id=link.unit_id,
        unit_name=link.unit_name, questionnaire_id=link.questionnaire_id,
        revision=state.revision, mode=state.mode, roles=state.roles, status=state.status,
        opens_at=state.opens_at, closes_at=state.closes_at)


def forget_campaign(campaign_id: int) -> None:
    """Drop this process's copies of a campaign and its links (after its status or window
    changed)."""
    with _lock:
        _campaigns.pop(campaign_id, None)
        for token in [t for t, (_at, link) in _links.items()
                      if link is not None and link.campaign_id == campaign_id]:
            del _links[token]


def forget_all() -> None:
    with _lock:
        _links.clear()
        _campaigns.clear()
        _forms.clear()
