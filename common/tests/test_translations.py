"""The Spanish and Vietnamese catalogs are complete, consistent and compiled.

Parsed with plain Python (no gettext tools needed): every msgid has a translation,
nothing is fuzzy, placeholders survive translation, and the committed .mo files
say what the .po files say (the .mo files are committed so a fresh machine needs
no gettext to run the portal or the tests).
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["es", "vi"]
# Python %-format placeholders ("%(name)s", "%d", "%02x") and str.format fields ("{name}").
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]|\{[^{}]*\}")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0
    obsolete: bool = False


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file (header included, as the entry with msgid "")."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            current, target = None, None
            continue
        if line.startswith("#~"):
            if current is None:
                current = Entry(line=number, obsolete=True)
                entries.append(current)
            current.obsolete = True
            continue
        if current is None:
            current = Entry(line=number)
            entries.append(current)
        if line.startswith("#,"):
            current.flags.update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if target is None:
                raise ValueError(f"{path}:{number}: a string continues nothing")
            _append(current, target, ast.literal_eval(line))
        else:
            keyword, _, rest = line.partition(" ")
            index = -1
            if keyword.startswith("msgstr["):
                index = int(keyword[7:-1])
                keyword = "msgstr"
            if keyword not in ("msgid", "msgid_plural", "msgctxt", "msgstr"):
                raise ValueError(f"{path}:{number}: unknown keyword {keyword!r}")
            target = (keyword, index)
            if keyword == "msgstr":
                current.msgstr[max(index, 0)] = ""
            elif keyword == "msgid_plural":
                current.msgid_plural = ""
            elif keyword == "msgctxt":
                current.msgctxt = ""
            _append(current, target, ast.literal_eval(rest))
    return entries


def _append(entry: Entry, target: tuple[str, int], text: str) -> None:
    keyword, index = target
    if keyword == "msgid":
        entry.msgid += text
    elif keyword == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + text
    elif keyword == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + text
    else:
        entry.msgstr[max(index, 0)] += text


def catalog(language: str) -> list[Entry]:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing: run makemessages -l {language}"
    return [e for e in parse_po(path) if e.msgid and not e.obsolete]


def header(language: str) -> dict[str, str]:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    first = next(e for e in parse_po(path) if e.msgid == "")
    assert "fuzzy" not in first.flags, f"the {language} header is marked fuzzy"
    pairs = (line.partition(":") for line in first.msgstr[0].splitlines())
    return {key.strip(): value.strip() for key, _, value in pairs if key}


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def describe(entry: Entry) -> str:
    return f"line {entry.line}: {entry.msgid[:70]!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    untranslated = [
        describe(e) for e in catalog(language) if not all(s.strip() for s in e.msgstr.values())
    ]
    assert not untranslated, f"{len(untranslated)} untranslated in {language}:\n" + "\n".join(
        untranslated
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_is_fuzzy(language: str) -> None:
    fuzzy = [describe(e) for e in catalog(language) if "fuzzy" in e.flags]
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {language}:\n" + "\n".join(fuzzy)


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_messages_have_every_form(language: str) -> None:
    forms = header(language)["Plural-Forms"]
    match = re.search(r"nplurals=(\d+)", forms)
    assert match, forms
    expected = set(range(int(match.group(1))))
    wrong = [describe(e) for e in catalog(language) if e.msgid_plural and set(e.msgstr) != expected]
    assert not wrong, f"plural forms missing in {language}:\n" + "\n".join(wrong)


def source_for(entry: Entry, index: int, nplurals: int) -> str:
    """What msgstr[index] translates: the singular for form 0 when the language has
    several forms; otherwise the plural (a one-form language such as Vietnamese
    translates the general, plural sentence)."""
    if entry.msgid_plural is None:
        return entry.msgid
    if index == 0 and nplurals > 1:
        return entry.msgid
    return entry.msgid_plural


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_and_markup_survive_translation(language: str) -> None:
    match = re.search(r"nplurals=(\d+)", header(language)["Plural-Forms"])
    nplurals = int(match.group(1)) if match else 2
    problems = []
    for entry in catalog(language):
        for index, text in entry.msgstr.items():
            source = source_for(entry, index, nplurals)
            if placeholders(text) != placeholders(source):
                problems.append(
                    f"{describe(entry)} msgstr[{index}] has placeholders "
                    f"{placeholders(text)}, expected {placeholders(source)}"
                )
            if sorted(HTML_TAG.findall(text)) != sorted(HTML_TAG.findall(source)):
                problems.append(f"{describe(entry)} msgstr[{index}] changes the HTML markup")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_matches_the_po_file(language: str) -> None:
    mo_path = LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"
    assert mo_path.exists(), f"{mo_path} is missing: run compilemessages and commit it"
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in catalog(language):
        if entry.msgctxt is not None:
            got = compiled.pgettext(entry.msgctxt, entry.msgid)
            if got != entry.msgstr[0]:
                stale.append(describe(entry))
        elif entry.msgid_plural is None:
            if compiled.gettext(entry.msgid) != entry.msgstr[0]:
                stale.append(describe(entry))
        elif compiled.ngettext(entry.msgid, entry.msgid_plural, 1) != entry.msgstr[0]:
            stale.append(describe(entry))
    assert not stale, (
        f"{len(stale)} entries differ between django.po and django.mo in {language} "
        "(run compilemessages):\n" + "\n".join(stale)
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [("es", "Error de autenticación"), ("vi", "Xác thực không thành công")],
)
def test_django_serves_the_districts_messages_in_each_language(
    language: str, expected: str
) -> None:
    with translation.override(language):
        assert translation.gettext("Authentication Failed") == expected


def test_the_parser_reads_plurals_context_flags_and_continuations(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        '#, fuzzy, python-format\nmsgctxt "menu"\nmsgid "%(n)d file"\n'
        'msgid_plural ""\n"%(n)d files"\nmsgstr[0] "%(n)d archivo"\n'
        'msgstr[1] "%(n)d "\n"archivos"\n',
        encoding="utf-8",
    )
    entries = parse_po(po)
    assert len(entries) == 2
    entry = entries[1]
    assert entry.msgctxt == "menu"
    assert entry.msgid_plural == "%(n)d files"
    assert entry.msgstr == {0: "%(n)d archivo", 1: "%(n)d archivos"}
    assert entry.flags == {"fuzzy", "python-format"}
