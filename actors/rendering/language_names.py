"""Languages and scripts by name, in the reader's language: descriptions keep ISO codes ("en",
"fre", "Latn", as AtoM and EAD write them), which mean nothing to a reader of a finding aid.

Babel (CLDR) names ISO 639-1 codes and many ISO 639-3 ones ("grc"); ISO 639-2/B codes ("fre",
"ger") reach their 639-1 code through its aliases. A code it does not know is shown as it is."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from flask import has_app_context
from flask_babel import get_locale


def _reader() -> Locale:
    """The language the page or file is being written in (the worker's, or the viewer's)."""
    return (get_locale() if has_app_context() else None) or Locale("en")


def language_name(code: str, locale: Locale | None = None) -> str:
    """ "en" -> "English" (or "anglais" for a French reader); "fre" and "fra" -> "French"."""
    names = (locale or _reader()).languages
    key = code.strip().replace("-", "_")
    for candidate in (key, key.lower(), get_global("language_aliases").get(key.lower())):
        if candidate and candidate in names:
            return names[candidate]
    try:  # a tag with a region or script: "en_GB" -> "British English"
        return Locale.parse(key).get_display_name(locale or _reader()) or code
    except (ValueError, UnknownLocaleError):
        return code


def script_name(code: str, locale: Locale | None = None) -> str:
    """ "Latn" -> "Latin" ("latin" in French); ISO 15924 codes are title case, but files vary."""
    key = code.strip().title()
    return (locale or _reader()).scripts.get(key) or code


def language_names(codes: list[str] | None) -> list[str]:
    return [language_name(code) for code in codes or []]


def script_names(codes: list[str] | None) -> list[str]:
    return [script_name(code) for code in codes or []]
