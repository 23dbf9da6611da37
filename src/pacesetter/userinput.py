"""What the product accepts from users, wherever they type or attach it: text cleaned of the
characters XML and PostgreSQL refuse, and the files a report or a finding may carry."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Any

from django.utils.translation import gettext as _
from pydantic import AfterValidator, StringConstraints

#: Control characters that XML (docx, xlsx) and PostgreSQL refuse; text pasted from
#: PowerPoint or Word carries some (a vertical tab for a line break).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: Photos, PDFs, Office documents.
DOCUMENT_TYPES = frozenset({".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".txt"})
IMAGE_TYPES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic"})
ATTACHMENT_TYPES = IMAGE_TYPES | DOCUMENT_TYPES
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024


def clean_text(text: str) -> str:
    """User text as stored: stripped, its control characters (but tab and newlines) gone,
    a vertical tab made a newline."""
    return CONTROL.sub("", text.replace("\x0b", "\n")).strip()


def _without_nul(text: str) -> str:
    return text.replace("\x00", "")


def api_text(max_length: int, *, required: bool = False) -> Any:
    """A text field of an API schema: stripped, at most ``max_length`` characters (at least
    one when ``required``), NUL dropped (PostgreSQL text cannot hold it: a 500 otherwise)."""
    return Annotated[str, StringConstraints(
        strip_whitespace=True, min_length=1 if required else 0, max_length=max_length),
        AfterValidator(_without_nul)]


def suffix_of(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def is_image(name: str) -> bool:
    return suffix_of(name) in IMAGE_TYPES


def file_problems(files: Sequence[Any], max_bytes: int = ATTACHMENT_MAX_BYTES) -> list[str]:
    """What is wrong with each attached file: its type, or its size over ``max_bytes``."""
    problems = []
    for f in files:
        if suffix_of(f.name) not in ATTACHMENT_TYPES:
            problems.append(_("“%(name)s”: attach photos, PDF or Office files.")
                            % {"name": f.name})
        elif f.size > max_bytes:
            problems.append(_("“%(name)s” is larger than %(mb)d MB.") % {
                "name": f.name, "mb": max_bytes // (1024 * 1024)})
    return problems
