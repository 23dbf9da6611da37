"""A plan's workbooks: the figures template and its upload, and the streamed exports.

Every workbook is written with openpyxl's write-only mode, rows fed from the database in
chunks, into a temporary file that the caller streams out (``FileResponse``): memory stays
bounded whatever the number of units. The template's columns are found again on upload by
the indicator code that starts their header, so users may reorder or drop them.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.db.models import CharField, Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from pacesetter.assessment import access, records, selectors
from pacesetter.assessment.imports import (
    VALUE_LIMIT,
    ValueEntry,
    require_reporting,
    values_upsert,
)
from pacesetter.assessment.models import (
    AssessmentPlan,
    DataType,
    EntryKind,
    EntrySource,
    EntryStatus,
    IndicatorValue,
    ListEntry,
    ListMark,
    PlanIndicator,
    ResultVersion,
    SubmissionStatus,
)
from pacesetter.errors import NotFound, ValidationFailed
from pacesetter.exports.models import ExportJob
from pacesetter.exports.services import writer as export_writer
from pacesetter.orgs.scope import Scope
from pacesetter.orgs.spreadsheets import cell_text, text_of, workbook_file

CHUNK = 2000
MAX_ROWS = 500_000
HEADER_FONT = Font(bold=True, color="FFFFFF")
VALUE_FILL = PatternFill("solid", fgColor="B22222")
NOTE_FILL = PatternFill("solid", fgColor="808080")
WRAP = Alignment(wrap_text=True, vertical="top")

UNIT_CODE = gettext_lazy("Unit code")
UNIT_NAME = gettext_lazy("Name")
STATUS = gettext_lazy("Status")
NOTE = gettext_lazy("Note")
FIXED_HEADERS = {
    "unit_code": (UNIT_CODE, ("单位代码", "代码", "编码", "unit_code", "code")),
    "unit_name": (UNIT_NAME, ("名称", "单位名称", "单位", "name", "unit")),
    "status": (STATUS, ("状态", "填报状态", "status")),
}
"""Header texts of the template's first columns, in any language; users' files rely on them."""
NOTE_WORDS = ("备注", "说明", "note", "comment")


def cell_where(row: int, column: str) -> str:
    return _("Row %(row)d, column %(column)s") % {"row": row, "column": column}


def _texts(label: Any, extra: Iterable[str]) -> set[str]:
    found = {text.lower() for text in extra}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            found.add(str(label).strip().lower())
    return found


def _header_cells(sheet: Any, labels: Iterable[tuple[str, PatternFill]]) -> list[Any]:
    return [cell_text(sheet, label, font=HEADER_FONT, fill=fill, alignment=WRAP)
            for label, fill in labels]


def _row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row of values from the database, its text kept as text (``cell_text``)."""
    return [cell_text(sheet, value) for value in values]


