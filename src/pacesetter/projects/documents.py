"""A roadshow's papers: the judges' QR codes, and the result sheet in Word (to sign and file)
and in Excel (every judge's total, for checking the arithmetic)."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import IO, Any

import segno
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from pacesetter.orgs.spreadsheets import cell_text, workbook_file
from pacesetter.projects import scoring
from pacesetter.projects.models import Grade, Judge, Roadshow, RoadshowState
from pacesetter.projects.selectors import Standing, Standings
from pacesetter.word import east_asian_font

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="B22222")


#: Characters XML 1.0 refuses (python-docx and openpyxl raise on them): control characters but
#: tab and newlines, lone surrogates, U+FFFE and U+FFFF.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: Any) -> Any:
    """``value`` fit for a Word or Excel file: text loses the characters XML refuses (a
    vertical tab, PowerPoint's line break, becomes a newline); other values pass. The services
    clean text as it is stored; this guards the sheets against rows stored before that or
    written around the services, so that one bad string never breaks a download."""
    if not isinstance(value, str):
        return value
    return XML_ILLEGAL.sub("", value.replace("\x0b", "\n"))


# ---------------------------------------------------------------------------------------------
# QR codes


def qr_png(link: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=8, border=3)
    return buffer.getvalue()


def qr_svg_uri(link: str) -> str:
    return segno.make(link, error="m").svg_data_uri(scale=3, border=2)


# ---------------------------------------------------------------------------------------------
# wording shared by the Word sheet and the pages


def number(value: float | None) -> str:
    """A result as the sheets print it: two decimals, or a dash when not scored."""
    return "—" if value is None else f"{value:.2f}"


def trimming_rule(roadshow: Roadshow) -> str:
    """The panel convention in words, e.g. "去掉 1 个最高分和 1 个最低分后取平均分"."""
    high, low = roadshow.drop_highest, roadshow.drop_lowest
    if not high and not low:
        return _("The mean of all judges' totals (no score dropped).")
    return _("The mean of the judges' totals after dropping the %(high)d highest and the "
             "%(low)d lowest (the plain mean when too few judges scored to drop any).") % {
        "high": high, "low": low}


def shares(groups: Sequence[tuple[str, float]]) -> str:
    """The groups' weights as shares of the result, e.g. "领导 50%、部门负责人 30%、职工代表
    20%" for 0.5, 0.3 and 0.2 (or 5, 3 and 2); empty for fewer than two groups."""
    if len(groups) < 2:
        return ""
    total = sum(weight for _name, weight in groups)
    if total <= 0:
        return ""
    return "、".join(f"{name} {round(100 * weight / total, 1):g}%" for name, weight in groups)


def weights_rule(standings: Standings) -> str:
    """How the judge groups combine, e.g. "领导 50%、部门负责人 30%、职工代表 20%"."""
    text = shares([(g.name, g.weight) for g in standings.groups])
    if not text:
        return ""
    return _("Each judge group's trimmed mean counts with its weight: %(shares)s.") % {
        "shares": text}


def quotas_rule(roadshow: Roadshow) -> str:
    quotas = roadshow.grade_quotas or {}
    if not quotas:
        return ""
    parts = "、".join(_("%(grade)s at most %(count)d") % {"grade": Grade(code).label,
                                                            "count": count}
                     for code, count in quotas.items() if code in Grade.values)
    return _("Grade quotas per judge: %(parts)s.") % {"parts": parts}


def graded(standings: Standings) -> bool:
    """Whether the sheets show the judges' grades: the roadshow has quotas (an acceptance
    panel's grades propose the 验收等次), or grades were given."""
    return bool(standings.roadshow.grade_quotas) or any(row.grades for row in standings.rows)


def grade_counts(grades: Mapping[str, int]) -> str:
    """The grades the judges gave a project, best first, e.g. "优秀 3、良好 2"; a dash if
    none."""
    parts = [f"{Grade(code).label} {grades[code]}" for code in Grade.values
             if grades.get(code)]
    return "、".join(parts) or "—"


# ---------------------------------------------------------------------------------------------
# the Word result sheet


def _table(document: Document, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(xml_text(text)).bold = True
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = xml_text(text)


def _ranked_rows(standings: Standings, eligible: Mapping[int, set[int]]) -> list[list[str]]:
    several = len(standings.groups) > 1
    with_grades = graded(standings)
    rows = []
    for row in standings.ranked:
        means = [number(m) for m in row.group_means] if several else []
        grades = [grade_counts(row.grades)] if with_grades else []
        rows.append([str(row.rank) if row.rank else "—", row.project.title,
                     row.project.lead_unit.name if row.project.lead_unit else "—",
                     f"{row.count}/{len(eligible.get(row.presentation.pk, ()))}", *means,
                     *grades, number(row.result)])
    return rows


def results_document(standings: Standings, eligible: Mapping[int, set[int]]) -> IO[bytes]:
    """The result sheet: title, date and venue, the rubric, the trimming rule and the group
    weights, the ranked table (each group's trimmed mean and the result), the comments (点评)
    and the lines for the signatures. Marked provisional while the roadshow is not closed."""
    roadshow = standings.roadshow
    document = Document()
    east_asian_font(document)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    heading = document.add_heading(xml_text(_("%(title)s: results") % {
        "title": roadshow.title}), level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    facts = [(_("Date"), f"{roadshow.held_on:%Y-%m-%d}"),
             (pgettext("roadshow", "Venue"), roadshow.venue or "—"),
             (_("Organizer"), roadshow.owner.name),
             (pgettext("roadshow", "Purpose"), roadshow.get_purpose_display())]
    document.add_paragraph(xml_text("　".join(f"{label}：{value}" for label, value in facts)))
    if roadshow.state != RoadshowState.CLOSED:
        warning = document.add_paragraph().add_run(
            _("Provisional: the roadshow is not closed yet (printed %(now)s).")
            % {"now": f"{timezone.localtime():%Y-%m-%d %H:%M}"})
        warning.bold = True
    document.add_heading(pgettext("roadshow", "Rubric"), level=2)
    criteria = scoring.criteria_of(roadshow.criteria)
    _table(document, [pgettext("roadshow", "Criterion"), _("Maximum points")],
           [[c.name, f"{c.maximum:g}"] for c in criteria]
           + [[_("Total"), f"{standings.maximum:g}"]])
    document.add_heading(_("How the result is computed"), level=2)
    for text in (trimming_rule(roadshow), weights_rule(standings), quotas_rule(roadshow)):
        if text:
            document.add_paragraph(xml_text(text), style="List Bullet")
    document.add_heading(pgettext("roadshow", "Ranking"), level=2)
    groups = [_("%(group)s mean") % {"group": g.name} for g in standings.groups] if len(
        standings.groups) > 1 else []
    grades = [pgettext("roadshow", "Grades given")] if graded(standings) else []
    _table(document, [_("Rank"), _("Project"), _("Lead unit"), _("Judges scored"), *groups,
                      *grades, pgettext("roadshow", "Result")], _ranked_rows(standings, eligible))
    _comments(document, standings.rows)
    document.add_paragraph()
    document.add_paragraph(_("Judges' signatures:") + "　" + "_" * 40)
    document.add_paragraph(_("Chair's signature:") + "　" + "_" * 16 + "　　"
                           + pgettext("roadshow", "Date:") + "　" + "_" * 14)
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return buffer


def _comments(document: Document, rows: list[Standing]) -> None:
    commented = [row for row in rows if row.presentation.comment]
    if not commented:
        return
    document.add_heading(pgettext("roadshow", "Comments"), level=2)
    for row in commented:
        paragraph = document.add_paragraph()
        paragraph.add_run(xml_text(f"{row.presentation.position}. {row.project.title}：")
                          ).bold = True
        paragraph.add_run(xml_text(row.presentation.comment))


# ---------------------------------------------------------------------------------------------
# the Excel result sheet


def _header(sheet: Any, labels: list[str]) -> None:
    sheet.append([cell_text(sheet, xml_text(label), font=HEADER_FONT, fill=HEADER_FILL)
                  for label in labels])


def _append(sheet: Any, values: Sequence[Any]) -> None:
    sheet.append([cell_text(sheet, xml_text(value)) for value in values])


def results_workbook(standings: Standings, eligible: Mapping[int, set[int]]) -> IO[bytes]:
    """Two sheets: the standings in rank order with each group's mean, the result and every
    judge's total (回避 where the judge is from the presenting unit); and every score with its
    points per criterion and grade."""
    workbook = Workbook(write_only=True)
    _standings_sheet(workbook, standings, eligible)
    _scores_sheet(workbook, standings)
    return workbook_file(workbook)


def _judge_label(judge: Judge) -> str:
    return f"{judge.name}（{judge.group.name}）"


def _standings_sheet(workbook: Workbook, standings: Standings,
                     eligible: Mapping[int, set[int]]) -> None:
    sheet = workbook.create_sheet(pgettext("roadshow", "Results"))
    groups = [_("%(group)s mean") % {"group": g.name} for g in standings.groups]
    grades = list(Grade.values) if graded(standings) else []
    _header(sheet, [_("Rank"), pgettext("roadshow", "Order"), _("Number"), _("Project"),
                    _("Lead unit"), _("Judges scored"), _("Judges scoring"), *groups,
                    pgettext("roadshow", "Result"), *[str(Grade(g).label) for g in grades],
                    pgettext("roadshow", "Comment"),
                    *[_judge_label(j) for j in standings.judges]])
    recused = pgettext("roadshow", "Recused")
    for row in standings.ranked:
        allowed = eligible.get(row.presentation.pk, set())
        totals = []
        for judge in standings.judges:
            score = standings.scores.get((row.presentation.pk, judge.pk))
            totals.append(score.total if score else (None if judge.pk in allowed else recused))
        _append(sheet, (
            row.rank or None, row.presentation.position, row.project.code or None,
            row.project.title, row.project.lead_unit.name if row.project.lead_unit else None,
            row.count, len(allowed), *row.group_means, row.result,
            *[row.grades.get(g, 0) for g in grades], row.presentation.comment or None,
            *totals))


def _scores_sheet(workbook: Workbook, standings: Standings) -> None:
    sheet = workbook.create_sheet(pgettext("roadshow", "Scores"))
    criteria = scoring.criteria_of(standings.roadshow.criteria)
    _header(sheet, [pgettext("roadshow", "Order"), _("Project"), pgettext("roadshow", "Judge"),
                    _("Judge group"), *[f"{c.name}（{c.maximum:g}）" for c in criteria],
                    _("Total"), pgettext("roadshow", "Grade"), pgettext("roadshow", "Saved at")])
    judges = {j.pk: j for j in standings.judges}
    for row in standings.rows:
        for judge in standings.judges:
            score = standings.scores.get((row.presentation.pk, judge.pk))
            if score is None:
                continue
            _append(sheet, (
                row.presentation.position, row.project.title, judges[judge.pk].name,
                judge.group.name, *[score.points.get(c.code) for c in criteria], score.total,
                score.get_grade_display() or None,
                timezone.localtime(score.updated_at).replace(tzinfo=None)))
