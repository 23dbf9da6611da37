"""The portfolio's workbooks: the project list (with its milestones), the review's ranking,
and the printable wall chart (挂图) of the battle map.

A portfolio holds tens to a few hundred projects, so each file is written in the request;
the rows are the ones the page shows the actor, with the same filters.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from pacesetter.orgs.spreadsheets import FORMULA_STARTS, cell_text, workbook_file
from pacesetter.projects import battlemap, schedule
from pacesetter.projects.models import Portfolio, Project
from pacesetter.projects.selectors import ProjectRow, ReviewRow, review_day

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="B22222")
NOW_FILL = PatternFill("solid", fgColor="FFD54F")
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
THIN = Side(style="thin", color="9E9E9E")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _hex(color: str) -> str:
    """``#d32f2f`` as openpyxl wants it: ``D32F2F``."""
    return color.lstrip("#").upper()


def _header(sheet: Any, labels: Iterable[Any]) -> list[Any]:
    return [cell_text(sheet, str(label), font=HEADER_FONT, fill=HEADER_FILL, alignment=WRAP)
            for label in labels]


def _text(sheet: Any, value: Any) -> Any:
    return cell_text(sheet, value) if value not in ("", None) else None


def _name(holder: Any) -> str:
    """The name of a unit or a person, or nothing."""
    return holder.name if holder is not None else ""


def _yes(value: bool) -> str | None:
    return _("Yes") if value else None


def _co_units(projects: Sequence[Project]) -> dict[int, list[str]]:
    """Each project's co-units by name, in one query."""
    names: dict[int, list[str]] = {}
    links = Project.co_units.through.objects.filter(project__in=projects).select_related(
        "unit").order_by("unit__path")
    for link in links:
        names.setdefault(link.project_id, []).append(link.unit.name)
    return names


# ---- the project list --------------------------------------------------------------------


def projects_file(*, portfolio: Portfolio, rows: Sequence[ProjectRow]) -> IO[bytes]:
    """The battle map's table with every column, one row per project, and the milestones
    of these projects on a second sheet."""
    co_units = _co_units([row.project for row in rows])
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Projects"))
    sheet.freeze_panes = "D2"
    sheet.append(_header(sheet, [
        _("No."), _("Number"), _("Project"), _("Category"), _("Lead unit"), _("Co-units"),
        _("Proposed by"), _("Responsible leader"), _("Owner"), _("State"), _("Health"),
        _("Percent complete"), _("Start"), _("Deadline"), _("Next milestone"),
        _("Next milestone due"), _("Progress report late"), _("Last progress report"),
        _("Budget (10k yuan)"), _("Tags"), _("Goal"), _("Measures"), _("Acceptance grade"),
        _("Landmark achievement"), _("Case for replication")]))
    for number, row in enumerate(rows, start=1):
        project = row.project
        upcoming = battlemap.next_milestone(row)
        sheet.append([
            number, _text(sheet, project.code), _text(sheet, project.title),
            _text(sheet, project.category), _text(sheet, _name(project.lead_unit)),
            _text(sheet, "、".join(co_units.get(project.pk, []))),
            _text(sheet, project.proposed_by.name), _text(sheet, _name(project.leader)),
            _text(sheet, _name(project.owner)), project.get_state_display(),
            str(battlemap.status_label(row)), row.percent, project.starts_on,
            project.deadline, _text(sheet, upcoming.milestone.title) if upcoming else None,
            upcoming.milestone.due_on if upcoming else None, _yes(row.report_late),
            row.last_report, project.budget,
            _text(sheet, "、".join(str(tag) for tag in project.tags or [])),
            _text(sheet, project.goal), _text(sheet, project.measures),
            project.get_grade_display() or None, _yes(project.outstanding),
            _yes(project.replication_case)])
    milestones = workbook.create_sheet(_("Milestones"))
    milestones.freeze_panes = "C2"
    milestones.append(_header(milestones, [
        _("Number"), _("Project"), _("Milestone"), _("Due"), _("Deliverable"),
        _("Percent complete"), _("Done on"), _("State")]))
    for row in rows:
        for view in row.milestones:
            milestone = view.milestone
            milestones.append([
                _text(milestones, row.project.code), _text(milestones, row.project.title),
                _text(milestones, milestone.title), milestone.due_on,
                _text(milestones, milestone.deliverable), milestone.percent, milestone.done_on,
                str(battlemap.MILESTONE_LABELS[view.state])])
    return workbook_file(workbook)


