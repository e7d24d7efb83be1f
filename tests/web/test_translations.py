"""The French catalogue is complete and compiled: a string added without its translation fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
FRENCH = ROOT / "translations" / "fr" / "LC_MESSAGES"


def extracted(tmp_path: Path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as handle:
        return read_po(handle)


def test_every_ui_string_has_a_french_translation(tmp_path):
    template = extracted(tmp_path)
    with (FRENCH / "messages.po").open("rb") as handle:
        french = read_po(handle, locale="fr")
    missing = []
    for message in template:
        if not message.id:
            continue
        translated = french.get(message.id, context=message.context)
        strings = translated.string if translated else None
        complete = all(strings) if isinstance(strings, tuple) else bool(strings)
        if translated is None or not complete or translated.fuzzy:
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    assert not missing, f"{len(missing)} strings lack a French translation: {missing[:20]}"


def translations(catalog) -> dict:
    """What the UI shows: each message's translation (not the header, which names the Babel version)."""

    def plain(value):  # plural forms come back as lists from a .mo file, tuples from a .po file
        return value if isinstance(value, str) else tuple(value)

    return {
        (plain(message.id), message.context): plain(message.string)
        for message in catalog
        if message.id and not message.fuzzy
    }


def test_the_compiled_catalogue_matches_the_po_file():
    with (FRENCH / "messages.po").open("rb") as handle:
        french = read_po(handle, locale="fr")
    with (FRENCH / "messages.mo").open("rb") as handle:
        compiled = read_mo(handle)
    assert translations(compiled) == translations(french), "run scripts/i18n compile"
