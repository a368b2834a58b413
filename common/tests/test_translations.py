"""The Spanish and Vietnamese catalogs are complete, consistent and compiled.

Read with polib (no gettext tools needed): every msgid has a translation, nothing is
fuzzy, placeholders survive translation, and the committed .mo files say what the
.po files say (the .mo files are committed so a fresh machine needs no gettext to
run the portal or the tests).
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["es", "vi"]
# Python %-format placeholders ("%(name)s", "%d", "%02x") and str.format fields ("{name}").
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]|\{[^{}]*\}")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")

Key = tuple[str | None, str]


def po_path(language: str) -> Path:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing: run makemessages -l {language}"
    return path


def entries(po: polib.POFile) -> list[polib.POEntry]:
    """The live entries: the header and obsolete (#~) ones left out."""
    return [e for e in po if e.msgid and not e.obsolete]


def translations(entry: polib.POEntry | polib.MOEntry) -> dict[int, str]:
    """Plural form -> text; form 0 alone for a message without a plural."""
    if entry.msgid_plural:
        return {int(n): text for n, text in entry.msgstr_plural.items()}
    return {0: entry.msgstr}


def key(entry: polib.POEntry | polib.MOEntry) -> Key:
    return entry.msgctxt, entry.msgid


def describe(entry: polib.POEntry) -> str:
    return f"line {entry.linenum}: {entry.msgid[:70]!r}"


def nplurals(po: polib.POFile) -> int:
    forms = po.metadata.get("Plural-Forms", "")
    match = re.search(r"nplurals=(\d+)", forms)
    assert match, f"no nplurals in the header's Plural-Forms: {forms!r}"
    return int(match.group(1))


def untranslated(po: polib.POFile) -> list[str]:
    return [
        describe(e) for e in entries(po)
        if not translations(e) or not all(text.strip() for text in translations(e).values())
    ]


def fuzzy(po: polib.POFile) -> list[str]:
    problems = [describe(e) for e in entries(po) if e.fuzzy]
    if po.metadata_is_fuzzy:
        problems.insert(0, "the header is marked fuzzy")
    return problems


def missing_plural_forms(po: polib.POFile) -> list[str]:
    expected = set(range(nplurals(po)))
    return [describe(e) for e in entries(po) if e.msgid_plural and set(translations(e)) != expected]


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def source_for(entry: polib.POEntry, form: int, forms: int) -> str:
    """What msgstr[form] translates: the singular for form 0 when the language has
    several forms; otherwise the plural (a one-form language such as Vietnamese
    translates the general, plural sentence)."""
    if not entry.msgid_plural or (form == 0 and forms > 1):
        return str(entry.msgid)
    return str(entry.msgid_plural)


def changed_placeholders_or_markup(po: polib.POFile) -> list[str]:
    forms = nplurals(po)
    problems = []
    for entry in entries(po):
        for form, text in translations(entry).items():
            source = source_for(entry, form, forms)
            if placeholders(text) != placeholders(source):
                problems.append(
                    f"{describe(entry)} msgstr[{form}] has placeholders "
                    f"{placeholders(text)}, expected {placeholders(source)}"
                )
            if sorted(HTML_TAG.findall(text)) != sorted(HTML_TAG.findall(source)):
                problems.append(f"{describe(entry)} msgstr[{form}] changes the HTML markup")
    return problems


def stale_compiled_entries(po: polib.POFile, mo_path: Path) -> list[str]:
    """Entries whose compiled translations (every plural form, with their context)
    differ from the .po file's, and compiled ones the .po file no longer has. Fuzzy
    entries are not compiled (msgfmt leaves them out); the fuzzy check reports them."""
    assert mo_path.exists(), f"{mo_path} is missing: run compilemessages and commit it"
    compiled = {key(e): translations(e) for e in polib.mofile(str(mo_path)) if e.msgid}
    expected = {key(e): e for e in entries(po) if not e.fuzzy}
    problems = [
        describe(entry) for k, entry in expected.items() if compiled.get(k) != translations(entry)
    ]
    gone = compiled.keys() - expected.keys()
    problems += [f"only in {mo_path.name}: {msgid[:70]!r}" for msgid in sorted(m for _, m in gone)]
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    problems = untranslated(polib.pofile(str(po_path(language))))
    assert not problems, f"{len(problems)} untranslated in {language}:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_is_fuzzy(language: str) -> None:
    problems = fuzzy(polib.pofile(str(po_path(language))))
    assert not problems, f"{len(problems)} fuzzy in {language}:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_messages_have_every_form(language: str) -> None:
    problems = missing_plural_forms(polib.pofile(str(po_path(language))))
    assert not problems, f"plural forms missing in {language}:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_and_markup_survive_translation(language: str) -> None:
    problems = changed_placeholders_or_markup(polib.pofile(str(po_path(language))))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_matches_the_po_file(language: str) -> None:
    path = po_path(language)
    problems = stale_compiled_entries(polib.pofile(str(path)), path.with_suffix(".mo"))
    assert not problems, (
        f"{len(problems)} entries differ between django.po and django.mo in {language} "
        "(run compilemessages):\n" + "\n".join(problems)
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


CATALOG = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgctxt "menu"
msgid "%(n)d file"
msgid_plural "%(n)d files"
msgstr[0] "%(n)d archivo"
msgstr[1] "%(n)d "
"archivos"

msgid "Sign in"
msgstr "Iniciar sesión"

msgid "Sign out"
msgstr "Cerrar sesión"
'''


def test_the_checks_find_untranslated_fuzzy_changed_and_stale_entries(tmp_path: Path) -> None:
    """Each check on a small catalog: clean as compiled, then each kind of problem."""
    path = tmp_path / "django.po"
    path.write_text(CATALOG, encoding="utf-8")
    po = polib.pofile(str(path))
    po.save_as_mofile(str(tmp_path / "django.mo"))
    for check in (untranslated, fuzzy, missing_plural_forms, changed_placeholders_or_markup):
        assert check(po) == [], check.__name__
    assert stale_compiled_entries(po, tmp_path / "django.mo") == []

    plural, sign_in, sign_out = entries(po)
    plural.msgstr_plural[1] = "archivos"
    sign_in.msgstr = " "
    sign_out.flags.append("fuzzy")

    assert untranslated(po) == [describe(sign_in)]
    assert fuzzy(po) == [describe(sign_out)]
    assert changed_placeholders_or_markup(po) == [
        f"{describe(plural)} msgstr[1] has placeholders [], expected ['%(n)d']"
    ]
    assert stale_compiled_entries(po, tmp_path / "django.mo") == [
        describe(plural), describe(sign_in), "only in django.mo: 'Sign out'"
    ]
    del plural.msgstr_plural[1]
    assert missing_plural_forms(po) == [describe(plural)]
    po.metadata_is_fuzzy = True
    assert fuzzy(po) == ["the header is marked fuzzy", describe(sign_out)]


def forbidden_terms() -> list[tuple[str, str]]:
    """(language, term) from the "Words we do not use" table of locale/README.md,
    the glossary translators read: the table is the rule, this test enforces it."""
    text = (LOCALE_DIR / "README.md").read_text(encoding="utf-8")
    section = text.split("## Words we do not use", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] in LANGUAGES:
            rows.append((cells[0], cells[1]))
    return rows


def test_the_glossary_names_words_not_to_use_in_both_languages() -> None:
    assert {language for language, _term in forbidden_terms()} == set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_uses_a_word_the_glossary_rules_out(language: str) -> None:
    terms = [term for lang, term in forbidden_terms() if lang == language]
    patterns = {term: re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.I) for term in terms}
    found = [
        f"{describe(entry)} says {term!r}"
        for entry in entries(polib.pofile(str(po_path(language))))
        for text in translations(entry).values()
        for term, pattern in patterns.items()
        if pattern.search(text)
    ]
    assert not found, "\n".join(found)
