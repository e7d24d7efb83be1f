"""The real files beside the project (../shared/corpus): every one imports whole and comes back
the same as CSV and as EAD (scripts/corpus)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no real files to try: {CORPUS} is not there")
def test_every_real_file_imports_whole_and_round_trips():
    run = subprocess.run(
        # (99 %, the default: each file keeps at least 99 % of its description's words in our export)
        [sys.executable, str(ROOT / "scripts" / "corpus.py"), str(CORPUS)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "NOT IMPORTED" not in run.stdout