def _plain(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _indicators(plan: AssessmentPlan) -> list[PlanIndicator]:
    """The plan's indicators in the order scoring uses them (``UnitResult.points``)."""
    return list(plan.plan_indicators.select_related("indicator"))


# ---- the template -------------------------------------------------------------------------


def value_header(item: PlanIndicator) -> str:
    indicator = item.indicator
    lines = [indicator.code, indicator.name]
    if indicator.unit_of_measure:
        lines.append(f"({indicator.unit_of_measure})")
    return "\n".join(lines)


def note_header(item: PlanIndicator) -> str:
    return f"{item.indicator.code} {NOTE}"


def allowed_values(item: PlanIndicator) -> str:
    """What may be entered for the indicator, in words, for the instructions and the prompt."""
    indicator = item.indicator
    if indicator.data_type == DataType.BOOLEAN:
        return _("1 for yes, 0 for no")
    low, high = _plain(indicator.min_value), _plain(indicator.max_value)
    if low and high:
        span = _("from %(min)s to %(max)s") % {"min": low, "max": high}
    elif low:
        span = _("at least %(min)s") % {"min": low}
    elif high:
        span = _("at most %(max)s") % {"max": high}
    else:
        span = _("any number")
    if indicator.data_type == DataType.COUNT:
        return _("a whole number, %(range)s") % {"range": span}
    return span


def _validation(item: PlanIndicator, cells: str) -> DataValidation:
    """Excel's own check of a value column: the indicator's range, yes/no, whole numbers."""
    indicator = item.indicator
    if indicator.data_type == DataType.BOOLEAN:
        validation = DataValidation(type="list", formula1='"0,1"', allow_blank=True)
    else:
        low = _plain(indicator.min_value) or str(-VALUE_LIMIT)
        high = _plain(indicator.max_value) or str(VALUE_LIMIT)
        kind = "whole" if indicator.data_type == DataType.COUNT else "decimal"
        validation = DataValidation(type=kind, operator="between", formula1=low,
                                    formula2=high, allow_blank=True)
    validation.showErrorMessage = validation.showInputMessage = True
    validation.errorTitle = validation.promptTitle = indicator.code[:32]
    validation.error = (_("Allowed: %(values)s.") % {"values": allowed_values(item)})[:255]
    validation.prompt = validation.error
    validation.add(cells)
    return validation


def _template_rows(plan: AssessmentPlan, reporting: Scope, items: list[PlanIndicator]
                   ) -> Iterator[list[Any]]:
    """One row per assessed unit in ``reporting``, in tree order, with the stored figures:
    units read in chunks, each chunk's values in one query."""
    column = {item.pk: 3 + 2 * j for j, item in enumerate(items)}
    statuses = dict(SubmissionStatus.choices)
    units = plan.submissions.filter(reporting.q("unit__path")).order_by("unit__path").values_list(
        "unit_id", "unit__code", "unit__name", "status")
    batch: list[tuple[int, str, str, str]] = []

    def flush() -> Iterator[list[Any]]:
        rows = {unit_id: [code, name, str(statuses.get(status, status))]
                + [None] * (2 * len(items)) for unit_id, code, name, status in batch}
        for unit_id, item_id, value, comment in IndicatorValue.objects.filter(
                plan=plan, unit_id__in=list(rows)).values_list(
                "unit_id", "plan_indicator_id", "value", "comment"):
            if item_id in column:
                rows[unit_id][column[item_id]] = value
                rows[unit_id][column[item_id] + 1] = comment or None
        yield from rows.values()
        batch.clear()

    for unit in units.iterator(chunk_size=CHUNK):
        batch.append(unit)
        if len(batch) == CHUNK:
            yield from flush()
    yield from flush()


def template_file(*, actor: Any, plan: AssessmentPlan) -> IO[bytes]:
    """The plan's figures workbook for the actor: a sheet of units × indicators (a value and
    a note column each) with Excel data validation, and a sheet of instructions."""
    items = _indicators(plan)
    rows = _template_rows(plan, require_reporting(actor, plan), items)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Figures"))
    for letter, width in (("A", 16), ("B", 28), ("C", 10)):
        sheet.column_dimensions[letter].width = width
    for j in range(len(items)):
        sheet.column_dimensions[get_column_letter(4 + 2 * j)].width = 16
        sheet.column_dimensions[get_column_letter(5 + 2 * j)].width = 14
    sheet.freeze_panes = "D2"
    labels = [(str(UNIT_CODE), VALUE_FILL), (str(UNIT_NAME), NOTE_FILL), (str(STATUS), NOTE_FILL)]
    for item in items:
        labels += [(value_header(item), VALUE_FILL), (note_header(item), NOTE_FILL)]
    sheet.append(_header_cells(sheet, labels))
    count = 0
    for row in rows:
        sheet.append(_row(sheet, row))
        count += 1
    last = max(count, 1) + 1
    for j, item in enumerate(items):
        letter = get_column_letter(4 + 2 * j)
        sheet.data_validations.append(_validation(item, f"{letter}2:{letter}{last}"))
    _instructions(workbook.create_sheet(_("Instructions")), plan, items)
    return workbook_file(workbook)


def _instructions(sheet: Any, plan: AssessmentPlan, items: list[PlanIndicator]) -> None:
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 36
    sheet.column_dimensions["C"].width = 12
    sheet.column_dimensions["D"].width = 40
    sheet.append([cell_text(sheet, f"{plan.name} · {plan.period.label}",
                            font=Font(bold=True, size=14))])
    for line in (
        _("One row per unit. Keep the unit codes as they are; the name and status columns "
          "are for reference and are not read."),
        _("Each indicator has a value column, headed by its code, name and unit of measure, "
          "and a note column beside it. Columns may be moved or left out: they are found by "
          "the indicator code at the start of the header. Do not add other columns."),
        _("Enter plain numbers: percentages as numbers (95 for 95%), yes/no as 1 for yes and "
          "0 for no, counts as whole numbers. Values are kept to 4 decimal places."),
        _("An empty value cell clears the stored value; an empty note cell clears the note."),
        _("While data is collected, the figures of units that have submitted or been approved "
          "cannot be changed: leave their rows as they are, or delete those rows."),
        _("The upload is all or nothing: if any cell is wrong, nothing is saved, and every "
          "wrong cell is listed with its row and column."),
    ):
        sheet.append([line])
    sheet.append([])
    sheet.append(_header_cells(sheet, [(str(_("Code")), VALUE_FILL),
                                       (str(_("Indicator")), VALUE_FILL),
                                       (str(_("Unit of measure")), VALUE_FILL),
                                       (str(_("Allowed values")), VALUE_FILL)]))
    for item in items:
        sheet.append(_row(sheet, [item.indicator.code, item.indicator.name,
                                  item.indicator.unit_of_measure, allowed_values(item)]))


# ---- the upload ---------------------------------------------------------------------------


@dataclass
class Upload:
    """What a figures workbook holds: the entries to save, the problems found reading it (with
    their cells' positions), and the row of each unit, to list all problems in sheet order."""

    entries: list[ValueEntry] = field(default_factory=list)
    problems: list[dict[str, str]] = field(default_factory=list)
    positions: list[tuple[int, int]] = field(default_factory=list)
    unit_rows: dict[str, int] = field(default_factory=dict)

    def problem(self, row: int, column: int, message: str, unit: str = "") -> None:
        self.problems.append({"where": cell_where(row, get_column_letter(column + 1)),
                              "unit": unit, "indicator": "", "message": message})
        self.positions.append((row, column))

    def in_order(self, figures: list[dict[str, str]]) -> list[dict[str, str]]:
        """These problems and ``figures`` (the service's, in entry order) by row; a row's
        figures keep their column order."""
        keyed = [*zip(self.positions, self.problems, strict=True),
                 *(((self.unit_rows.get(p["unit"], 0), 0), p) for p in figures)]
        return [problem for _key, problem in sorted(keyed, key=lambda pair: pair[0])]


@dataclass
class _Columns:
    unit_code: int
    values: dict[int, str]
    notes: dict[str, int]


def _columns(header: tuple[Any, ...], items: list[PlanIndicator], upload: Upload) -> _Columns:
    fixed = {key: _texts(label, extra) for key, (label, extra) in FIXED_HEADERS.items()}
    notes_words = _texts(NOTE, NOTE_WORDS)
    codes = {item.indicator.code.lower(): item.indicator.code for item in items}
    found: dict[str, int] = {}
    value_at: dict[str, int] = {}
    notes: dict[str, int] = {}
    for index, cell in enumerate(header):
        text = text_of(cell)
        if not text:
            continue
        key = next((k for k, texts in fixed.items() if text.lower() in texts), None)
        if key is not None:
            found.setdefault(key, index)
            continue
        first, _space, rest = text.replace("\n", " ").partition(" ")
        code = codes.get(first.lower())
        is_note = rest.strip().lower() in notes_words
        taken = notes if is_note else value_at
        if code is None:
            upload.problem(1, index, _("Unknown column “%(header)s”: a column's header starts "
                                       "with the code of one of the plan's indicators.")
                           % {"header": text[:60]})
        elif code in taken:
            upload.problem(1, index, _("Indicator %(code)s has a second column here.")
                           % {"code": code})
        else:
            taken[code] = index
    if "unit_code" not in found:
        raise ValidationFailed(_("The first row must name the columns; missing: %(columns)s")
                               % {"columns": UNIT_CODE})
    for code, index in notes.items():
        if code not in value_at:
            upload.problem(1, index, _("The note column of %(code)s needs its value column.")
                           % {"code": code})
    if not value_at:
        raise ValidationFailed(_("The first row names none of the plan's indicators."))
    values = {index: code for code, index in value_at.items()}
    return _Columns(unit_code=found["unit_code"], values=values, notes=notes)


def read_upload(source: IO[bytes], *, plan: AssessmentPlan) -> Upload:
    """The entries of the first sheet of an uploaded figures workbook; ``ValidationFailed``
    at once if it is not one (not a workbook, no unit code column, no indicator column)."""
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError,
            EOFError) as exc:
        raise ValidationFailed(
            _("The file is not an Excel workbook (.xlsx) that can be read: %(reason)s")
            % {"reason": exc.__class__.__name__}) from None
    upload = Upload()
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        columns = _columns(next(rows, None) or (), _indicators(plan), upload)
        for number, cells in enumerate(rows, start=2):
            _read_row(number, cells, columns, upload)
    finally:
        workbook.close()
    if not upload.entries and not upload.problems:
        raise ValidationFailed(_("The file has no rows of figures."))
    return upload


