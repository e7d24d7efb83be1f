"""`scripts/bench finding-aid` renders the tree it builds (it broke unnoticed when the finding
aid's headings became translated and its bare app had no Babel)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_finding_aid_benchmark_renders_a_small_tree(tmp_path):
    kept = tmp_path / "bench.pdf"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench_finding_aid.py"), "40", "pdf", "--keep", str(kept)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"pdf n=40: [\d.]+ s, pages=\d+", result.stdout), result.stdout
    assert kept.read_bytes().startswith(b"%PDF")