# ---- the review --------------------------------------------------------------------------


def review_file(*, portfolio: Portfolio, rows: Sequence[ReviewRow], period: str,
                weight: int, formula: str) -> IO[bytes]:
    """The review's ranking as the page shows it, and on a second sheet how it was
    computed (the review day, the weight and the formula)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Review"))
    sheet.freeze_panes = "C2"
    sheet.append(_header(sheet, [
        _("Rank"), _("Number"), _("Project"), _("Lead unit"),
        _("Completion on the review day (%)"), _("Best roadshow result (%)"),
        _("Composite score"), _("Landmark achievement"), _("Case for replication")]))
    for row in rows:
        project = row.project
        sheet.append([
            row.rank, _text(sheet, project.code), _text(sheet, project.title),
            _text(sheet, _name(project.lead_unit)), row.percent,
            row.roadshow_percent, row.composite, _yes(project.outstanding),
            _yes(project.replication_case)])
    notes = workbook.create_sheet(_("How it is computed"))
    day = review_day(portfolio.year, period)
    for name, value in ((_("Portfolio"), portfolio.title),
                        (_("Review"), _("Half-year review") if period == "half"
                         else _("Year-end review")),
                        (_("Review day"), day),
                        (_("Weight of completion (%)"), weight),
                        (_("Formula"), formula)):
        notes.append([cell_text(notes, str(name), font=Font(bold=True)),
                      cell_text(notes, value)])
    return workbook_file(workbook)


# ---- the wall chart (挂图) -----------------------------------------------------------------

FACTS = 10  # columns of facts before the twelve months
WIDTHS = (5, 9, 30, 16, 9, 9, 10, 9, 7, 11)


def _put(sheet: Any, row: int, column: int, value: Any, *, font: Font | None = None,
         fill: PatternFill | None = None, alignment: Alignment | None = WRAP,
         border: Border | None = GRID) -> Any:
    """A styled cell; text that a spreadsheet would read as a formula stays text."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    for name, style in (("font", font), ("fill", fill), ("alignment", alignment),
                        ("border", border)):
        if style is not None:
            setattr(cell, name, style)
    return cell


def _fill(color: str) -> PatternFill:
    return PatternFill("solid", fgColor=_hex(color))


def _months(year: int) -> list[tuple[datetime.date, datetime.date]]:
    return [(datetime.date(year, m, 1),
             datetime.date(year, m, calendar.monthrange(year, m)[1])) for m in range(1, 13)]


def _diamonds(states: list[str]) -> tuple[Any, Font]:
    """The ◆ of a month's milestones, each in its state's color; the cell's font takes the
    most urgent state's color (the only one when they agree)."""
    urgent = min(states, key=battlemap.MILESTONE_URGENCY.index)
    font = Font(bold=True, size=12, color=_hex(battlemap.MILESTONE_COLORS[urgent]))
    if len(set(states)) == 1:
        return "◆" * len(states), font
    ordered = sorted(states, key=battlemap.MILESTONE_URGENCY.index)
    return CellRichText(*[
        TextBlock(InlineFont(b=True, sz=12, color=_hex(battlemap.MILESTONE_COLORS[state])), "◆")
        for state in ordered]), font


def _legend(sheet: Any, row: int) -> None:
    """Health fills and milestone diamonds explained, over the month columns."""
    column = FACTS + 1
    for health in schedule.HEALTH_ORDER:
        sheet.merge_cells(start_row=row, start_column=column, end_row=row,
                          end_column=column + 1)
        _put(sheet, row, column, str(battlemap.HEALTH_LABELS[health]),
             fill=_fill(battlemap.HEALTH_TINTS[health]), alignment=CENTER)
        column += 2
    blocks: list[Any] = []
    for state in battlemap.MILESTONE_URGENCY:
        blocks.append(TextBlock(InlineFont(b=True, color=_hex(
            battlemap.MILESTONE_COLORS[state])), "◆"))
        blocks.append(TextBlock(InlineFont(), f"{battlemap.MILESTONE_LABELS[state]} "))
    sheet.merge_cells(start_row=row, start_column=column, end_row=row,
                      end_column=FACTS + 12)
    _put(sheet, row, column, CellRichText(*blocks), alignment=CENTER, border=None)


