"""Time a PDF (or RTF) finding aid for an N-description tree: seconds, pages, peak RSS.

    .venv/bin/python scripts/bench_finding_aid.py [N=3000] [pdf|rtf] [--keep OUT]

The tree (fonds > series > file > item, realistic text) goes into a temporary SQLite
database; the render runs in a child process so the peak RSS is the renderer's alone,
not the tree builder's.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

LOREM = (
    "Correspondence, minutes and reports of the committee, including drafts of the annual "
    "report, letters from members about the reorganisation of the branch offices, and "
    "photographs of the opening of the new building. Some items are damaged by water."
)


def make_app(db_path: Path, **config):
    """A bare Flask app with the project's templates and db: all the renderer needs."""
    from flask import Flask

    import models  # noqa: F401
    from actors.formats.note_text import note_blocks
    from config import finding_aid_tagged_max
    from extensions import babel, db

    app = Flask("archive_jobs_bench", root_path=str(PROJECT), template_folder="templates")
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"
    app.config["FINDING_AID_TAGGED_MAX"] = finding_aid_tagged_max()
    app.config.update(config)
    db.init_app(app)
    babel.init_app(app)  # the finding aid's headings are translated
    app.jinja_env.filters["note_blocks"] = note_blocks  # (as app.register_template_helpers does)
    return app


def tree_rows(n: int) -> list[dict]:
    """n descriptions: a fonds, series of up to 20 files, files of up to 10 items; nested-set numbered."""
    nodes: list[dict] = []

    def node(parent: dict | None, level: str, title: str) -> dict:
        number = len(nodes) + 1
        row = {
            "id": number,
            "parent_id": parent["id"] if parent else None,
            "depth": parent["depth"] + 1 if parent else 0,
            "level_of_description": level,
            "title": title,
            "slug": f"d-{number}",
            "identifier": f"{parent['identifier']}-{len(parent['children']) + 1}" if parent else "F1",
            "dates": "1921-1968",
            "extent_and_medium": "3 boxes (0.4 linear metres); paper",
            "scope_and_content": LOREM,
            "arrangement": None if level == "item" else "Chronological.",
            "children": [],
        }
        nodes.append(row)
        if parent:
            parent["children"].append(row)
        return row

    fonds = node(None, "fonds", "Fonds of the Northern Railway Workers' Union")
    series = file = None
    while len(nodes) < n:
        if series is None or (file is not None and len(file["children"]) >= 10 and len(series["children"]) >= 20):
            series, file = node(fonds, "series", f"Series {len(fonds['children']) + 1}: branch records"), None
        elif file is None or len(file["children"]) >= 10:
            file = node(series, "file", f"File {series['identifier']}-{len(series['children']) + 1}: correspondence")
        else:
            node(file, "item", f"Letter {file['identifier']}-{len(file['children']) + 1}")
    counter = 0

    def number(row: dict) -> None:
        nonlocal counter
        counter += 1
        row["lft"] = counter
        for child in row["children"]:
            number(child)
        counter += 1
        row["rgt"] = counter

    number(fonds)
    for row in nodes:
        del row["children"]
    return nodes


def build(db_path: Path, n: int) -> int:
    from sqlalchemy import insert

    from extensions import db
    from models import ArchivalDescription

    app = make_app(db_path)
    with app.app_context():
        db.create_all()
        db.session.execute(insert(ArchivalDescription), tree_rows(n))
        db.session.commit()
    return 1


def _render(db_path: str, fmt: str, out: str, queue) -> None:
    from actors.rendering.finding_aid import render_finding_aid
    from config import finding_aid_processes

    app = make_app(Path(db_path), FINDING_AID_PROCESSES=finding_aid_processes())
    calls: list[tuple[int, int]] = []
    with app.app_context():
        started = time.perf_counter()
        pages = render_finding_aid(1, fmt, Path(out), lambda done, total: calls.append((done, total)))
        seconds = time.perf_counter() - started
    queue.put((seconds, pages, len(calls), calls[-1]))


def _variant(db_path: str, variant: str, out: str, queue) -> None:
    """One render in a child process: ours (default settings), ours in one process, or naive (one
    document), each tagged for screen readers exactly when ours is (FINDING_AID_TAGGED_MAX)."""
    from config import finding_aid_processes

    app = make_app(Path(db_path), FINDING_AID_PROCESSES=1 if variant == "one-process" else finding_aid_processes())
    with app.app_context():
        tagged = _tagged(app)  # (before the clock: ours decides it inside its render, from the same count)
        started = time.perf_counter()
        if variant == "naive":
            pages = _naive(out, tagged=tagged)
        else:
            from actors.rendering.finding_aid import render_finding_aid

            pages = render_finding_aid(1, "pdf", Path(out), lambda done, total: None)
        queue.put((time.perf_counter() - started, pages))


def _tagged(app) -> bool:
    """Whether our render of this tree is tagged: the rule and the count of actors.rendering.finding_aid."""
    from actors.rendering.scope import Scope
    from extensions import db
    from models import ArchivalDescription

    return Scope().count(db.session.get(ArchivalDescription, 1)) <= app.config["FINDING_AID_TAGGED_MAX"]


