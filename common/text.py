"""Text normalisation shared by matching (names) and secrets (challenge answers)."""

import unicodedata

from anyascii import anyascii

# Typographic punctuation a phone's keyboard puts in place of what the SIS holds:
# "O\u2019Brien" typed on a phone is O'Brien; the Unicode hyphens and dashes are "-".
PUNCTUATION = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark (the phone's apostrophe)
        "\u02bc": "'",  # modifier letter apostrophe
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2015": "-",  # horizontal bar
        "\u2212": "-",  # minus sign
    }
)


def _latin_to_ascii(ch: str) -> str:
    """A Latin letter that Unicode does not build from a letter and an accent (Đ, Ł,
    Ø, Æ, Œ, Þ) as its plain letters, through anyascii. Only Latin letters: other
    scripts are left as they are, because transliterating them would make
    different names and answers equal (李 and 理 are both "Li")."""
    if ch.isascii() or not unicodedata.name(ch, "").startswith("LATIN "):
        return ch
    return anyascii(ch)


def fold(value: str) -> str:
    """Case-, accent- and spacing-insensitive form of a name or an answer.

    "  José   DE la Cruz " and "jose de la cruz" fold to the same text, "Đặng" and
    "dang", "Łukasz" and "lukasz", "O\u2019Brien" and "o'brien", "Smith\u2013Jones"
    and "smith-jones"; nothing else (a hyphen is not a space, a missing letter is
    missing, other scripts keep their letters) is forgiven.
    """
    without_accents = legacy_fold(value.translate(PUNCTUATION))
    return "".join(_latin_to_ascii(ch) for ch in without_accents).casefold()


def legacy_fold(value: str) -> str:
    """The fold before Latin letters and typographic punctuation were folded too:
    case, accents (what NFKD splits off a letter) and spacing only. Challenge answers
    stored before the change were hashed in this form, so they are also checked in
    it (accounts.challenges.check_answers); names are folded afresh every time."""
    decomposed = unicodedata.normalize("NFKD", value)
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(without_accents.casefold().split())