def wallchart_file(*, portfolio: Portfolio, rows: Sequence[ProjectRow],
                   today: datetime.date) -> IO[bytes]:
    """The battle map to print and hang: an A3 landscape sheet fit to one page wide, the
    title and header rows repeated on every page; one row per project with its facts, then a
    month-by-month grid over the portfolio's year, the months the project runs filled with its
    health's color and the months of its milestones marked ◆ in the color of their state."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Wall chart")
    last_column = FACTS + 12
    # the title and the line under it
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_column)
    _put(sheet, 1, 1, _("%(title)s · battle map") % {"title": portfolio.title},
         font=Font(bold=True, size=18), alignment=Alignment(horizontal="center",
                                                            vertical="center"), border=None)
    sheet.row_dimensions[1].height = 34
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=FACTS)
    _put(sheet, 2, 1, _("Organizer: %(owner)s · year %(year)d · as of %(day)s · "
                        "%(count)d projects") % {
        "owner": portfolio.owner.name, "year": portfolio.year,
        "day": formats.date_format(today, "Y-m-d"), "count": len(rows)},
        alignment=Alignment(vertical="center"), border=None)
    _legend(sheet, 2)
    sheet.row_dimensions[2].height = 22
    # the header
    labels = [_("No."), _("Number"), _("Project"), _("Lead unit"), _("Responsible leader"),
              _("Owner"), _("State"), _("Health"), _("Complete"), _("Deadline")]
    for column, text in enumerate(labels, start=1):
        _put(sheet, 3, column, str(text), font=HEADER_FONT, fill=HEADER_FILL,
             alignment=CENTER)
    months = _months(portfolio.year)
    for index, (first, last) in enumerate(months):
        now = first <= today <= last
        _put(sheet, 3, FACTS + 1 + index,
             pgettext("month column", "%(month)d") % {"month": first.month},
             font=Font(bold=True, color="000000" if now else "FFFFFF"),
             fill=NOW_FILL if now else HEADER_FILL, alignment=CENTER)
    sheet.row_dimensions[3].height = 24
    # one row per project
    for number, row in enumerate(rows, start=1):
        line = 3 + number
        _project_line(sheet, line, number, row, portfolio.year, months)
        sheet.row_dimensions[line].height = 30
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    for column in range(FACTS + 1, last_column + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 6
    _print_setup(sheet, last_row=3 + len(rows), last_column=last_column)
    return workbook_file(workbook)


def _project_line(sheet: Any, line: int, number: int, row: ProjectRow, year: int,
                  months: list[tuple[datetime.date, datetime.date]]) -> None:
    project = row.project
    facts = [number, project.code or None, project.title,
             project.lead_unit.name if project.lead_unit else None,
             project.leader.name if project.leader else None,
             project.owner.name if project.owner else None, project.get_state_display(),
             str(battlemap.status_label(row)), f"{row.percent}%",
             project.deadline.isoformat() if project.deadline else None]
    for column, value in enumerate(facts, start=1):
        _put(sheet, line, column, value,
             alignment=CENTER if column in (1, 2, 8, 9, 10) else WRAP,
             font=Font(bold=True, color=_hex(battlemap.status_color(row)))
             if column == 8 else None)
    start, end = battlemap.span(row, year)
    tint = _fill(battlemap.STATUS_TINTS[battlemap.status(row)])
    by_month: dict[int, list[str]] = {}
    for view in row.milestones:
        if view.milestone.due_on.year == year:
            by_month.setdefault(view.milestone.due_on.month, []).append(view.state)
    for index, (first, last) in enumerate(months):
        column = FACTS + 1 + index
        running = start <= last and end >= first
        value: Any = None
        font = None
        if first.month in by_month:
            value, font = _diamonds(by_month[first.month])
        elif running and index == 0 and start < first:
            value = "◀"
        elif running and index == 11 and end > last:
            value = "▶"
        _put(sheet, line, column, value, fill=tint if running else None, font=font,
             alignment=CENTER)


def _print_setup(sheet: Any, *, last_row: int, last_column: int) -> None:
    """A3 landscape, one page wide (as many long as it takes), the title and header rows on
    every page, centred, page numbers in the footer."""
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A3
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:3"
    sheet.print_area = f"A1:{get_column_letter(last_column)}{max(last_row, 3)}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.3, right=0.3, top=0.5, bottom=0.5, header=0.2,
                                     footer=0.2)
    sheet.oddFooter.center.text = "&P / &N"
    sheet.freeze_panes = "D4"
