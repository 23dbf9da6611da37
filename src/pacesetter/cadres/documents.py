"""A cadre's records as files: the profile workbook (openpyxl) and the annual appraisal sheet
(年度考核登记表, python-docx). Both are personnel records: every page carries, in its header,
who exported it and when, so that a copy found elsewhere says whose it was."""

from __future__ import annotations

import io
from typing import IO, Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Font

from pacesetter.cadres.selectors import Profile
from pacesetter.word import east_asian_font, xml_text


def watermark_text(user: Any) -> str:
    name = user.get_full_name() or user.get_username()
    at = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    return _("Personnel record · exported by %(name)s (%(username)s) at %(at)s · not to be "
             "passed on") % {"name": name, "username": user.get_username(), "at": at}


def _sheet(workbook: Workbook, title: str, watermark: str, header: list[str],
           rows: list[list[Any]]) -> None:
    sheet = workbook.create_sheet(title[:31])
    sheet.oddHeader.center.text = watermark
    sheet.oddFooter.center.text = watermark
    sheet.append([watermark])
    sheet["A1"].font = Font(color="B22222", italic=True)
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([xml_text(v) if isinstance(v, str) else v for v in row])


def profile_workbook(profile: Profile, watermark: str) -> IO[bytes]:
    """Sheets: the cadre, results in every plan, the list entries, the project roles, the
    follow-ups."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    person = profile.person
    _sheet(workbook, _("Cadre"), watermark, [_("Name"), _("Unit"), _("Position")],
           [[person.name, person.unit.name, person.position]])
    _sheet(workbook, _("Results"), watermark,
           [_("Plan"), _("Period"), _("Total"), _("Rank in group"), _("List")],
           [[r.version.plan.name, r.version.plan.period.label, float(r.total), r.group_rank,
             r.get_list_mark_display() if r.list_mark else ""] for r in profile.results])
    _sheet(workbook, _("Achievements and failings"), watermark,
           [_("Date"), _("List"), _("Source"), _("Description"), _("Status"),
            _("Tolerance decision"), _("Origin")],
           [[e.date, e.get_kind_display(), e.get_source_display(), e.text,
             e.get_status_display(), _tolerance_text(e), getattr(e, "origin_label", "")]
            for e in profile.entries])
    _sheet(workbook, _("Project roles"), watermark,
           [_("Project"), _("Role"), _("Portfolio"), _("State"), _("Deadline")],
           [[p.title, role_label(p.role), p.portfolio.title, p.get_state_display(), p.deadline]
            for p in profile.projects])
    _sheet(workbook, _("Follow-ups"), watermark,
           [_("Raised"), _("Index"), _("Band"), _("Action"), _("Status"), _("Outcome")],
           [[timezone.localtime(f.created_at).strftime("%Y-%m-%d"), float(f.index), f.band,
             f.action, f.get_status_display(), f.outcome] for f in profile.follow_ups])
    handle = io.BytesIO()
    workbook.save(handle)
    handle.seek(0)
    return handle


def role_label(role: str) -> str:
    """A project role (``projects.selectors.person_projects``) in words."""
    return _("Responsible leader") if role == "leader" else pgettext("project role", "Owner")


def _tolerance_text(entry: Any) -> str:
    try:
        decision = entry.tolerance
    except ObjectDoesNotExist:
        return ""
    return f"{decision.reason}（{decision.approver}）"


def appraisal_sheet(profile: Profile, watermark: str) -> IO[bytes]:
    """The annual appraisal sheet: the cadre, the year's results, the appraisal's panels and
    grades, the achievements and failings, and blank lines for the comments and signatures
    that are written by hand."""
    document = Document()
    east_asian_font(document, 11)
    header = document.sections[0].header.paragraphs[0]
    header.text = watermark
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.sections[0].footer.paragraphs[0].text = watermark
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(_("Annual appraisal sheet of a leading cadre"))
    run.bold, run.font.size = True, Pt(18)
    person = profile.person
    table = document.add_table(rows=2, cols=4)
    table.style = "Table Grid"
    for n, (label, value) in enumerate(((_("Name"), person.name), (_("Unit"), person.unit.name),
                                        (_("Position"), person.position),
                                        (_("Birth date"), person.birth_date or ""))):
        table.cell(n // 2, (n % 2) * 2).text = label
        table.cell(n // 2, (n % 2) * 2 + 1).text = xml_text(value)
    document.add_heading(_("Results"), level=2)
    results = document.add_table(rows=1, cols=4)
    results.style = "Table Grid"
    for cell, label in zip(results.rows[0].cells, (_("Plan"), _("Total"), _("Rank in group"),
                                                   _("List")), strict=True):
        cell.text = label
    for r in profile.results:
        cells = results.add_row().cells
        cells[0].text = xml_text(f"{r.version.plan.name}（{r.version.plan.period.label}）")
        cells[1].text = f"{r.total:.2f}"
        cells[2].text = str(r.group_rank)
        cells[3].text = r.get_list_mark_display() if r.list_mark else ""
    document.add_heading(_("Multi-source appraisal"), level=2)
    for summary in profile.appraisals:
        panels = "、".join(f"{name} {count}" for name, count in summary["panels"].items())
        grades = "、".join(f"{name} {count}" for name, count in summary["grades"])
        document.add_paragraph(xml_text(f"{summary['appraisal'].plan.name}：{panels}；{grades}"))
    for heading, entries in ((_("Achievements"), profile.achievements),
                             (_("Failings"), profile.negatives)):
        document.add_heading(heading, level=2)
        for e in entries:
            tolerated = _tolerance_text(e)
            line = f"{e.date:%Y-%m-%d} {e.text}" + (
                f"（{_('tolerated')}：{tolerated}）" if tolerated else "")
            document.add_paragraph(xml_text(line), style="List Bullet")
        if not entries:
            document.add_paragraph(_("None."))
    for label in (_("Opinion of the unit's leadership"), _("Opinion of the appraisal body"),
                  _("Signature of the cadre")):
        document.add_heading(label, level=2)
        document.add_paragraph("\n\n" + _("Signature:") + " " * 30 + _("Date:"))
    handle = io.BytesIO()
    document.save(handle)
    handle.seek(0)
    return handle