def _naive(out: str, tagged: bool) -> int:
    """The same content as one WeasyPrint document: every description in one HTML, tagged as ours is."""
    from flask import render_template
    from weasyprint import CSS, HTML

    from actors.rendering.finding_aid import front_matter, is_series, starts_section
    from extensions import db
    from models import ArchivalDescription
    from models.description_related import related_of

    root = db.session.get(ArchivalDescription, 1)
    units = [unit for unit in db.session.scalars(root.subtree()) if unit.id != root.id]
    html = render_template(
        "finding_aid/chunk.html",
        units=units,
        first=True,
        root=root,
        generated="today",
        has_descendants=bool(units),
        summary=False,
        related=related_of(units, {}),
        starts_section=lambda unit: starts_section(root, unit),
        is_series=lambda unit: is_series(root, unit),
        **front_matter(root),
    )
    document = HTML(string=html, base_url=str(PROJECT)).render(
        stylesheets=[CSS(string=render_template("finding_aid/style.css"))]
    )
    document.write_pdf(out, pdf_tags=tagged)
    return len(document.pages)


def run_comparison(quick: bool = False) -> list[dict]:
    """scripts/bench finding-aid: ours vs a naive single document, time and peak RSS of the process tree."""
    from bench_common import PeakSampler

    from config import finding_aid_processes, finding_aid_tagged_max

    n = 600 if quick else 3000
    both = "tagged" if n <= finding_aid_tagged_max() else "untagged"  # ours and the baseline alike
    rows: dict[str, tuple[float, int, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-finding-aid-") as work:
        db_path = Path(work) / "bench.db"
        build(db_path, n)
        context = multiprocessing.get_context("spawn")
        for variant in ("ours", "naive", "one-process"):
            queue = context.Queue()
            child = context.Process(
                target=_variant, args=(str(db_path), variant, str(Path(work) / f"{variant}.pdf"), queue)
            )
            child.start()
            with PeakSampler(child.pid) as sampler:
                seconds, pages = queue.get()
            child.join()
            rows[variant] = (seconds, pages, sampler.peak / 2**20)
            print(f"  {variant}: {seconds:.1f} s, {pages} pages, peak {sampler.peak / 2**20:.0f} MB", flush=True)
    ours, naive, single = rows["ours"], rows["naive"], rows["one-process"]
    ratio = ours[0] / naive[0]
    processes = finding_aid_processes()
    return [
        {
            "bench": "finding-aid",
            "figure": f"{n} descriptions, {both} PDF: ours (default, {processes} helper processes), s",
            "value": round(ours[0], 1),
            "unit": "s",
            "baseline": round(naive[0], 1),
            "ratio": round(ratio, 2),
            "baseline_text": f"one {both} WeasyPrint document {naive[0]:.1f} s (ratio {ratio:.2f}, target <= 0.5)",
            "ok": ratio <= 0.5,
        },
        {
            "bench": "finding-aid",
            "figure": f"{n} descriptions, {both} PDF: peak RSS of ours (all processes)",
            "value": round(ours[2]),
            "unit": "MB",
            "baseline": round(naive[2]),
            "baseline_text": f"one {both} WeasyPrint document {naive[2]:.0f} MB (target <= 300)",
            "ok": ours[2] <= 300,
        },
        {
            "bench": "finding-aid",
            "figure": f"{n} descriptions, {both} PDF: ours in one process (FINDING_AID_PROCESSES=1), s",
            "value": round(single[0], 1),
            "unit": "s",
            "baseline_text": f"peak {single[2]:.0f} MB, {single[1]} pages",
        },
        {
            "bench": "finding-aid",
            "figure": f"{n} descriptions: pages ours / naive",
            "value": ours[1],
            "unit": "pages",
            "baseline_text": f"one {both} WeasyPrint document: {naive[1]} pages",
            "ok": ours[1] == naive[1],
        },
    ]


def main() -> None:
    from bench_common import PeakSampler

    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=3000)
    parser.add_argument("fmt", nargs="?", default="pdf", choices=("pdf", "rtf"))
    parser.add_argument("--keep", help="copy the finding aid here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-finding-aid-") as work:
        db_path = Path(work) / "bench.db"
        started = time.perf_counter()
        build(db_path, args.n)
        print(f"built {args.n} descriptions in {time.perf_counter() - started:.1f} s", flush=True)
        out = Path(args.keep) if args.keep else Path(work) / f"finding-aid.{args.fmt}"
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        child = context.Process(target=_render, args=(str(db_path), args.fmt, str(out), queue))
        child.start()
        with PeakSampler(child.pid) as sampler:
            child.join()
        if child.exitcode != 0 or queue.empty():
            sys.exit(f"render failed (exit code {child.exitcode})")
        seconds, pages, progress_calls, last = queue.get()
        size_mib = out.stat().st_size / 2**20
        print(
            f"{args.fmt} n={args.n}: {seconds:.1f} s, pages={pages}, size={size_mib:.1f} MiB, "
            f"peak RSS (all processes)={sampler.peak / 2**20:.0f} MiB, progress calls={progress_calls}, last={last}"
        )


if __name__ == "__main__":
    main()
