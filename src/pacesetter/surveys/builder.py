"""The questionnaire builder's edits, as pure changes of a draft.

Each page action of the builder (add an aspect, change an item, move it up…) is one of these
functions applied to the questionnaire's draft; the service then checks the whole draft and
saves it at once, so a questionnaire is never left half-edited. A change that cannot be made
raises ``EditRefused`` with a message for the user.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

from pacesetter.surveys.definitions import (
    SCALES,
    ItemDraft,
    OptionDraft,
    QuestionnaireDraft,
    SectionDraft,
    scale_options,
)
from pacesetter.surveys.models import ItemKind

# "满意 100", "满意=100", "满意\t100%" (pasted from Excel), "满意：100": a label, then its share
OPTION_LINE = re.compile(r"^(?P<label>.+?)[\s=:：,，]+(?P<share>\d+(?:\.\d+)?)\s*[%％]?$")


class EditRefused(ValueError):
    """The edit cannot be made; the message says why, in the user's language."""


def next_code(prefix: str, taken: Iterable[str]) -> str:
    """The first of ``prefix``1, ``prefix``2… not in ``taken``."""
    used = set(taken)
    number = 1
    while f"{prefix}{number}" in used:
        number += 1
    return f"{prefix}{number}"


def parse_options(text: str, existing: Iterable[OptionDraft] = ()) -> list[OptionDraft]:
    """Options from text, one per line: a label and, for a rating scale, its share of the
    item's weight in percent ("满意 100"); a label with no share (不了解) is not a valid ballot.
    An option keeps the code it had when its label is unchanged, so answers exported under
    the old version keep their codes; new options get o1, o2…"""
    codes = {o.label: o.code for o in existing}
    options: list[OptionDraft] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = OPTION_LINE.match(line)
        label, share = (match["label"].strip(), float(match["share"]) / 100) if match else (
            line, None)
        if share is not None and share > 1:
            raise EditRefused(_("Line %(line)d: a share lies between 0 and 100%%.")
                              % {"line": number})
        options.append(OptionDraft(code=codes.get(label, ""), label=label, share=share))
    taken = {o.code for o in options if o.code}
    for option in options:
        if not option.code:
            option.code = next_code("o", taken)
            taken.add(option.code)
    return options


def options_text(options: Iterable[OptionDraft]) -> str:
    """The options as the builder's text box shows them: the inverse of ``parse_options``."""
    return "\n".join(o.label if o.share is None else f"{o.label} {o.share * 100:g}"
                     for o in options)


def _section(draft: QuestionnaireDraft, code: str) -> SectionDraft:
    for section in draft.sections:
        if section.code == code:
            return section
    raise EditRefused(_("There is no aspect “%(code)s”.") % {"code": code})


def _item_index(draft: QuestionnaireDraft, code: str) -> int:
    for index, item in enumerate(draft.items):
        if item.code == code:
            return index
    raise EditRefused(_("There is no item “%(code)s”.") % {"code": code})


def section_add(draft: QuestionnaireDraft, *, title: str, weight: float = 1.0) -> SectionDraft:
    section = SectionDraft(code=next_code("a", (s.code for s in draft.sections)),
                           title=title, weight=weight)
    draft.sections.append(section)
    return section


def section_update(draft: QuestionnaireDraft, code: str, *, title: str, weight: float) -> None:
    section = _section(draft, code)
    section.title, section.weight = title, weight


def section_remove(draft: QuestionnaireDraft, code: str) -> None:
    """Remove an empty aspect: its items would otherwise silently lose their aspect."""
    section = _section(draft, code)
    if any(item.section == code for item in draft.items):
        raise EditRefused(_("The aspect “%(title)s” still has items: move or remove them "
                            "first.") % {"title": section.title})
    draft.sections.remove(section)


