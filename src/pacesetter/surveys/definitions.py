"""A questionnaire as plain data, before it is saved: what the builder, the XLSForm import and
copies produce, checked in one place (``problems``) before anything is written."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from pacesetter.surveys.models import SINGLE_CHOICE_KINDS, ItemKind

CODE = re.compile(r"^[A-Za-z_][0-9A-Za-z_.-]{0,31}$")
MAX_OPTIONS = 255  # one byte per single-choice answer, 0 for none
MAX_ITEMS = 300


@dataclass
class OptionDraft:
    code: str
    label: str
    share: float | None = None


@dataclass
class ItemDraft:
    code: str
    kind: str
    label: str
    section: str | None = None
    hint: str = ""
    required: bool = False
    weight: float = 1.0
    is_attribute: bool = False
    options: list[OptionDraft] = field(default_factory=list)
    where: str = ""


@dataclass
class SectionDraft:
    code: str
    title: str
    weight: float = 1.0
    where: str = ""


@dataclass
class QuestionnaireDraft:
    code: str
    title: str
    description: str = ""
    sections: list[SectionDraft] = field(default_factory=list)
    items: list[ItemDraft] = field(default_factory=list)


@dataclass(frozen=True)
class Problem:
    where: str
    message: str


def _code_problem(code: str) -> str | None:
    if not CODE.match(code):
        return _("“%(code)s” is not a valid code: use 1 to 32 letters, digits, ., - or _, "
                 "starting with a letter or _.") % {"code": code}
    return None


def problems(draft: QuestionnaireDraft, *, complete: bool = True) -> list[Problem]:
    """Everything wrong with ``draft``, each named by where it is (a row of the spreadsheet,
    or the item's code). A draft in the builder need not be ``complete``: it may have no
    items yet (a campaign refuses such a questionnaire)."""
    found: list[Problem] = []
    if not draft.title.strip():
        found.append(Problem(_("questionnaire"), _("The title is empty.")))
    if message := _code_problem(draft.code):
        found.append(Problem(_("questionnaire"), message))
    section_codes: set[str] = set()
    for section in draft.sections:
        where = section.where or section.code
        if message := _code_problem(section.code):
            found.append(Problem(where, message))
        if section.code in section_codes:
            found.append(Problem(where, _("Aspect code “%(code)s” is used twice.")
                                 % {"code": section.code}))
        section_codes.add(section.code)
        if not section.title.strip():
            found.append(Problem(where, _("The aspect has no title.")))
        if section.weight < 0:
            found.append(Problem(where, _("A weight cannot be negative.")))
    item_codes: set[str] = set()
    for item in draft.items:
        found.extend(_item_problems(item, item_codes, section_codes))
    if complete and not draft.items:
        found.append(Problem(_("questionnaire"), _("The questionnaire has no items.")))
    if len(draft.items) > MAX_ITEMS:
        found.append(Problem(_("questionnaire"), _("At most %(count)d items.")
                             % {"count": MAX_ITEMS}))
    return found


def _item_problems(item: ItemDraft, seen: set[str], sections: set[str]) -> list[Problem]:
    where = item.where or item.code
    found: list[Problem] = []
    if message := _code_problem(item.code):
        found.append(Problem(where, message))
    if item.code in seen:
        found.append(Problem(where, _("Item code “%(code)s” is used twice.") % {"code": item.code}))
    seen.add(item.code)
    if item.kind not in ItemKind.values:
        found.append(Problem(where, _("Unknown item type “%(kind)s”.") % {"kind": item.kind}))
        return found
    if not item.label.strip():
        found.append(Problem(where, _("The item has no question text.")))
    if item.section is not None and item.section not in sections:
        found.append(Problem(where, _("The item's aspect “%(code)s” does not exist.")
                             % {"code": item.section}))
    if item.weight < 0:
        found.append(Problem(where, _("A weight cannot be negative.")))
    found.extend(_option_problems(item, where))
    if item.is_attribute and item.kind not in SINGLE_CHOICE_KINDS:
        found.append(Problem(where, _("A respondent attribute must be a single choice.")))
    return found


def _option_problems(item: ItemDraft, where: str) -> list[Problem]:
    found: list[Problem] = []
    if item.kind == ItemKind.TEXT:
        if item.options:
            found.append(Problem(where, _("A free-text item has no options.")))
        return found
    if len(item.options) < 2:
        found.append(Problem(where, _("A choice item needs at least two options.")))
    if len(item.options) > MAX_OPTIONS:
        found.append(Problem(where, _("At most %(count)d options.") % {"count": MAX_OPTIONS}))
    codes: set[str] = set()
    for option in item.options:
        if message := _code_problem(option.code):
            found.append(Problem(where, message))
        if option.code in codes:
            found.append(Problem(where, _("Option “%(code)s” appears twice.")
                                 % {"code": option.code}))
        codes.add(option.code)
        if option.share is not None and not 0 <= option.share <= 1:
            found.append(Problem(where, _("Option “%(code)s”: a share lies between 0 and 100%%.")
                                 % {"code": option.code}))
    shared = [o for o in item.options if o.share is not None]
    if item.kind == ItemKind.RATING and not shared:
        found.append(Problem(where, _("A rating item needs a share (score) on its options.")))
    if item.kind != ItemKind.RATING and shared:
        found.append(Problem(where, _("Only rating items have scored options.")))
    return found


def kind_of_choice(multiple: bool, options: list[OptionDraft]) -> str:
    """The kind of a choice item as XLSForm states it: a single choice with scored options is
    a rating scale."""
    if multiple:
        return ItemKind.MULTIPLE
    return ItemKind.RATING if any(o.share is not None for o in options) else ItemKind.SINGLE


SCALES: dict[str, list[tuple[str, str, float | None]]] = {
    "satisfaction4": [("my", "满意", 1.0), ("jbmy", "基本满意", 0.75),
                      ("bmy", "不满意", 0.55), ("bly", "不了解", None)],
    "satisfaction5": [("fcmy", "非常满意", 1.0), ("my", "满意", 0.8), ("yb", "一般", 0.6),
                      ("bmy", "不满意", 0.4), ("fcbmy", "非常不满意", 0.2)],
    "points5": [(f"s{v}", str(v), (v - 1) / 4) for v in range(5, 0, -1)],
    "points10": [(f"s{v}", str(v), (v - 1) / 9) for v in range(10, 0, -1)],
}


def scale_options(name: str) -> list[OptionDraft]:
    """The options of a ready-made rating scale: 满意/基本满意/不满意/不了解 (the shares of
    seed 002's practice, 不了解 not a valid ballot), a five-grade satisfaction scale, or points
    1–5 and 1–10 spread evenly over 0–100%."""
    return [OptionDraft(code, label, share) for code, label, share in SCALES[name]]
