"""The units workbook: the import template, reading an uploaded file, and the export."""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from pacesetter.errors import ValidationFailed
from pacesetter.orgs.models import UnitKind

COLUMNS: tuple[tuple[str, Any], ...] = (
    ("code", gettext_lazy("Code")),
    ("name", gettext_lazy("Name")),
    ("parent_code", gettext_lazy("Parent code")),
    ("kind", gettext_lazy("Kind")),
    ("groups", gettext_lazy("Peer groups")),
    ("longitude", gettext_lazy("Longitude")),
    ("latitude", gettext_lazy("Latitude")),
)
OPTIONAL_COLUMNS = ("groups", "longitude", "latitude")
CHINESE_HEADERS = {
    "code": ("代码", "编码", "单位代码", "组织代码"),
    "name": ("名称", "单位名称", "组织名称"),
    "parent_code": ("上级代码", "上级单位代码", "上级组织代码"),
    "kind": ("类型", "单位类型", "组织类型"),
    "groups": ("分组", "同类分组"),
    "longitude": ("经度",),
    "latitude": ("纬度",),
}
"""Chinese header texts accepted whatever the UI's catalog says: users' files rely on them."""
CHINESE_KINDS = {
    UnitKind.PARTY_COMMITTEE: ("党委",),
    UnitKind.GENERAL_BRANCH: ("党总支",),
    UnitKind.BRANCH: ("党支部",),
    UnitKind.AGENCY: ("机关",),
    UnitKind.DEPARTMENT: ("部门",),
    UnitKind.TOWNSHIP: ("乡镇(街道)", "乡镇", "街道"),
    UnitKind.VILLAGE: ("村(社区)", "村", "社区"),
    UnitKind.ENTERPRISE: ("企业",),
    UnitKind.INSTITUTION: ("事业单位",),
    UnitKind.OTHER: ("其他",),
}
REQUIRED_COLUMNS = ("code", "name", "parent_code", "kind")
MAX_ROWS = 500_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def workbook_file(workbook: Workbook) -> IO[bytes]:
    """The saved workbook in an anonymous temporary file, at its start, for a streamed
    response or an export job; closing it removes it."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the caller
    try:
        workbook.save(handle)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


def cell_text(sheet: Any, value: Any, **style: Any) -> Any:
    """``value`` as ``sheet.append`` should get it, so that text users typed stays text.

    openpyxl stores a string starting with "=" as a formula, which Excel would run (HYPERLINK,
    WEBSERVICE, DDE) when an administrator opens the file; such text, and text starting with
    another character a spreadsheet reads as the start of a formula, becomes a text cell
    marked "quoted" (Excel's leading apostrophe, not part of the value), so it shows as
    typed, stays text when edited and reads back unchanged. Other values pass as they are;
    with ``style`` (``font=``, ``fill=``, ...) the result is always a cell with that style.
    """
    guarded = isinstance(value, str) and value.startswith(FORMULA_STARTS)
    if not guarded and not style:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if guarded:
        cell.data_type = "s"
        cell.quotePrefix = True
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


@dataclass(frozen=True)
class UnitRow:
    """One data row of the workbook, as text; ``number`` is its Excel row number."""

    number: int
    code: str
    name: str
    parent_code: str
    kind: str
    groups: str = ""
    longitude: str = ""
    latitude: str = ""


def column_label(key: str) -> str:
    return str(dict(COLUMNS)[key])


def _header_aliases() -> dict[str, str]:
    """Every accepted header text, in Chinese and English, mapped to its column key."""
    aliases: dict[str, str] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for key, label in COLUMNS:
                aliases[str(label).strip().lower()] = key
    for key, _label in COLUMNS:
        aliases[key] = key
        aliases[key.replace("_", " ")] = key
        for header in CHINESE_HEADERS[key]:
            aliases[header] = key
    return aliases


def kind_aliases() -> dict[str, str]:
    """Kind values accepted in the workbook: the code, the Chinese label or the English one."""
    aliases: dict[str, str] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for value, label in UnitKind.choices:
                aliases[str(label).strip().lower()] = value
    for value in UnitKind.values:
        aliases[value] = value
        for label in CHINESE_KINDS[UnitKind(value)]:
            aliases[label] = value
    return {_halfwidth(k): v for k, v in aliases.items()}


def _halfwidth(text: str) -> str:
    return text.replace("（", "(").replace("）", ")")


def text_of(value: Any) -> str:
    """A cell's value as the text a user meant: empty for none, 12 for 12.0, no edge spaces."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_unit_rows(source: IO[bytes]) -> list[UnitRow]:
    """Read the first sheet; raise ``ValidationFailed`` if it is not a units workbook."""
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError,
            EOFError) as exc:
        raise ValidationFailed(
            _("The file is not an Excel workbook (.xlsx) that can be read: %(reason)s")
            % {"reason": exc.__class__.__name__}
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        positions = _column_positions(header or ())
        result: list[UnitRow] = []
        for number, values in enumerate(rows, start=2):
            cells = {key: text_of(values[i]) if i < len(values) else ""
                     for key, i in positions.items()}
            if not any(cells.values()):
                continue
            if len(result) >= MAX_ROWS:
                raise ValidationFailed(
                    _("The file has more than %(max)d rows.") % {"max": MAX_ROWS}
                )
            result.append(UnitRow(number=number, **cells))
    finally:
        workbook.close()
    return result


def _column_positions(header: tuple[Any, ...]) -> dict[str, int]:
    aliases = _header_aliases()
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = aliases.get(text_of(cell).lower())
        if key and key not in positions:
            positions[key] = index
    missing = [column_label(key) for key in REQUIRED_COLUMNS if key not in positions]
    if missing:
        raise ValidationFailed(
            _("The first row must name the columns; missing: %(columns)s")
            % {"columns": "、".join(missing)}
        )
    return positions


def _styled_header(sheet: Any) -> None:
    sheet.append([str(label) for _key, label in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="B22222")
    for letter, width in zip("ABCDEFG", (14, 30, 14, 18, 30, 12, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def _kind_list_validation(sheet: Any, rows: int) -> None:
    labels = ",".join(str(label) for _value, label in UnitKind.choices)
    validation = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=False)
    validation.error = _("Choose a kind from the list.")
    sheet.add_data_validation(validation)
    validation.add(f"D2:D{rows + 1}")


def template_workbook() -> bytes:
    """An empty units workbook with the header, one example row and a kind drop-down."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Units")
    _styled_header(sheet)
    sheet.append(["230100", _("Harbin Municipal Party Committee"), "230000",
                  str(UnitKind.PARTY_COMMITTEE.label), _("Cities"), "126.534967", "45.803775"])
    _kind_list_validation(sheet, 5000)
    notes = workbook.create_sheet(_("Instructions"))
    for line in (
        _("One row per unit. The code is unique and identifies the unit on re-import."),
        _("Parent code: the code of the unit above; it may be a row of this file."),
        _("Kind: one of the labels in the drop-down list."),
        _("Peer groups: names separated by commas; a unit's groups are replaced by these."),
        _("Longitude and latitude are optional, in decimal degrees."),
        _("The import is all or nothing: if any row is wrong, nothing is written."),
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 90
    return _saved(workbook)


def units_workbook(units: Any) -> bytes:
    """The units, one row each, in the import layout, so an export can be edited and re-imported.

    ``units`` yields (code, name, parent code, kind, comma-joined group names, longitude,
    latitude).
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Units"))
    sheet.append([str(label) for _key, label in COLUMNS])
    kinds = dict(UnitKind.choices)
    for code, name, parent_code, kind, groups, longitude, latitude in units:
        sheet.append([cell_text(sheet, text) for text in (
            code, name, parent_code or "", str(kinds.get(kind, kind)), groups or "",
            _coordinate(longitude), _coordinate(latitude))])
    return _saved(workbook)


def _coordinate(value: Any) -> str:
    return "" if value is None else format(value, "f")


def _saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
