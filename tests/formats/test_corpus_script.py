"""scripts/corpus: every file of a folder imported whole and round-tripped, or said why not."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "import"


def corpus(folder: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "corpus.py"), str(folder), "--verbose", *options],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_files_that_import_whole_and_come_back_the_same(tmp_path):
    names = ("every_isad_column.csv", "harbour.xml", "wild_patterns.xml", "structured_notes.xml", "every_word.xml",
             "ead3/ncsu_mc00042.xml", "ead3/umn_naa213.xml")  # fmt: skip
    for name in names:
        shutil.copy(FIXTURES / name, tmp_path / Path(name).name)
    run = corpus(tmp_path)  # (at least 99 % of each file's words, the default; EAD3 against our EAD3)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "7 of 7 files imported whole, came back the same as CSV and as EAD" in run.stdout
    assert run.stdout.count("  yes  yes") == 7


def test_a_file_that_does_not_import_is_named_with_the_reason(tmp_path):
    shutil.copy(FIXTURES / "harbour.csv", tmp_path / "good.csv")
    (tmp_path / "bad.csv").write_text("legacyId,title,eventStartDates\n1,Fonds,1990-13\n", encoding="utf-8")
    run = corpus(tmp_path)
    assert run.returncode == 1
    assert "NOT IMPORTED: line 2: eventStartDates “1990-13” is not a date" in run.stdout
    assert "1 of 2 files imported whole, came back the same as CSV and as EAD" in run.stdout