def _read_row(number: int, cells: tuple[Any, ...], columns: _Columns, upload: Upload) -> None:
    def cell(index: int) -> Any:
        value = cells[index] if index < len(cells) else None
        return None if isinstance(value, str) and not value.strip() else value

    unit_code = text_of(cell(columns.unit_code))
    read = [index for index in [*columns.values, *columns.notes.values()]
            if cell(index) is not None]
    if not unit_code:
        if read:
            upload.problem(number, columns.unit_code, _("The unit code is empty."))
        return
    if unit_code in upload.unit_rows:
        upload.problem(number, columns.unit_code, _("Unit %(code)s is already on row %(row)d.")
                       % {"code": unit_code, "row": upload.unit_rows[unit_code]}, unit=unit_code)
        return
    if len(upload.unit_rows) >= MAX_ROWS:
        raise ValidationFailed(_("The file has more than %(max)d rows.") % {"max": MAX_ROWS})
    upload.unit_rows[unit_code] = number
    unit_where = cell_where(number, get_column_letter(columns.unit_code + 1))
    for index, code in columns.values.items():
        value = cell(index)
        note_at = columns.notes.get(code)
        upload.entries.append(ValueEntry(
            unit_code=unit_code, indicator_code=code,
            value=value if value is None or isinstance(value, (int, float, str, Decimal))
            else str(value),
            comment=None if note_at is None else text_of(cell(note_at)),
            where=cell_where(number, get_column_letter(index + 1)), unit_where=unit_where))