def new_item(draft: QuestionnaireDraft, *, kind: str, label: str, section: str | None,
             scale: str = "") -> ItemDraft:
    """A new item with the next free code; a rating item starts on ``scale`` (satisfaction4
    when none is named), a choice item on two options to be renamed."""
    if kind == ItemKind.RATING:
        options = scale_options(scale if scale in SCALES else "satisfaction4")
    elif kind in (ItemKind.SINGLE, ItemKind.MULTIPLE):
        options = [OptionDraft("o1", _("Option 1")), OptionDraft("o2", _("Option 2"))]
    else:
        options = []
    return ItemDraft(code=next_code("q", (i.code for i in draft.items)), kind=kind,
                     label=label, section=section, required=kind == ItemKind.RATING,
                     options=options)


OPENING, CLOSING = "", "~"  # the groups of items outside the aspects: before and after them


def group_of(draft: QuestionnaireDraft, index: int) -> str:
    """The group an item is shown in: its aspect's code; or, outside the aspects, the
    opening group (before the first item in an aspect) or the closing one (after it)."""
    item = draft.items[index]
    if item.section is not None:
        return item.section
    first = next((n for n, other in enumerate(draft.items) if other.section is not None), None)
    return OPENING if first is None or index < first else CLOSING


def item_add(draft: QuestionnaireDraft, item: ItemDraft, *, group: str | None = None) -> None:
    """Add ``item`` last in its group: its aspect, or for an item outside the aspects the
    opening group (``OPENING``, the default) or the closing one (``CLOSING``, at the very end)."""
    if item.section is not None:
        _section(draft, item.section)
        group = item.section
    elif group == CLOSING:
        draft.items.append(item)
        return
    else:
        group = OPENING
    last = max((index for index in range(len(draft.items)) if group_of(draft, index) == group),
               default=None)
    if last is None and group == OPENING:
        last = -1
    elif last is None:
        last = len(draft.items) - 1
    draft.items.insert(last + 1, item)


def item_replace(draft: QuestionnaireDraft, code: str, item: ItemDraft) -> None:
    """Put ``item`` in the place of item ``code``; moved to another aspect, it goes last there."""
    index = _item_index(draft, code)
    if item.section is not None:
        _section(draft, item.section)
    if draft.items[index].section == item.section:
        draft.items[index] = item
        return
    del draft.items[index]
    item_add(draft, item)


def item_remove(draft: QuestionnaireDraft, code: str) -> None:
    del draft.items[_item_index(draft, code)]


def item_move(draft: QuestionnaireDraft, code: str, step: int) -> None:
    """Swap item ``code`` with its neighbour in the same group (step -1 up, +1 down); at
    either end of the group it stays."""
    index = _item_index(draft, code)
    group = group_of(draft, index)
    same = [n for n in range(len(draft.items)) if group_of(draft, n) == group]
    where = same.index(index) + step
    if 0 <= where < len(same):
        other = same[where]
        draft.items[index], draft.items[other] = draft.items[other], draft.items[index]


def section_move(draft: QuestionnaireDraft, code: str, step: int) -> None:
    """Swap aspect ``code`` with its neighbour; its items move with it, so that answers and
    export columns follow the aspects' order."""
    index = draft.sections.index(_section(draft, code))
    where = index + step
    if 0 <= where < len(draft.sections):
        draft.sections[index], draft.sections[where] = draft.sections[where], draft.sections[index]
        _regroup(draft)


def _regroup(draft: QuestionnaireDraft) -> None:
    order = {section.code: n for n, section in enumerate(draft.sections)}
    groups = [group_of(draft, n) for n in range(len(draft.items))]
    opening = [i for i, g in zip(draft.items, groups, strict=True) if g == OPENING]
    closing = [i for i, g in zip(draft.items, groups, strict=True) if g == CLOSING]
    inside = sorted((i for i in draft.items if i.section is not None),
                    key=lambda i: order[i.section or ""])
    draft.items = opening + inside + closing
