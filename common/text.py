"""Text normalisation shared by matching (names) and secrets (challenge answers)."""

import unicodedata


def fold(value: str) -> str:
    """Case-, accent- and spacing-insensitive form of a name or an answer.

    "  José   DE la Cruz " and "jose de la cruz" fold to the same text; nothing else
    (punctuation, hyphens, letters) is forgiven.
    """
    decomposed = unicodedata.normalize("NFKD", value)
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(without_accents.casefold().split())
