"""An inspection's workbooks: the team's findings sheet (a template with drop-down lists, and
reading it back), and the export of the findings with their rectification.

An inspection holds tens to a few hundred findings, so each file is written in the request.
Headers are accepted in Chinese (as the template writes them, or short) and in English, so a
sheet the team typed itself reads as well as the template.
"""

from __future__ import annotations

import datetime
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from pacesetter.errors import ValidationFailed
from pacesetter.orgs.spreadsheets import cell_text, text_of, workbook_file
from pacesetter.supervision import lifecycle, schedule
from pacesetter.supervision.models import (
    ChecklistItem,
    Finding,
    FindingCategory,
    Inspection,
    Severity,
)
from pacesetter.supervision.selectors import Figures

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="B22222")
WRAP = Alignment(wrap_text=True, vertical="top")
#: Rows of the template that carry the drop-down lists.
TEMPLATE_ROWS = 500
MAX_ROWS = 5000

COLUMNS: tuple[tuple[str, Any], ...] = (
    ("unit_code", pgettext_lazy("findings sheet", "Unit code")),
    ("unit_name", gettext_lazy("Unit name (for reference)")),
    ("category", gettext_lazy("Finding category")),
    ("item", gettext_lazy("Checklist item number")),
    ("severity", gettext_lazy("Severity (minor/moderate/serious)")),
    ("description", gettext_lazy("Problem description")),
    ("suggestions", gettext_lazy("Suggestions (several: separate by new lines or ；)")),
    ("deadline", gettext_lazy("Deadline (may be empty)")),
    ("person", gettext_lazy("Attributed to (a leading cadre's name, may be empty)")),
)
WIDTHS = (14, 20, 18, 14, 18, 50, 50, 16, 22)
#: Chinese headers accepted whatever the catalog says: the teams' own sheets use them.
CHINESE_HEADERS = {
    "unit_code": ("单位编码", "单位代码", "编码", "代码"),
    "unit_name": ("单位名称", "单位", "被检查单位"),
    "category": ("问题类别", "类别", "问题分类"),
    "item": ("检查事项编号", "检查事项", "事项编号"),
    "severity": ("严重程度", "程度"),
    "description": ("问题描述", "问题", "存在问题"),
    "suggestions": ("整改建议", "建议"),
    "deadline": ("整改时限", "时限", "完成时限"),
    "person": ("责任领导干部", "责任领导", "责任干部"),
}
CHINESE_SEVERITIES = {Severity.MINOR: ("一般",), Severity.MODERATE: ("较重",),
                      Severity.SERIOUS: ("严重",)}

LIGHT_LABELS = {
    schedule.GREEN: pgettext_lazy("traffic light", "Green"),
    schedule.YELLOW: pgettext_lazy("traffic light", "Yellow"),
    schedule.RED: pgettext_lazy("traffic light", "Red"),
    schedule.NONE: pgettext_lazy("traffic light", "Off"),
}


def column_label(key: str) -> str:
    return str(dict(COLUMNS)[key])


def _halfwidth(text: str) -> str:
    return text.replace("（", "(").replace("）", ")").strip().lower()


def _header_aliases() -> dict[str, str]:
    """Every accepted header text (and its part before a bracket) mapped to its column."""
    aliases: dict[str, str] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for key, label in COLUMNS:
                aliases[_halfwidth(str(label))] = key
    for key, _label in COLUMNS:
        aliases[key] = key
        for header in CHINESE_HEADERS[key]:
            aliases[header] = key
    return aliases


def severity_aliases() -> dict[str, str]:
    """Severity as typed: 一般/较重/严重, the labels in either language, or the codes."""
    aliases: dict[str, str] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for value, label in Severity.choices:
                aliases[str(label).strip().lower()] = value
    for value in Severity.values:
        aliases[value] = value
        for label in CHINESE_SEVERITIES[Severity(value)]:
            aliases[label] = value
    return aliases


# ---- reading the team's sheet ------------------------------------------------------------------


@dataclass(frozen=True)
class FindingRow:
    """One data row as typed; ``number`` is its Excel row number, ``deadline`` the cell's
    value as it is (a date, or text to be read)."""

    number: int
    unit_code: str = ""
    unit_name: str = ""
    category: str = ""
    item: str = ""
    severity: str = ""
    description: str = ""
    suggestions: str = ""
    deadline: Any = None
    person: str = ""


