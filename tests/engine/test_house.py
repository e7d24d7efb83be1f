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
    ("actors.jobs.finding_aid", "actors.rendering.finding_aid"): "WeasyPrint loads where it renders, not in the web",
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


ENGINE_FOR_PAGES = ("actors.engine", "actors.engine.launching", "actors.engine.lifecycle", "actors.engine.clearing")
SHARED = ("models", "extensions", "config", "actors.wording")
# What each room may import besides itself: data flows one way, and no room reaches back up.
ROOMS: dict[str, tuple[str, ...]] = {
    "models": ("models", "extensions"),
    "actors.wording": (),
    "actors.engine": (*SHARED, "actors.registry"),  # (the runtime: one actor per registered type)
    "actors.registry": (*SHARED, "actors.jobs"),
    "actors.jobs": (*SHARED, "actors.engine.context", "actors.formats", "actors.ledger", "actors.rendering"),
    "actors.formats": (*SHARED, "actors.engine.context", "actors.ledger"),  # an import writes the ledger
    "actors.ledger": (*SHARED, "actors.engine.context", "actors.formats.spreadsheet"),
    "actors.rendering": (*SHARED, "actors.formats.spreadsheet", "actors.formats.note_text"),
    # The web and the CLI launch and follow jobs, never run one's code: no module of actors.jobs.
    "blueprints": (
        *SHARED,
        *ENGINE_FOR_PAGES,
        "actors.registry",
        "actors.formats",
        "actors.ledger",
        "actors.rendering",
    ),
    "commands": (
        *SHARED,
        *ENGINE_FOR_PAGES,
        "actors.engine.runtime",  # `flask jobs worker` starts the workers
        "actors.engine.worker",
        "actors.registry",
        "actors.formats",
        "actors.ledger",
    ),
}
# Inside actors.jobs, a job type imports what they share, never another job type.
SHARED_BY_JOB_TYPES = ("actors.jobs", "actors.jobs.forms", "actors.jobs.records")


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def room_of(name: str) -> str | None:
    """The longest room a module belongs to (actors.engine.lifecycle is in actors.engine)."""
    rooms = [room for room in ROOMS if _within(name, (room,))]
    return max(rooms, key=len) if rooms else None


def test_every_module_of_actors_models_blueprints_and_commands_has_a_room() -> None:
    homeless = [name for name in MODULES if name.split(".")[0] in PACKAGES and name != "actors" and not room_of(name)]
    assert homeless == []


@pytest.mark.parametrize("room", sorted(ROOMS))
def test_rooms_import_only_what_the_plan_allows(room: str) -> None:
    reaching = {
        (name, target)
        for name, targets in import_graph().items()
        if room_of(name) == room
        for target in targets
        if room_of(target) != room and not _within(target, ROOMS[room])
    }
    assert reaching == set()


def test_a_job_type_imports_no_other_job_type() -> None:
    reaching = {
        (name, target)
        for name, targets in import_graph().items()
        if room_of(name) == "actors.jobs"
        for target in targets
        if room_of(target) == "actors.jobs" and target not in SHARED_BY_JOB_TYPES
    }
    assert reaching == set()


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
        if not _within(name, ("actors.engine", "models", *HISTORY_INSERTS))
    }
    assert {name: places for name, places in writers.items() if places} == {}


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
