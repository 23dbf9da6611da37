"""The Simplified Chinese catalog: complete, well-formed, compiled, and used by the pages.

The UI is Chinese first (``LANGUAGE_CODE = "zh-hans"``) with English msgids in code and
templates, so a string missing from ``locale/zh_Hans`` shows up in English to every user.
The completeness check runs ``makemessages`` on a copy of the source tree; it needs GNU
gettext (``apt-get install -y gettext``) and fails, rather than skips, without it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

import pacesetter

PACKAGE_DIR = Path(pacesetter.__file__).resolve().parent
LC_MESSAGES = PACKAGE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

PLACEHOLDER = re.compile(r"%\((\w+)\)[#0\- +]*(?:\d+)?(?:\.\d+)?[diouxXeEfFgGcrsa]")
CJK = re.compile(r"[\u4e00-\u9fff]")

Key = tuple[str | None, str, str]  # (msgctxt, msgid, msgid_plural)


def _key(entry: polib.POEntry | polib.MOEntry) -> Key:
    return (entry.msgctxt or None, entry.msgid, entry.msgid_plural or "")


def _live_entries(catalog: polib.POFile) -> list[polib.POEntry]:
    return [e for e in catalog if not e.obsolete and e.msgid]


def _msgstrs(entry: polib.POEntry | polib.MOEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _placeholders(text: str) -> set[str]:
    """The named python-format placeholders of a string, with their conversion: ``%(name)s``."""
    return {f"%({match.group(1)}){match.group(0)[-1]}" for match in PLACEHOLDER.finditer(text)}


@pytest.fixture(scope="module")
def catalog() -> polib.POFile:
    assert PO_PATH.is_file(), f"{PO_PATH} is missing: run makemessages -l zh_Hans"
    return polib.pofile(str(PO_PATH))


def test_header_declares_simplified_chinese_with_one_plural_form(catalog):
    assert catalog.metadata.get("Language") == "zh_Hans"
    assert catalog.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"
    assert "charset=UTF-8" in catalog.metadata.get("Content-Type", "")
    assert not catalog.metadata_is_fuzzy, "the header is marked fuzzy"


def test_every_entry_is_translated_and_none_is_fuzzy(catalog):
    entries = _live_entries(catalog)
    assert entries, "the catalog has no entries"
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    untranslated = [e.msgid for e in entries if not all(s.strip() for s in _msgstrs(e))]
    wrong_forms = [e.msgid for e in entries if e.msgid_plural and len(e.msgstr_plural) != 1]
    assert not fuzzy, "fuzzy entries:\n" + "\n".join(fuzzy)
    assert not untranslated, "untranslated entries:\n" + "\n".join(untranslated)
    assert not wrong_forms, "plural entries need exactly one form (msgstr[0]):\n" + "\n".join(
        wrong_forms)


def test_translations_keep_the_placeholders_of_the_msgid(catalog):
    problems = []
    for entry in _live_entries(catalog):
        expected = _placeholders(entry.msgid) | _placeholders(entry.msgid_plural or "")
        for msgstr in _msgstrs(entry):
            found = _placeholders(msgstr)
            if found != expected:
                problems.append(f"{entry.msgid!r}: expected {sorted(expected)}, "
                                f"got {sorted(found)} in {msgstr!r}")
    assert not problems, "placeholders differ:\n" + "\n".join(problems)


def test_msgfmt_accepts_the_catalog():
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("msgfmt is not installed: apt-get install -y gettext")
    result = subprocess.run([msgfmt, "--check", "-o", os.devnull, str(PO_PATH)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_the_committed_mo_matches_the_po(catalog):
    assert MO_PATH.is_file(), f"{MO_PATH} is missing: run compilemessages"
    compiled = {_key(e): _msgstrs(e) for e in polib.mofile(str(MO_PATH)) if e.msgid}
    source = {_key(e): _msgstrs(e) for e in catalog.translated_entries() if e.msgid}
    stale = sorted(k[1] for k in source.keys() & compiled.keys() if source[k] != compiled[k])
    missing = sorted(k[1] for k in source.keys() - compiled.keys())
    extra = sorted(k[1] for k in compiled.keys() - source.keys())
    assert not (stale or missing or extra), (
        "django.mo is out of date, run compilemessages.\n"
        f"changed: {stale}\nnot compiled: {missing}\nno longer in the .po: {extra}"
    )


def _extracted_catalog(tmp_path: Path) -> polib.POFile:
    """The zh_Hans catalog that ``makemessages`` builds from a copy of the current source."""
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext is not installed, so the catalog cannot be checked for "
                    "completeness: apt-get install -y gettext")
    src = tmp_path / "src"
    copy = src / "pacesetter"
    shutil.copytree(PACKAGE_DIR, copy,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "locale", "static"))
    (copy / "locale").mkdir()
    home = tmp_path / "home"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pacesetter.settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")])),
        "PACESETTER_HOME": str(home),
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--ignore=static/*"],
        cwd=copy, env=env, capture_output=True, text=True, check=False, timeout=300,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    extracted = copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    assert extracted.is_file(), f"makemessages wrote no catalog:\n{result.stdout}"
    return polib.pofile(str(extracted))


def test_the_catalog_has_every_string_marked_in_the_source(catalog, tmp_path):
    found = {_key(e): e for e in _live_entries(_extracted_catalog(tmp_path))}
    assert len(found) > 100, f"makemessages found only {len(found)} strings; is it looking?"
    committed = {_key(e) for e in _live_entries(catalog)}
    missing = sorted(found.keys() - committed, key=lambda k: k[1])
    assert not missing, (
        f"{len(missing)} strings marked for translation are not in {PO_PATH.name}; run "
        "makemessages -l zh_Hans and translate them:\n" + "\n".join(
            f"{found[k].msgid!r}" + (f" / {k[2]!r}" if k[2] else "")
            + (f" [context {k[0]!r}]" if k[0] else "")
            + f"  ({', '.join(f'{f}:{n}' for f, n in found[k].occurrences)})"
            for k in missing
        )
    )


def _translation(catalog: polib.POFile, msgid: str) -> str:
    entry = catalog.find(msgid)
    assert entry is not None and entry.msgstr, f"{msgid!r} is not translated"
    assert CJK.search(entry.msgstr), f"{msgid!r} is not translated into Chinese"
    return entry.msgstr


def test_pages_are_in_chinese_by_default(client, db, catalog):
    heading = _translation(catalog, "Log in to Pacesetter")
    page = client.get("/login/").content.decode()
    assert heading in page
    assert "Log in to Pacesetter" not in page
    assert '<html lang="zh-hans">' in page


def test_pages_are_in_english_when_the_browser_asks_for_it(client, db, catalog):
    heading = _translation(catalog, "Log in to Pacesetter")
    page = client.get("/login/", headers={"accept-language": "en"}).content.decode()
    assert "Log in to Pacesetter" in page
    assert heading not in page
    assert '<html lang="en">' in page


def test_the_language_cookie_chooses_english(client, db, catalog):
    heading = _translation(catalog, "Log in to Pacesetter")
    client.cookies["django_language"] = "en"
    page = client.get("/login/", headers={"accept-language": "zh-CN,zh;q=0.9"}).content.decode()
    assert "Log in to Pacesetter" in page
    assert heading not in page
