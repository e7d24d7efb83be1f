"""The house plan's rules on writes, checked from the code: one writer of a job's status (the
lifecycle), and job rows written only by the engine and the models (a job type through the
fenced in-job API)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from tests.house_graph import HISTORY_INSERTS, LIFECYCLE, MODULES, within

JOB_TABLE = ("Job", "_jobs", "Job.__table__")


def job_row_writes(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """``update(Job)``, ``insert(Job)``, ``delete(Job)`` (or of the jobs table): a write of job rows."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("update", "insert", "delete") and ast.unparse(node.args[0]) in JOB_TABLE:
                yield node.lineno, ast.unparse(node)[:80]


def test_only_the_engine_and_the_model_write_job_rows() -> None:
    """A job type writes its result or its record through actors.engine.context (set_result,
    set_record), fenced by the attempt it claimed, never with a statement of its own."""
    assert sorted(line for line, _ in job_row_writes(ast.parse("update(Job).values(a=1)\ndelete(_jobs)"))) == [1, 2]
    writers = {
        name: list(job_row_writes(ast.parse(path.read_text())))
        for name, path in MODULES.items()
        if not within(name, ("actors.engine", "models", *HISTORY_INSERTS))
    }
    assert {name: places for name, places in writers.items() if places} == {}


def status_writes(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Places that set a job's status: ``.values(status=...)``, ``x.status = JobStatus...``,
    a ``{"status": JobStatus...}`` row, ``Job(status=...)``, an INSERT into the jobs table."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_sets_status(node):
            yield node.lineno, ast.unparse(node)[:80]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "INSERT INTO jobs" in node.value:
            yield node.lineno, node.value.strip()[:80]
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Attribute) and t.attr == "status" for t in targets) and "JobStatus" in ast.unparse(
                node.value or ast.Constant(None)
            ):
                yield node.lineno, ast.unparse(node)[:80]
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "status" and "JobStatus" in ast.unparse(value):
                    yield node.lineno, ast.unparse(node)[:80]


def _call_sets_status(call: ast.Call) -> bool:
    """``.values(status=...)``, ``Job(status=...)``, or an insert into the jobs table."""
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    if name in ("values", "Job"):
        return any(keyword.arg == "status" for keyword in call.keywords)
    return name == "insert" and bool(call.args) and ast.unparse(call.args[0]).startswith(("Job", "_jobs"))


def test_the_checker_sees_each_kind_of_status_write() -> None:
    source = """
update(Job).values(status=JobStatus.ERROR)
job.status = JobStatus.CANCELED
rows = {"status": JobStatus.COMPLETED}
Job(id=1, status=JobStatus.QUEUED)
insert(Job).values(rows)
text("INSERT INTO jobs (type, status) VALUES ('x', 'error')")
"""
    assert sorted(line for line, _ in status_writes(ast.parse(source))) == [2, 3, 4, 5, 6, 7]


def test_only_the_lifecycle_writes_a_jobs_status() -> None:
    writers = {
        name: list(status_writes(ast.parse(path.read_text())))
        for name, path in MODULES.items()
        if name != LIFECYCLE and not name.startswith(f"{LIFECYCLE}.") and name not in HISTORY_INSERTS
    }
    assert {name: places for name, places in writers.items() if places} == {}
    assert list(status_writes(ast.parse(MODULES[LIFECYCLE].read_text())))  # it is where they went
    for name in HISTORY_INSERTS:  # the exemption is still needed, and only for inserts
        places = list(status_writes(ast.parse(MODULES[name].read_text())))
        assert places
        assert all("insert" in text.lower() for _, text in places), places
