"""An inspection's bulletin (通报) in Word, generated from the data: the title, the period and
the team, the units visited and why, the summary sentence of seed 002 ("指出问题 86 个，提出整改
建议 94 条"), the figures of each unit, the findings of each unit with their suggestions, and a
closing line that asks for the rectification."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from pacesetter.supervision.models import Finding, Inspection, InspectionTarget
from pacesetter.supervision.selectors import Figures, RecheckItem, recheck_figures
from pacesetter.word import east_asian_font, xml_text

CHINESE_ORDINALS = "一二三四五六七八九十"


def rate(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def ordinal(number: int) -> str:
    """（一）…（十）, then plain numbers: how a bulletin numbers its sections."""
    if 0 < number <= len(CHINESE_ORDINALS):
        return f"（{CHINESE_ORDINALS[number - 1]}）"
    return f"（{number}）"


def _table(document: Any, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(xml_text(text)).bold = True
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = xml_text(value)


def report_document(*, inspection: Inspection, figures: Figures,
                    targets: Sequence[tuple[InspectionTarget, Figures]],
                    findings: Sequence[Finding], members: Sequence[Any],
                    recheck: Sequence[RecheckItem] | None = None) -> IO[bytes]:
    """The bulletin of ``inspection`` (the findings and figures the reader may see); for a
    re-check, the verdicts on the findings it revisits too (``recheck``)."""
    document = Document()
    east_asian_font(document, size=12)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.6))
    heading = document.add_heading(xml_text(_("Bulletin on %(title)s") % {
        "title": inspection.title}), level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    facts = [(_("Organizer"), inspection.owner.name),
             (_("Kind"), inspection.get_kind_display()),
             (pgettext("inspection", "Period"), _("%(start)s to %(end)s") % {
                 "start": f"{inspection.starts_on:%Y-%m-%d}",
                 "end": f"{inspection.ends_on:%Y-%m-%d}"})]
    document.add_paragraph(xml_text("　".join(f"{label}：{value}" for label, value in facts)))
    team = [(_("Team leader"), inspection.leader.name if inspection.leader else "—"),
            (_("Team members"), "、".join(p.name for p in members) or "—")]
    document.add_paragraph(xml_text("　".join(f"{label}：{value}" for label, value in team)))
    if inspection.purpose:
        document.add_paragraph(xml_text(inspection.purpose))

    document.add_heading(_("Units inspected"), level=2)
    for number, (target, _unit_figures) in enumerate(targets, start=1):
        line = f"{number}. {target.unit.name}"
        if target.reason:
            line += f"（{target.reason}）"
        document.add_paragraph(xml_text(line))

    document.add_heading(_("Overall"), level=2)
    summary = document.add_paragraph()
    summary.add_run(xml_text(figures.summary())).bold = True
    document.add_paragraph(xml_text(_(
        "Rectification rate %(rate)s; rectified on time %(on_time)s of those rectified.") % {
        "rate": rate(figures.rectification_rate), "on_time": rate(figures.on_time_rate)}))
    _table(document, [_("Unit"), _("Findings"), _("Suggestions"), _("Rectified"),
                      _("Rectification rate"), _("In progress"), _("Overdue")],
           [[t.unit.name, f.findings, f.suggestions, f.rectified, rate(f.rectification_rate),
             f.open, f.late] for t, f in targets]
           + [[pgettext("bulletin", "Total"), figures.findings, figures.suggestions,
               figures.rectified, rate(figures.rectification_rate), figures.open,
               figures.late]])

    if recheck is not None:
        _recheck_section(document, recheck)

    document.add_heading(_("Problems found and suggestions"), level=2)
    by_unit: dict[int, list[Finding]] = {}
    for finding in findings:
        by_unit.setdefault(finding.unit_id, []).append(finding)
    shown = 0
    for target, _unit_figures in targets:
        unit_findings = by_unit.pop(target.unit_id, [])
        if unit_findings:
            shown += 1
            _unit_findings(document, ordinal(shown) + target.unit.name, unit_findings)
    for unit_findings in by_unit.values():  # a unit no longer among the targets
        shown += 1
        _unit_findings(document, ordinal(shown) + unit_findings[0].unit.name, unit_findings)
    if not findings:
        document.add_paragraph(_("No problem has been recorded."))

    document.add_paragraph()
    document.add_paragraph(xml_text(_(
        "Each unit inspected is to rectify the problems above item by item, report its "
        "rectification with evidence by the deadline, and draw lessons from them so that they "
        "do not recur.")))
    closing = document.add_paragraph(xml_text(
        f"{inspection.owner.name}\n{timezone.localdate():%Y-%m-%d}"))
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return buffer


def _unit_findings(document: Any, title: str, findings: Sequence[Finding]) -> None:
    document.add_heading(xml_text(title), level=3)
    for number, finding in enumerate(findings, start=1):
        paragraph = document.add_paragraph()
        paragraph.add_run(xml_text(f"{number}. {finding.description}")).bold = True
        facts = [finding.get_severity_display()]
        if finding.category:
            facts.append(finding.category.name)
        if finding.checklist_item:
            facts.append(f"{finding.checklist_item.code} {finding.checklist_item.text}")
        task = getattr(finding, "rectification", None)
        if task is not None:
            facts.append(_("%(serial)s, due %(deadline)s") % {
                "serial": task.serial, "deadline": f"{task.deadline:%Y-%m-%d}"})
        paragraph.add_run(xml_text(f"（{'；'.join(str(f) for f in facts)}）"))
        suggestions = [s.text for s in finding.suggestions.all()]
        for n, text in enumerate(suggestions, start=1):
            line = document.add_paragraph(xml_text(
                _("Suggestion %(n)d: %(text)s") % {"n": n, "text": text}))
            line.paragraph_format.left_indent = Pt(24)


def _recheck_section(document: Any, items: Sequence[RecheckItem]) -> None:
    """回头看: the sentence and a row per revisited finding with its verdict."""
    document.add_heading(_("Re-check of the closed-out findings"), level=2)
    summary = document.add_paragraph()
    summary.add_run(xml_text(recheck_figures(list(items)).summary())).bold = True
    if not items:
        return
    _table(document, [_("No."), _("Unit"), _("Problem"), _("Rectification"), _("Re-check"),
                      _("Note")],
           [[item.finding.number, item.finding.unit.name, item.finding.description,
             item.task.serial if item.task else "—", _verdict_text(item),
             item.verdict.note if item.verdict else ""] for item in items])


def _verdict_text(item: RecheckItem) -> str:
    if item.verdict is not None:
        return str(item.verdict.get_verdict_display())
    return _("To verify") if item.awaiting_verdict else _("Not closed out yet")
