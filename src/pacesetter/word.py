"""What every Word document of the product shares (python-docx): the Chinese font."""

from __future__ import annotations

import re
from typing import Any

from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

CJK_FONT = "宋体"
#: Characters XML 1.0 refuses (python-docx raises on them): control characters but tab and
#: newlines, lone surrogates, U+FFFE and U+FFFF.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: Any) -> str:
    """``value`` as text fit for a Word file."""
    text = "" if value is None else str(value)
    return XML_ILLEGAL.sub("", text.replace("\x0b", "\n"))


def east_asian_font(document: Document, size: float = 11) -> None:
    """Word takes a separate font for Chinese text; without it some versions fall back to a
    font that lacks the characters."""
    style = document.styles["Normal"]
    style.font.name = CJK_FONT
    style.font.size = Pt(size)
    fonts = style.element.rPr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        style.element.rPr.append(fonts)
    fonts.set(qn("w:eastAsia"), CJK_FONT)
