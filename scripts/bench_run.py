"""`scripts/bench SUBCOMMAND [--quick]`: run benchmarks, print a table, save JSON under bench-results/."""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

from bench_common import PROJECT

SUBCOMMANDS = ("throughput", "latency", "jobs-page", "finding-aid", "import", "tree", "load", "prune")
IMPORT_TARGET, TREE_TARGET_S = 5_000, 2.0
# What each benchmark runs on our side, and what it is held against: printed before its figures,
# so that a ratio is never read as like for like when it is not.
COMPARED = {
    "throughput": (
        "tracked no-op jobs: launch (row + message), claim, heartbeat, output capture, outcome",
        "raw Dramatiq actors doing the same no-op on the same Redis, processes and threads",
    ),
    "latency": (
        "launch of a tracked job until its row says Running, workers idle",
        "raw Dramatiq: send until the actor starts, same workers",
    ),
    "jobs-page": ("the Jobs page's server time over a big history, and its CSV export", "fixed budgets"),
    "finding-aid": (
        "the finding aid in chunks on helper processes (tagged up to FINDING_AID_TAGGED_MAX)",
        "the same content as one WeasyPrint document, tagged exactly when ours is",
    ),
    "import": (
        "Import descriptions of an AtoM CSV (plan, ledger digests, writes), then its Undo as a job",
        "rows/s budget; the Undo against the bare SQL of the same Undo (ledger, DELETE, renumbering, commit)",
    ),
    "tree": ("each tree job's own perform on a Job row, commit included", "fixed budgets"),
    "load": ("50 users polling the Jobs and job pages through gunicorn beside a busy worker", "latency budgets"),
    "prune": ("`flask jobs prune`: the history CSV of every job written, then the jobs deleted", "fixed budgets"),
}


def _run(name: str, quick: bool) -> list[dict]:
    if name in ("throughput", "latency"):
        import bench_throughput

        return getattr(bench_throughput, f"run_{name}")(quick)
    if name == "load":
        import bench_load

        return bench_load.run(quick)
    if name == "jobs-page":
        import bench_jobs_page

        return bench_jobs_page.run(quick)
    if name == "prune":
        import bench_prune

        return bench_prune.run(quick)
    if name == "import":
        return _import_rows(10_000 if quick else 100_000)
    if name == "tree":
        return _tree_rows(10_000 if quick else 100_000)
    import bench_finding_aid

    return bench_finding_aid.run_comparison(quick)


def _import_rows(rows: int) -> list[dict]:
    """AtoM CSV import, each run in a fresh process (its peak memory is its own)."""
    import json
    import subprocess

    results = []
    for database in ("sqlite", "postgresql"):
        out = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("bench_import.py")), "--one", database, str(rows)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        run = json.loads(out.strip().splitlines()[-1])
        results.append(
            {
                "bench": "import",
                "figure": f"{database} CSV import, {rows:,} rows",
                "value": run["rows_per_s"],
                "unit": "rows/s",
                "target": f">= {IMPORT_TARGET:,}",
                "ok": run["rows_per_s"] >= IMPORT_TARGET,
            }
        )
        results.append(
            {
                "bench": "import",
                "figure": f"{database} Undo of that import (deletes {rows:,} records)",
                "value": run["undo_seconds"],
                "unit": "s",
                "baseline": run["undo_sql_seconds"],
                "baseline_text": f"bare SQL {run['undo_sql_seconds']} s (ratio {run['undo_ratio']})",
            }
        )
        results.append(
            {
                "bench": "import",
                "figure": f"{database} memory growth, {rows:,} rows",
                "value": run["rss_growth_mb"],
                "unit": "MB",
                "target": "flat in file size",
            }
        )
    return results


def _tree_target(label: str) -> float:
    """A form's preview answers while the user waits: 1 s; a tree-wide job: 2 s."""
    return 1.0 if label.startswith("preview") else TREE_TARGET_S


def _tree_rows(total: int) -> list[dict]:
    """Publication status and rights inheritance over a tree of ``total`` descendants."""
    import bench_tree

    return [
        {
            "bench": "tree",
            "figure": f"{database}: {label}",
            "value": round(seconds, 2),
            "unit": "s",
            "target": f"<= {_tree_target(label)} s",
            "ok": seconds <= _tree_target(label),
        }
        for database, timings in bench_tree.run_both(total, statements=1).items()
        for label, seconds in timings
    ]


def table(results: list[dict]) -> str:
    """One line per figure: value beside its baseline or target, and whether it meets it."""
    lines = [f"{'bench':<12} {'figure':<52} {'value':>12} {'unit':<7} {'baseline / target':<28} ok"]
    for row in results:
        value = row["value"]
        shown = (f"{value:,.2f}" if value < 10 else f"{value:,.1f}") if isinstance(value, float) else f"{value:,}"
        against = row.get("baseline_text") or row.get("target", "")
        ok = {True: "yes", False: "NO"}.get(row.get("ok"), "")
        lines.append(f"{row['bench']:<12} {row['figure'][:52]:<52} {shown:>12} {row['unit']:<7} {against:<28} {ok}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    parser.add_argument("what", choices=(*SUBCOMMANDS, "all"))
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer runs (a smoke test)")
    args = parser.parse_args()
    names = SUBCOMMANDS if args.what == "all" else (args.what,)
    results: list[dict] = []
    for name in names:
        ours, against = COMPARED[name]
        print(f"== {name}{' (quick)' if args.quick else ''}\n   ours:    {ours}\n   against: {against}", flush=True)
        results += _run(name, args.quick)
    print(table(results))
    out_dir = PROJECT / "bench-results"
    out_dir.mkdir(exist_ok=True)
    out = out_dir / f"{time.strftime('%Y%m%d-%H%M%S')}-{args.what}{'-quick' if args.quick else ''}.json"
    out.write_text(
        json.dumps(
            {"machine": platform.node(), "python": sys.version.split()[0], "quick": args.quick, "results": results},
            indent=2,
        )
    )
    print(f"saved {out.relative_to(PROJECT)}")
    return 0 if all(row.get("ok", True) for row in results) else 1


if __name__ == "__main__":
    sys.exit(main())
