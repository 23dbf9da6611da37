"""What a submission needs to know, kept in the process between requests.

On a campaign's busiest day every submission would otherwise read the link's campaign and the
whole questionnaire: the link is kept for a few seconds (a campaign closed by hand stops taking
answers within ``LINK_SECONDS`` in every process, at once in this one), the questionnaire's
form for as long as its revision does not change.
"""

from __future__ import annotations

import datetime
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.utils.translation import gettext as _

from pacesetter.surveys.models import Item, ItemKind, Questionnaire, Target

LINK_SECONDS = 5.0
MAX_TEXT = 2000
_lock = threading.Lock()
_links: dict[str, tuple[float, TargetInfo | None]] = {}
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


def _load_target(token: str) -> TargetInfo | None:
    target = (Target.objects.select_related("campaign", "campaign__questionnaire", "unit")
              .filter(link_token=token).first())
    if target is None:
        return None
    campaign = target.campaign
    questionnaire: Questionnaire = campaign.questionnaire
    return TargetInfo(
        id=target.pk, campaign_id=campaign.pk, unit_id=target.unit_id,
        unit_name=target.unit.name, questionnaire_id=questionnaire.pk,
        revision=questionnaire.revision, mode=campaign.mode, roles=tuple(campaign.roles),
        status=campaign.status, opens_at=campaign.opens_at, closes_at=campaign.closes_at)


def target_for(token: str) -> TargetInfo | None:
    """The campaign link ``token`` (None if there is no such link)."""
    if not token or len(token) > 32:
        return None
    now = time.monotonic()
    cached = _links.get(token)
    if cached is not None and now - cached[0] < LINK_SECONDS:
        return cached[1]
    info = _load_target(token)
    with _lock:
        if len(_links) > 100_000:
            _links.clear()
        _links[token] = (now, info)
    return info


def forget_campaign(campaign_id: int) -> None:
    """Drop this process's copies of a campaign's links (after its status or window changed)."""
    with _lock:
        for token in [t for t, (_at, info) in _links.items()
                      if info is not None and info.campaign_id == campaign_id]:
            del _links[token]


def forget_all() -> None:
    with _lock:
        _links.clear()
        _forms.clear()
