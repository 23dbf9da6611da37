"""Questionnaires as XLSForm workbooks, and the surveys' exports.

XLSForm (https://xlsform.org) is the spreadsheet format in which ODK, KoboToolbox and
SurveyCTO questionnaires are drafted: a ``survey`` sheet with one row per question (``type``,
``name``, ``label``, ``hint``, ``required``), groups opened by ``begin_group`` and closed by
``end_group``, and a ``choices`` sheet (``list_name``, ``name``, ``label``). Pacesetter reads
the standard columns and three of its own, which other tools ignore: ``weight`` (of a group or
a question), ``attribute`` (a respondent attribute such as an age band, used for breakdowns)
on the survey sheet, and ``share`` on the choices sheet, the part of the question's weight an
answer earns (100%, 75%, 55%; blank where the answer is not a valid ballot, 不了解). A
single-choice question whose choices carry shares is a rating item. The ``settings`` sheet
gives ``form_title`` and ``form_id`` (the questionnaire's code). Headers may be Chinese.
"""

from __future__ import annotations

import datetime
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.utils.exceptions import InvalidFileException

from pacesetter.errors import ValidationFailed
from pacesetter.exports.models import ExportJob
from pacesetter.exports.services import writer as export_writer
from pacesetter.orgs.spreadsheets import FORMULA_STARTS, cell_text, text_of, workbook_file
from pacesetter.surveys import access
from pacesetter.surveys.definitions import (
    ItemDraft,
    OptionDraft,
    Problem,
    QuestionnaireDraft,
    SectionDraft,
    kind_of_choice,
    problems,
)
from pacesetter.surveys.models import Channel, ItemKind, Questionnaire, Response
from pacesetter.surveys.selectors import flag_labels, single_choice_items

MAX_ROWS = 5000
SELECT = re.compile(r"^select[ _](one|multiple) (\S+)$", re.IGNORECASE)
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="B22222")
TRUE_TEXTS = {"yes", "true", "1", "y", "是", "必填", "true()"}

SURVEY_HEADERS = {
    "type": {"type", "类型", "题型"},
    "name": {"name", "编码", "代码", "名称"},
    "label": {"label", "题目", "标题", "问题"},
    "hint": {"hint", "提示", "说明"},
    "required": {"required", "必填", "必答"},
    "weight": {"weight", "权重"},
    "attribute": {"attribute", "受访者属性", "属性"},
}
CHOICE_HEADERS = {
    "list_name": {"list_name", "list name", "选项组", "列表"},
    "name": {"name", "编码", "代码", "选项值"},
    "label": {"label", "选项", "标签"},
    "share": {"share", "score", "得分比例", "得分", "分值比例"},
}
SETTINGS_HEADERS = {
    "form_title": {"form_title", "标题", "问卷标题"},
    "form_id": {"form_id", "编码", "问卷编码"},
    "description": {"description", "说明", "引言"},
}
SHEET_NAMES = {"survey": {"survey", "问卷", "题目"}, "choices": {"choices", "选项"},
               "settings": {"settings", "设置"}}


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, sheet: str, row: int, message: str) -> None:
        self.problems.append(Problem(
            _("Sheet %(sheet)s, row %(row)d") % {"sheet": sheet, "row": row}, message))


def _header_key(text: str) -> str:
    """``label::Chinese (zh)`` and ``label:zh`` are XLSForm's translated columns: any of them
    is the label (the first one found wins)."""
    return text.split(":", 1)[0].strip().lower()


def _columns(header: tuple[Any, ...], known: dict[str, set[str]]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = _header_key(text_of(cell))
        for name, aliases in known.items():
            if key in aliases and name not in positions:
                positions[name] = index
    return positions


def _sheet(workbook: Any, name: str) -> Any:
    for sheet in workbook.worksheets:
        if sheet.title.strip().lower() in SHEET_NAMES[name]:
            return sheet
    return None


def _rows(sheet: Any, known: dict[str, set[str]]) -> Iterator[tuple[int, dict[str, str]]]:
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, ())
    columns = _columns(header, known)
    for number, cells in enumerate(rows, start=2):
        if number > MAX_ROWS:
            break
        values = {name: text_of(cells[i]) if i < len(cells) else ""
                  for name, i in columns.items()}
        if any(values.values()):
            yield number, values