def values_upload(*, actor: Any, plan: AssessmentPlan, source: IO[bytes], note: str = ""
                  ) -> int:
    """Read a figures workbook and save it with ``values_upsert``: all of it or nothing, every
    problem of the file and of its figures named by row and column. Returns values written."""
    upload = read_upload(source, plan=plan)
    with transaction.atomic():
        figures: list[dict[str, str]] = []
        written = 0
        try:
            written = values_upsert(actor=actor, plan=plan, entries=upload.entries, note=note)
        except ValidationFailed as error:
            figures = error.extra.get("errors", [])
        if upload.problems or figures:
            problems = upload.in_order(figures)
            raise ValidationFailed(
                ngettext("Nothing was saved: %(count)d problem in the file.",
                         "Nothing was saved: %(count)d problems in the file.", len(problems))
                % {"count": len(problems)}, extra={"errors": problems})
    return written


# ---- the exports --------------------------------------------------------------------------


def _local(moment: Any) -> Any:
    """Excel has no time zones: the local time, without one."""
    return None if moment is None else timezone.localtime(moment).replace(tzinfo=None)


def _subject_name(plan: AssessmentPlan) -> Any:
    """The “Name” column: the unit's, or for a plan of cadres “张伟（宾县 县委书记）”."""
    if not plan.of_people:
        return "unit__name"
    return Concat("person__name", Value("（"), "unit__name", Value(" "), "person__position",
                  Value("）"), output_field=CharField())


def results_file(*, actor: Any, plan: AssessmentPlan, version: ResultVersion,
                 progress: Callable[[int], None] | None = None) -> IO[bytes]:
    """A version's results by rank, as the board shows them to the actor, with each
    indicator's reported value and points as the result stored them; ``progress`` is told
    the rows written so far, every ``CHUNK``."""
    items = _indicators(plan)
    marks = {m.value: str(m.label) if m.value else "" for m in ListMark}
    yes = _("Yes")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Results"))
    sheet.freeze_panes = "F2"
    labels = [_("Rank"), _("Ranking group"), _("Rank in group"), _("Unit code"), _("Name"),
              _("Total"), _("Weighted score"), _("Bonus"), _("Deduction"), _("Vetoed"),
              _("List"), _("Change of total"), _("Change of rank in group")]
    for item in items:
        code = item.indicator.code
        labels += [_("%(code)s value") % {"code": code}, _("%(code)s points") % {"code": code}]
    sheet.append(_header_cells(sheet, [(str(label), VALUE_FILL) for label in labels]))
    width = len(items)
    rows = selectors.results(actor=actor, version=version).values_list(
        "rank", "ranking_group", "group_rank", "unit__code", _subject_name(plan), "total",
        "weighted_score", "bonus", "deduction", "vetoed", "list_mark", "total_change",
        "rank_change", "raw_values", "points")
    for written, (rank, group, group_rank, code, name, total, weighted, bonus, deduction, vetoed,
                  mark, total_change, rank_change, raw, points) in enumerate(
            rows.iterator(chunk_size=CHUNK), start=1):
        line = [rank, group, group_rank, code, name, total, weighted, bonus, deduction,
                yes if vetoed else None, marks.get(mark, mark) or None, total_change,
                rank_change]
        for j in range(width):
            line.append(raw[j] if j < len(raw) else None)
            line.append(points[j] if j < len(points) else None)
        sheet.append(_row(sheet, line))
        if progress is not None and written % CHUNK == 0:
            progress(written)
    return workbook_file(workbook)