def read_finding_rows(source: IO[bytes]) -> list[FindingRow]:
    """The data rows of the first sheet (blank rows skipped); ``ValidationFailed`` if the
    file is not a workbook or its first row does not name the columns."""
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError,
            EOFError, TypeError):
        raise ValidationFailed(_("The file is not an Excel workbook (.xlsx) that can be "
                                 "read.")) from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        positions = _column_positions(next(rows, None) or ())
        result: list[FindingRow] = []
        for number, values in enumerate(rows, start=2):
            cells = {key: values[i] if i < len(values) else None
                     for key, i in positions.items()}
            texts = {key: text_of(value) for key, value in cells.items() if key != "deadline"}
            if not any(texts.values()) and cells.get("deadline") in (None, ""):
                continue
            if len(result) >= MAX_ROWS:
                raise ValidationFailed(_("The file has more than %(max)d rows.")
                                       % {"max": MAX_ROWS})
            deadline = cells.get("deadline")
            result.append(FindingRow(number=number, **texts, deadline=(
                deadline.strip() if isinstance(deadline, str) else deadline)))
    finally:
        workbook.close()
    return result


def _column_positions(header: tuple[Any, ...]) -> dict[str, int]:
    aliases = _header_aliases()
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        text = _halfwidth(text_of(cell))
        key = aliases.get(text) or aliases.get(text.split("(", 1)[0].strip())
        if key and key not in positions:
            positions[key] = index
    missing = [column_label(key) for key in ("description",) if key not in positions]
    if "unit_code" not in positions and "unit_name" not in positions:
        missing.insert(0, column_label("unit_code"))
    if missing:
        raise ValidationFailed(_("The first row must name the columns; missing: %(columns)s")
                               % {"columns": "、".join(missing)})
    return positions


# ---- the template ------------------------------------------------------------------------------


def _header_row(sheet: Any, labels: Sequence[Any]) -> None:
    sheet.append([str(label) for label in labels])
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP


def _list_validation(sheet: Any, column: str, source: str, message: str,
                     allow_blank: bool = True) -> None:
    validation = DataValidation(type="list", formula1=source, allow_blank=allow_blank)
    validation.error, validation.errorTitle = message, _("Not in the list")
    validation.showErrorMessage = True
    sheet.add_data_validation(validation)
    validation.add(f"{column}2:{column}{TEMPLATE_ROWS + 1}")