def _share(text: str) -> float | None:
    """``100%``, ``75``, ``0.75`` → 0.75; blank → None. A number above 1 is a percentage."""
    if not text:
        return None
    number = float(text.rstrip("%"))
    if text.endswith("%") or number > 1:
        number /= 100
    return number


def _weight(text: str) -> float:
    return float(text) if text else 1.0


def _read_choices(sheet: Any, reader: _Reader) -> dict[str, list[OptionDraft]]:
    lists: dict[str, list[OptionDraft]] = {}
    if sheet is None:
        return lists
    for number, row in _rows(sheet, CHOICE_HEADERS):
        if not row.get("list_name") or not row.get("name"):
            reader.problem("choices", number, _("Each choice needs a list_name and a name."))
            continue
        try:
            share = _share(row.get("share", ""))
        except ValueError:
            reader.problem("choices", number, _("The share “%(value)s” is not a number.")
                           % {"value": row["share"]})
            continue
        lists.setdefault(row["list_name"], []).append(
            OptionDraft(row["name"], row.get("label") or row["name"], share))
    return lists


def read_xlsform(source: IO[bytes]) -> QuestionnaireDraft:
    """A questionnaire draft from an XLSForm workbook; ``ValidationFailed`` naming every bad
    row (sheet and row number) if anything in it is wrong."""
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ValidationFailed(_("The file is not an Excel workbook (.xlsx).")) from None
    reader = _Reader()
    survey = _sheet(workbook, "survey")
    if survey is None:
        raise ValidationFailed(_("The workbook has no “survey” sheet."))
    lists = _read_choices(_sheet(workbook, "choices"), reader)
    settings = {}
    settings_sheet = _sheet(workbook, "settings")
    if settings_sheet is not None:
        settings = next((row for _n, row in _rows(settings_sheet, SETTINGS_HEADERS)), {})
    draft = QuestionnaireDraft(code=settings.get("form_id") or "survey",
                               title=settings.get("form_title") or _("Questionnaire"),
                               description=settings.get("description", ""))
    section: str | None = None
    for number, row in _rows(survey, SURVEY_HEADERS):
        section = _read_survey_row(number, row, draft, lists, section, reader)
    workbook.close()
    reader.problems.extend(problems(draft))
    if reader.problems:
        raise ValidationFailed(
            _("The questionnaire has %(count)d problems; nothing was saved.")
            % {"count": len(reader.problems)},
            extra={"errors": [{"field": p.where, "message": p.message}
                              for p in reader.problems]})
    return draft


def _read_survey_row(number: int, row: dict[str, str], draft: QuestionnaireDraft,
                     lists: dict[str, list[OptionDraft]], section: str | None,
                     reader: _Reader) -> str | None:
    type_text = " ".join(row.get("type", "").split())
    kind_text = type_text.replace("_", " ").lower()
    where = _("Sheet %(sheet)s, row %(row)d") % {"sheet": "survey", "row": number}
    try:
        weight = _weight(row.get("weight", ""))
    except ValueError:
        reader.problem("survey", number, _("The weight “%(value)s” is not a number.")
                       % {"value": row["weight"]})
        weight = 1.0
    if kind_text == "begin group":
        draft.sections.append(SectionDraft(row.get("name", ""), row.get("label", ""), weight,
                                           where=where))
        return row.get("name", "")
    if kind_text == "end group":
        return None
    if kind_text in {"note", "calculate", "start", "end", "deviceid", "today"}:
        return section
    required = row.get("required", "").lower() in TRUE_TEXTS
    base = {"code": row.get("name", ""), "label": row.get("label", ""), "section": section,
            "hint": row.get("hint", ""), "required": required, "weight": weight,
            "is_attribute": row.get("attribute", "").lower() in TRUE_TEXTS, "where": where}
    if kind_text in {"text", "string"}:
        draft.items.append(ItemDraft(kind=ItemKind.TEXT, **base))
        return section
    select = SELECT.match(type_text)
    if select:
        multiple = select.group(1).lower() == "multiple"
        list_name = select.group(2)
        options = [OptionDraft(o.code, o.label, o.share) for o in lists.get(list_name, [])]
        if not options:
            reader.problem("survey", number, _("The choice list “%(name)s” is not on the "
                                               "choices sheet.") % {"name": list_name})
        draft.items.append(ItemDraft(kind=kind_of_choice(multiple, options), options=options,
                                     **base))
        return section
    reader.problem("survey", number, _("Unknown question type “%(type)s”: use select_one, "
                                       "select_multiple, text, begin_group or end_group.")
                   % {"type": row.get("type", "")})
    return section


