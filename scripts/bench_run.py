"""`scripts/bench SUBCOMMAND [--quick]`: run benchmarks, print a table, save JSON under bench-results/."""
from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

from bench_common import PROJECT

SUBCOMMANDS = ("throughput", "latency", "jobs-page", "finding-aid")


def _run(name: str, quick: bool) -> list[dict]:
    if name in ("throughput", "latency"):
        import bench_throughput

        return getattr(bench_throughput, f"run_{name}")(quick)
    if name == "jobs-page":
        import bench_jobs_page

        return bench_jobs_page.run(quick)
    import bench_finding_aid

    return bench_finding_aid.run_comparison(quick)


def table(results: list[dict]) -> str:
    """One line per figure: value beside its baseline or target, and whether it meets it."""
    lines = [f"{'bench':<12} {'figure':<52} {'value':>12} {'unit':<7} {'baseline / target':<28} ok"]
    for row in results:
        value = row["value"]
        shown = f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"
        against = row.get("baseline_text") or row.get("target", "")
        ok = {True: "yes", False: "NO"}.get(row.get("ok"), "")
        lines.append(f"{row['bench']:<12} {row['figure'][:52]:<52} {shown:>12} {row['unit']:<7} {against[:28]:<28} {ok}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    parser.add_argument("what", choices=SUBCOMMANDS + ("all",))
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer runs (a smoke test)")
    args = parser.parse_args()
    names = SUBCOMMANDS if args.what == "all" else (args.what,)
    results: list[dict] = []
    for name in names:
        print(f"== {name}{' (quick)' if args.quick else ''} ...", flush=True)
        results += _run(name, args.quick)
    print(table(results))
    out_dir = PROJECT / "bench-results"
    out_dir.mkdir(exist_ok=True)
    out = out_dir / f"{time.strftime('%Y%m%d-%H%M%S')}-{args.what}{'-quick' if args.quick else ''}.json"
    out.write_text(json.dumps({"machine": platform.node(), "python": sys.version.split()[0], "quick": args.quick,
                               "results": results}, indent=2))
    print(f"saved {out.relative_to(PROJECT)}")
    return 0 if all(row.get("ok", True) for row in results) else 1


if __name__ == "__main__":
    sys.exit(main())