@export_writer("assessment.results")
def results_export(job: ExportJob, progress: Callable[[int], None]) -> IO[bytes]:
    """A results export too large for a request, written in the background: the plan and
    version read again, with the requester's scope as it is now."""
    plan = access.get_plan_in_scope(job.requested_by, job.params["plan"])
    version = selectors.result_version(actor=job.requested_by, plan=plan,
                                       number=job.params["version"])
    if version.pk != job.params["version_id"]:
        raise NotFound(_("This draft was replaced by a new scoring: export it again."))
    return results_file(actor=job.requested_by, plan=plan, version=version, progress=progress)


def submissions_file(*, actor: Any, plan: AssessmentPlan) -> IO[bytes]:
    """Completeness as the plan page shows it to the actor: each unit's submission with the
    number of values reported and missing."""
    expected = plan.plan_indicators.count()
    statuses = dict(SubmissionStatus.choices)
    subject = "person" if plan.of_people else "unit"
    reported = (IndicatorValue.objects.filter(plan=plan, value__isnull=False,
                                              **{subject: OuterRef(subject)})
                .order_by().values(subject).annotate(n=Count("pk")).values("n"))
    rows = selectors.submissions(actor=actor, plan=plan).annotate(
        reported=Coalesce(Subquery(reported), Value(0))).values_list(
        "unit__code", _subject_name(plan), "status", "submitted_at", "reported",
        "return_reason")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Reporting"))
    sheet.freeze_panes = "C2"
    labels = [_("Unit code"), _("Name"), _("Status"), _("Submitted at"), _("Values reported"),
              _("Values missing"), _("Reason for return")]
    sheet.append(_header_cells(sheet, [(str(label), VALUE_FILL) for label in labels]))
    for code, name, status, submitted_at, count, reason in rows.iterator(chunk_size=CHUNK):
        sheet.append(_row(sheet, [code, name, str(statuses.get(status, status)),
                                  _local(submitted_at), count, max(expected - count, 0),
                                  reason or None]))
    return workbook_file(workbook)


def _tolerance_text(entry: ListEntry) -> str | None:
    """A tolerance decision in one cell: who approved it, when it was recorded, why."""
    decision = getattr(entry, "tolerance", None)
    if decision is None:
        return None
    return _("%(approver)s, %(date)s: %(reason)s") % {
        "approver": decision.approver, "date": f"{_local(decision.decided_at):%Y-%m-%d}",
        "reason": decision.reason}


def lists_file(*, actor: Any, plan: AssessmentPlan, kind: str | None = None,
               status: str | None = None) -> IO[bytes]:
    """The plan's list entries the lists page shows the actor, one row each."""
    rows = records.entries_for_export(actor=actor, plan=plan, kind=kind, status=status)
    kinds, sources, statuses = (dict(EntryKind.choices), dict(EntrySource.choices),
                                dict(EntryStatus.choices))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Lists"))
    sheet.freeze_panes = "C2"
    labels = [_("Unit code"), _("Unit"), _("Kind of entry"), _("Date"), _("Source"),
              _("Counts under"), _("Status"), _("Description"), _("Reason for rejection"),
              _("Recorded by"), _("Recorded at"), _("Evidence files"), _("Tolerance decision"),
              _("Origin")]
    sheet.append(_header_cells(sheet, [(str(label), VALUE_FILL) for label in labels]))
    for entry in rows.iterator(chunk_size=CHUNK):
        item = entry.plan_indicator
        sheet.append(_row(sheet, [
            entry.unit.code, entry.unit.name, str(kinds.get(entry.kind, entry.kind)),
            entry.date, str(sources.get(entry.source, entry.source)),
            f"{item.indicator.code} {item.indicator.name}" if item else None,
            str(statuses.get(entry.status, entry.status)), entry.text,
            entry.reject_reason or None,
            entry.recorded_by.get_username() if entry.recorded_by else _("Recorded automatically"),
            _local(entry.recorded_at), entry.files, _tolerance_text(entry),
            entry.origin_label or entry.origin_url or None]))
    return workbook_file(workbook)