def _header(sheet: Any, labels: list[str]) -> None:
    sheet.append([cell_text(sheet, label, font=HEADER_FONT, fill=HEADER_FILL)
                  for label in labels])


def xlsform_file(questionnaire: Questionnaire) -> IO[bytes]:
    """The questionnaire as an XLSForm workbook, which ``read_xlsform`` reads back into the
    same questionnaire."""
    workbook = Workbook(write_only=True)
    survey = workbook.create_sheet("survey")
    _header(survey, ["type", "name", "label", "hint", "required", "weight", "attribute"])
    choices = workbook.create_sheet("choices")
    _header(choices, ["list_name", "name", "label", "share"])
    items = list(questionnaire.items.select_related("section").prefetch_related("options")
                 .order_by("position"))
    sections = {s.pk: s for s in questionnaire.sections.all()}
    current = None
    for item in items:
        if item.section_id != current:
            if current is not None:
                survey.append(["end_group", sections[current].code])
            if item.section_id is not None:
                section = sections[item.section_id]
                survey.append([cell_text(survey, v) for v in (
                    "begin_group", section.code, section.title, None, None, section.weight,
                    None)])
            current = item.section_id
        kind = {ItemKind.TEXT: "text", ItemKind.MULTIPLE: f"select_multiple {item.code}"
                }.get(item.kind, f"select_one {item.code}")
        survey.append([cell_text(survey, v) for v in (
            kind, item.code, item.label, item.hint or None, "yes" if item.required else None,
            item.weight, "yes" if item.is_attribute else None)])
        for option in item.options.all():
            choices.append([cell_text(choices, v) for v in (
                item.code, option.code, option.label,
                None if option.share is None else round(option.share, 6))])
    if current is not None:
        survey.append(["end_group", sections[current].code])
    settings = workbook.create_sheet("settings")
    _header(settings, ["form_title", "form_id", "version", "description"])
    settings.append([cell_text(settings, v) for v in (
        questionnaire.title, questionnaire.code, questionnaire.version,
        questionnaire.description or None)])
    return workbook_file(workbook)


ProgressCallback = Callable[[int], None]