def findings_template(*, inspection: Inspection, units: Sequence[Any],
                      categories: Sequence[FindingCategory],
                      checklist: Sequence[ChecklistItem]) -> IO[bytes]:
    """The findings sheet to fill in: the columns, drop-down lists of the target units'
    codes, the organizer's categories, the checklist's numbers and the severities (their
    values on a sheet of options), a date check on the deadline, and the instructions."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Findings")
    _header_row(sheet, [label for _key, label in COLUMNS])
    for number, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"
    options = workbook.create_sheet(_("Options"))
    lists = [
        (pgettext("findings sheet", "Unit code"), [u.code for u in units]),
        (_("Unit"), [u.name for u in units]),
        (_("Finding category"), [c.name for c in categories]),
        (_("Checklist item number"), [i.code for i in checklist]),
        (_("Checklist item"), [i.text for i in checklist]),
        (_("Severity"), [str(label) for _value, label in Severity.choices]),
    ]
    _header_row(options, [title for title, _values in lists])
    for row in range(max(len(values) for _title, values in lists)):
        options.append([cell_text(options, values[row]) if row < len(values) else None
                        for _title, values in lists])
    for number in range(1, len(lists) + 1):
        options.column_dimensions[get_column_letter(number)].width = 24
    title = options.title

    def source(column: str, count: int) -> str:
        return f"'{title}'!${column}$2:${column}${count + 1}"

    if units:
        _list_validation(sheet, "A", source("A", len(units)),
                         _("Pick a unit this inspection visits."), allow_blank=False)
    if categories:
        _list_validation(sheet, "C", source("C", len(categories)),
                         _("Pick a category of the organizer's list."))
    if checklist:
        _list_validation(sheet, "D", source("D", len(checklist)),
                         _("Pick an item of the checklist."))
    _list_validation(sheet, "E", source("F", len(Severity.choices)),
                     _("Pick the severity from the list."), allow_blank=False)
    dates = DataValidation(type="date", operator="greaterThan", formula1="1",
                           allow_blank=True)
    dates.error = _("Type a date, e.g. 2026-06-30.")
    dates.showErrorMessage = True
    sheet.add_data_validation(dates)
    dates.add(f"H2:H{TEMPLATE_ROWS + 1}")
    for row in range(2, TEMPLATE_ROWS + 2):
        sheet.cell(row=row, column=8).number_format = "yyyy-mm-dd"
        for column in (6, 7):
            sheet.cell(row=row, column=column).alignment = WRAP
    notes = workbook.create_sheet(_("Instructions"))
    for line in (
        _("Inspection: %(title)s (%(start)s to %(end)s)") % {
            "title": inspection.title, "start": f"{inspection.starts_on:%Y-%m-%d}",
            "end": f"{inspection.ends_on:%Y-%m-%d}"},
        _("One row per problem found. The unit code is one of the units this inspection "
          "visits (see the options sheet); the unit name is only for reference."),
        _("Category and checklist item are optional; when given, they come from the lists."),
        _("Severity: minor, moderate or serious. It sets the default deadline of the "
          "rectification: serious 15 days, moderate 30, minor 60."),
        _("Suggestions: several may be written in one cell, separated by new lines or ；."),
        _("Deadline: a date, or empty for the default of the severity."),
        _("Attributed to: the name of a leading cadre of the unit the problem is attributed "
          "to (name（unit）when two share a name), or empty; the finding then counts on the "
          "cadre's negative list."),
        _("The import is all or nothing: if any row is wrong, nothing is recorded and every "
          "wrong row is named by its row number."),
    ):
        notes.append([cell_text(notes, line)])
    notes.column_dimensions["A"].width = 100
    return workbook_file(workbook)


# ---- the export --------------------------------------------------------------------------------


def _header(sheet: Any, labels: Sequence[Any]) -> None:
    sheet.append([cell_text(sheet, str(label), font=HEADER_FONT, fill=HEADER_FILL,
                            alignment=WRAP) for label in labels])


def _text(sheet: Any, value: Any) -> Any:
    return cell_text(sheet, value) if value not in ("", None) else None


def numbered(texts: Sequence[str]) -> str:
    """Suggestions as one text: "1. …" per line (the one alone without its number)."""
    if len(texts) == 1:
        return texts[0]
    return "\n".join(f"{n}. {text}" for n, text in enumerate(texts, start=1))


def _person_text(person: Any) -> str:
    """A leading cadre as the sheets name one: name, then position when known."""
    return f"{person.name} {person.position}".strip()


def light_of(finding: Finding, today: datetime.date) -> str:
    """The traffic light of a finding's rectification (off when it has none or when the unit
    has done its part)."""
    task = getattr(finding, "rectification", None)
    if task is None:
        return schedule.NONE
    return schedule.traffic_light(task.deadline, today, task.state not in lifecycle.OPEN)


def findings_file(*, inspection: Inspection, findings: Sequence[Finding],
                  targets: Sequence[tuple[Any, Figures]],
                  today: datetime.date | None = None) -> IO[bytes]:
    """The findings with their suggestions and their rectification (serial, state, deadline,
    traffic light), and on a second sheet each target unit's figures."""
    today = today or timezone.localdate()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Findings"))
    sheet.freeze_panes = "D2"
    _header(sheet, [_("No."), pgettext("findings sheet", "Unit code"), _("Unit"),
                    _("Finding category"), _("Checklist item"), _("Severity"),
                    _("Problem description"), _("Suggestions"), _("Photos and files"),
                    _("Serial number"), _("State"), _("Deadline"), _("Traffic light"),
                    _("Recorded at"), _("Attributed to")])
    for finding in findings:
        task = getattr(finding, "rectification", None)
        item = finding.checklist_item
        sheet.append([
            finding.number, _text(sheet, finding.unit.code), _text(sheet, finding.unit.name),
            _text(sheet, finding.category.name if finding.category else None),
            _text(sheet, f"{item.code} {item.text}" if item else None),
            finding.get_severity_display(), _text(sheet, finding.description),
            _text(sheet, numbered([s.text for s in finding.suggestions.all()])),
            len(finding.evidence.all()) or None,
            _text(sheet, task.serial if task else None),
            task.get_state_display() if task else None, task.deadline if task else None,
            str(LIGHT_LABELS[light_of(finding, today)]),
            timezone.localtime(finding.recorded_at).replace(tzinfo=None),
            _text(sheet, _person_text(finding.person) if finding.person_id else None)])
    units = workbook.create_sheet(_("By unit"))
    _header(units, [pgettext("findings sheet", "Unit code"), _("Unit"), _("Reason"),
                    _("Findings"), _("Suggestions"),
                    _("Rectified"), _("Rectification rate (%)"), _("On-time rate (%)"),
                    _("In progress"), _("Overdue")])
    for target, figures in targets:
        units.append([
            _text(units, target.unit.code), _text(units, target.unit.name),
            _text(units, target.reason), figures.findings, figures.suggestions,
            figures.rectified, figures.rectification_rate, figures.on_time_rate,
            figures.open, figures.late])
    return workbook_file(workbook)
