"""Which language is a title in, and may the English model judge it?

Detection is by script (no model, no download): Han characters → ``zh`` unless kana are present
(``ja``); Hangul → ``ko``; Cyrillic, Arabic, Thai, Devanagari, Greek, Hebrew → ``other``; Latin
letters → ``en`` (the model's language; Latin-script languages other than English are not told
apart); digits and symbols only → ``und`` (judged like English: a bare code is unclear in any
language). Only ``en`` and ``und`` titles reach the English model; every other title gets the
``UNSUPPORTED_LANGUAGE`` reason, no model score and no flag: never an English verdict on a
Chinese title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

SUPPORTED = frozenset({"en", "und"})
#: Rule reasons that hold in any language (the others read English words).
LANGUAGE_AGNOSTIC_CODES = frozenset({"MISSING_TITLE", "CONTACT_DETAILS", "HTML"})

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
_OTHER = re.compile(r"[\u0370-\u03ff\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u0900-\u097f\u0e00-\u0e7f]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def detect_language(title: str | None) -> str:
    """``en``, ``zh``, ``ja``, ``ko``, ``other`` or ``und`` (see the module docstring)."""
    if not isinstance(title, str):
        return "und"
    han, kana, hangul = len(_HAN.findall(title)), len(_KANA.findall(title)), len(_HANGUL.findall(title))
    other, latin = len(_OTHER.findall(title)), len(_LATIN.findall(title))
    # A few Han characters in a Latin title still make it a CJK listing: each carries a word.
    if kana and (han + kana) * 3 >= latin:
        return "ja"
    if hangul and hangul * 3 >= latin:
        return "ko"
    if han and han * 3 >= latin:
        return "zh"
    if other and other >= latin:
        return "other"
    return "en" if latin else "und"


def detect_languages(titles: Iterable[str | None]) -> np.ndarray:
    """:func:`detect_language` of each title (an object array)."""
    return np.array([detect_language(t) for t in titles], dtype=object)


def supported(language: str) -> bool:
    """May the English model score a title in ``language``?"""
    return language in SUPPORTED


__all__ = ["LANGUAGE_AGNOSTIC_CODES", "SUPPORTED", "detect_language", "detect_languages", "supported"]