def results_file(campaign: Any, data: dict[str, Any]) -> IO[bytes]:
    """The results as the page shows them: one row per unit with index, interval, rank, rank
    interval, bottom-N flag, aspects and items; then the breakdowns."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Results"))
    aspects = [a["title"] for a in data["aspects"]]
    items = [i["code"] for i in data["items"]]
    _header(sheet, [_("Ranking group"), _("Rank"), _("Unit code"), _("Unit"), _("Responses"),
                    _("Valid ballots"), _("Target sample"), _("Satisfaction index"),
                    _("Interval low (95%)"), _("Interval high (95%)"), _("Rank interval"),
                    _("Bottom-N"), _("Significantly below the others"), *aspects, *items])
    yes = _("Yes")
    for row in sorted(data["targets"], key=lambda r: (r["group"], r["rank"] or 10**6)):
        sheet.append([cell_text(sheet, v) for v in (
            row["group"], row["rank"] or None, row["unit_code"], row["unit_name"],
            row["responses"], row["valid"], row["quota"] or None, row["index"], row["low"],
            row["high"], f"{row['rank_low']}–{row['rank_high']}" if row["rank"] else None,
            yes if row["bottom"] else None, yes if row["significant"] else None,
            *row["aspects"], *row["items"])])
    for breakdown in data["breakdowns"]:
        part = workbook.create_sheet(breakdown["label"][:31].replace("/", " "))
        _header(part, [breakdown["label"], _("Responses"), _("Satisfaction index"),
                       _("Interval low (95%)"), _("Interval high (95%)")])
        for row in breakdown["rows"]:
            part.append([cell_text(part, v) for v in (
                row["label"], row["responses"], row["index"], row["low"], row["high"])])
    return workbook_file(workbook)


CHUNK = 5000
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
XLSX_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/'
        'sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sharedStrings+xml"/></Types>'),
    "_rels/.rels": (
        f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}"><Relationship Id="rId1" '
        f'Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId3" Type="{RELATIONSHIPS}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'),
    # Cell styles: 0 plain, 1 header (HEADER_FONT on HEADER_FILL), 2 date and time (openpyxl's
    # format for a datetime), 3 text that would read as a formula (``cell_text``'s quote).
    "xl/styles.xml": (
        f'<styleSheet xmlns="{SHEET_NS}"><numFmts count="1"><numFmt numFmtId="164" '
        'formatCode="yyyy-mm-dd h:mm:ss"/></numFmts><fonts count="2"><font><sz val="11"/>'
        '<name val="Calibri"/><family val="2"/></font><font><b/><color rgb="00FFFFFF"/>'
        '<sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="3">'
        '<fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill><fill>'
        '<patternFill patternType="solid"><fgColor rgb="00B22222"/></patternFill></fill>'
        '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
        '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
        'borderId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" '
        'fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="2" '
        'borderId="0" xfId="0" applyFont="1" applyFill="1"/><xf numFmtId="164" fontId="0" '
        'fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="0" '
        'fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs><cellStyles count="1">'
        '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
}
HEADER_STYLE, DATETIME_STYLE, QUOTED_STYLE = 1, 2, 3


def _xml_text(text: str) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class RowsWorkbook:
    """A one-sheet xlsx written row by row straight into its zip entry, for exports of a
    million rows.

    openpyxl's write-only mode builds, checks and serializes an object per cell (about 18 µs
    each here, with lxml): a million responses × 30 columns took over 9 minutes. This writer
    renders a row as text: a number or a date is formatted, a text is looked up in the shared
    strings (each distinct text is escaped once, at the end). The cells read back as
    openpyxl's would: numbers, datetimes with openpyxl's date format, texts, a text starting
    like a formula quoted as ``cell_text`` quotes it, the header in HEADER_FONT on
    HEADER_FILL. Characters XML cannot hold (control characters, where openpyxl refuses the
    whole file) are left out. Memory holds the distinct texts and one buffer of rows.
    """

    FLUSH_ROWS = 1000

    def __init__(self, title: str) -> None:
        self.title = re.sub(r"[\\/*?:\[\]]", " ", title)[:31] or "Sheet1"
        self.handle: IO[bytes] = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
        self.package = zipfile.ZipFile(self.handle, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self.sheet = self.package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self.sheet.write((XML_HEAD + f'<worksheet xmlns="{SHEET_NS}"><sheetData>').encode())
        self.rows = 0
        self.pending: list[str] = []
        self.shared: dict[str, int] = {}
        self.tails: dict[int, dict[str, str]] = {}
        self.letters: list[str] = []

    def _letters(self, width: int) -> list[str]:
        while len(self.letters) < width:
            self.letters.append(get_column_letter(len(self.letters) + 1))
        return self.letters

    def _string(self, text: str, style: int) -> str:
        """The end of a text cell: its shared string's number and style, made once per text
        and style."""
        tails = self.tails.setdefault(style, {})
        tail = tails.get(text)
        if tail is None:
            number = self.shared.setdefault(text, len(self.shared))
            if not style and text.startswith(FORMULA_STARTS):
                style = QUOTED_STYLE
            styled = f' s="{style}"' if style else ""
            tail = tails[text] = f'" t="s"{styled}><v>{number}</v></c>'
        return tail

    def append(self, values: Sequence[Any], *, style: int = 0) -> None:
        """Add a row: ``None`` or "" leaves its cell empty; ``style`` is given to its texts."""
        self.rows += 1
        row = str(self.rows)
        tails = self.tails.setdefault(style, {})
        cells = [f'<row r="{row}">']
        for letter, value in zip(self._letters(len(values)), values, strict=False):
            kind = type(value)
            if kind is str:
                if value:  # openpyxl too writes nothing for an empty text
                    tail = tails.get(value) or self._string(value, style)
                    cells.append(f'<c r="{letter}{row}{tail}')
            elif value is None:
                continue
            elif kind is int or kind is float:
                cells.append(f'<c r="{letter}{row}"><v>{value!r}</v></c>')
            else:
                cells.append(self._other(f"{letter}{row}", value, style))
        cells.append("</row>")
        self.pending.append("".join(cells))
        if len(self.pending) >= self.FLUSH_ROWS:
            self._flush()

    def _other(self, reference: str, value: Any, style: int) -> str:
        if isinstance(value, bool):
            return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | float):
            return f'<c r="{reference}"><v>{value!r}</v></c>'
        if isinstance(value, datetime.datetime):
            return f'<c r="{reference}" s="{DATETIME_STYLE}"><v>{to_excel(value)!r}</v></c>'
        text = str(value)
        return f'<c r="{reference}{self._string(text, style)}' if text else ""

    def _flush(self) -> None:
        self.sheet.write("".join(self.pending).encode())
        self.pending.clear()

    def close(self) -> IO[bytes]:
        """Finish the package; returns the file at its start (closing it removes it)."""
        try:
            self._flush()
            self.sheet.write(b"</sheetData></worksheet>")
            self.sheet.close()
            self.package.writestr("xl/sharedStrings.xml", "".join([
                XML_HEAD, f'<sst xmlns="{SHEET_NS}" uniqueCount="{len(self.shared)}">',
                *(f'<si><t xml:space="preserve">{_xml_text(t)}</t></si>' for t in self.shared),
                "</sst>"]))
            self.package.writestr("xl/workbook.xml", (
                f'{XML_HEAD}<workbook xmlns="{SHEET_NS}" xmlns:r="{RELATIONSHIPS}"><sheets>'
                f'<sheet name="{_xml_text(self.title).replace(chr(34), "&quot;")}" '
                'sheetId="1" r:id="rId1"/></sheets></workbook>'))
            for name, text in XLSX_PARTS.items():
                self.package.writestr(name, XML_HEAD + text)
            self.package.close()
        except BaseException:
            self.handle.close()
            raise
        self.handle.seek(0)
        return self.handle


def responses_file(campaign: Any, progress: ProgressCallback | None = None) -> IO[bytes]:
    """Every response of ``campaign``, one row each with its answers as their labels, streamed
    from the database in chunks into a ``RowsWorkbook``: memory stays bounded whatever the
    number of responses."""
    single = single_choice_items(campaign.questionnaire)
    labels = [[""] + [o.label for o in item.options.all()] for item in single]
    others = [item.code for item in campaign.questionnaire.items.order_by("position")
              if not item.is_single_choice]
    other_labels = [f"{i.code} {i.label}" for i in campaign.questionnaire.items.order_by(
        "position") if not i.is_single_choice]
    units = dict(campaign.targets.values_list("pk", "unit__name"))
    workbook = RowsWorkbook(_("Responses"))
    workbook.append([_("Response"), _("Submitted at"), _("Unit"), _("Channel"),
                     _("Seconds spent"), _("Integrity flags"), _("Excluded"),
                     *[f"{i.code} {i.label}" for i in single], *other_labels],
                    style=HEADER_STYLE)
    channels = {value: str(label) for value, label in Channel.choices}
    zone = timezone.get_current_timezone()
    flag_texts: dict[int, str | None] = {}
    yes = _("Yes")
    width = len(single)
    rows = Response.objects.filter(campaign=campaign).order_by("pk").values_list(
        "pk", "submitted_at", "target_id", "channel", "duration", "flags", "excluded",
        "choices", "extra")
    try:
        for written, (pk, at, target, channel, duration, flags, excluded, choices, extra) in \
                enumerate(rows.iterator(chunk_size=CHUNK), start=1):
            if flags not in flag_texts:
                flag_texts[flags] = "、".join(flag_labels(flags)) or None
            answers = bytes(choices)
            line = [pk, timezone.localtime(at, zone).replace(tzinfo=None), units.get(target),
                    channels.get(channel, channel), duration, flag_texts[flags],
                    yes if excluded else None]
            line += [labels[j][answers[j]] if j < len(answers) and answers[j] < len(labels[j])
                     else None for j in range(width)]
            line += [_other(extra.get(code)) for code in others]
            workbook.append(line)
            if progress is not None and written % CHUNK == 0:
                progress(written)
    except BaseException:
        workbook.handle.close()
        raise
    return workbook.close()


def _other(value: Any) -> Any:
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return value or None


@export_writer("surveys.responses")
def responses_export(job: ExportJob, progress: ProgressCallback) -> IO[bytes]:
    """The raw responses export, run in the background with the requester's rights as they
    are when it runs."""
    campaign = access.get_campaign_in_scope(job.requested_by, job.params["campaign"],
                                            for_write=True)
    return responses_file(campaign, progress)
