"""The distribution sheet as a Word document: one card per surveyed unit with its QR code and
link, two cards to a row on A4, for offices that print, stamp and post notices from Word."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

import segno
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt
from docx.table import _Cell, _Row

from pacesetter.surveys.models import Campaign, Target
from pacesetter.word import east_asian_font

CARDS_PER_ROW = 2
QR_SIZE = Cm(4.5)


def _qr_png(link: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=6, border=2)
    buffer.seek(0)
    return buffer


def _card(cell: _Cell, campaign: Campaign, target: Target, link: str) -> None:
    heading, title, picture, address, hint = (
        cell.paragraphs[0], *(cell.add_paragraph() for _ in range(4)))
    for paragraph in (heading, title, picture, address, hint):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    name = heading.add_run(target.unit.name)
    name.bold, name.font.size = True, Pt(15)
    title.add_run(campaign.title).font.size = Pt(10)
    picture.add_run().add_picture(_qr_png(link), width=QR_SIZE, height=QR_SIZE)
    address.add_run(link).font.size = Pt(8)
    hint.add_run(_("Scan with a phone to answer. Answers are anonymous.")).font.size = Pt(9)


def _keep_on_one_page(row: _Row) -> None:
    """A card cut in two by a page break cannot be scanned."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def distribution_document(campaign: Campaign, targets: Iterable[Target],
                          link_of: Callable[[Target], str]) -> io.BytesIO:
    """The .docx of the campaign's cards, in the order of ``targets``."""
    document = Document()
    east_asian_font(document)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    document.add_heading(campaign.title, level=1)
    window = f"{campaign.opens_at:%Y-%m-%d} – {campaign.closes_at:%Y-%m-%d}"
    document.add_paragraph(_("Answering open %(window)s. Each unit has its own code: answers "
                             "through it are about that unit.") % {"window": window})
    rows = list(targets)
    table = document.add_table(rows=0, cols=CARDS_PER_ROW)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.style = "Table Grid"
    for start in range(0, len(rows), CARDS_PER_ROW):
        cells = table.add_row().cells
        for cell, target in zip(cells, rows[start:start + CARDS_PER_ROW], strict=False):
            _card(cell, campaign, target, link_of(target))
        _keep_on_one_page(table.rows[-1])
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return buffer
