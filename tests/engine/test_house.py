"""The house plan, checked from the code: no import circle, one writer of a job's status,
the in-job API apart from the engine. Read with ``ast``: nothing here imports the modules."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("actors", "blueprints", "commands", "models")
TOP_MODULES = ("app", "config", "extensions")
LIFECYCLE = "actors.engine.lifecycle"
# Fabricated finished history for `flask demo jobs` and the benchmarks: rows inserted as they
# ended, never a change of an existing job's status.
HISTORY_INSERTS = {"commands.demo_data"}
# Function-local imports of the project's own modules, each for a reason that is not a circle.
LAZY_IMPORTS = {
    ("actors.finding_aid", "actors.rendering.finding_aid"): "WeasyPrint is imported where it renders, not by the web",
}


def project_modules() -> dict[str, Path]:
    modules = {name: ROOT / f"{name}.py" for name in TOP_MODULES}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


MODULES = project_modules()


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports(name: str, path: Path) -> Iterator[tuple[str, bool]]:
    """(imported project module, whether the import is inside a function), TYPE_CHECKING aside."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def visit(node: ast.AST, in_function: bool) -> Iterator[tuple[str, bool]]:
        for child in ast.iter_child_nodes(node):
            if _is_type_checking(child):
                continue
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            targets: list[str] = []
            if isinstance(child, ast.Import):
                targets = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join(parts + ([child.module] if child.module else []))
                targets = [f"{base}.{alias.name}" for alias in child.names] + [base]
            for target in targets:
                while target and target not in MODULES:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    yield target, inside
            yield from visit(child, inside)

    yield from visit(ast.parse(path.read_text(), str(path)), False)


def import_graph() -> dict[str, set[str]]:
    return {name: {target for target, _ in imports(name, path)} for name, path in MODULES.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_checker_finds_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_in_the_project() -> None:
    assert cycles(import_graph()) == []


def test_no_function_local_import_of_the_project_but_the_listed_lazy_ones() -> None:
    local = {(name, target) for name, path in MODULES.items() for target, inside in imports(name, path) if inside}
    assert local == set(LAZY_IMPORTS)


def test_the_in_job_api_imports_nothing_of_the_project_but_the_model() -> None:
    assert {target for target, _ in imports("actors.engine.context", MODULES["actors.engine.context"])} <= {
        "models",
        "models.job",
    }


@pytest.mark.parametrize("room", ["models", "actors.engine"])
def test_rooms_never_reach_back_up(room: str) -> None:
    """Models import no actors, blueprints or commands; the engine imports no job type or view."""
    allowed_from_engine = {"actors.registry"}  # the runtime declares one actor per registered type
    graph = import_graph()
    for name, targets in graph.items():
        if name != room and not name.startswith(room + "."):
            continue
        for target in targets:
            assert not target.startswith(("blueprints", "commands")), (name, target)
            if room == "models":
                assert not target.startswith("actors"), (name, target)
            elif target.startswith("actors.") and not target.startswith("actors.engine"):
                assert target in allowed_from_engine and name == "actors.engine.runtime", (name, target)


def status_writes(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Places that set a job's status: ``.values(status=...)``, ``x.status = JobStatus...``,
    a ``{"status": JobStatus...}`` row, ``Job(status=...)``, an INSERT into the jobs table."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("values", "Job") and any(keyword.arg == "status" for keyword in node.keywords):
                yield node.lineno, ast.unparse(node)[:80]
            if name == "insert" and node.args and ast.unparse(node.args[0]).startswith(("Job", "_jobs")):
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
        assert places and all("insert" in text.lower() for _, text in places), places
