"""The house plan, checked from the code: no import circle, one writer of a job's status,
the in-job API apart from the engine. Read with ``ast``: nothing here imports the modules."""

from __future__ import annotations

import pytest

from tests.house_graph import MODULES, PACKAGES, cycles, import_graph, imports, within

# Function-local imports of the project's own modules, each for a reason that is not a circle.
LAZY_IMPORTS = {
    ("actors.jobs.finding_aid", "actors.rendering.finding_aid"): "WeasyPrint loads where it renders, not in the web",
}


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
    # (the runtime: one actor per registered type; the jobs' history CSV, which a prune archives)
    "actors.engine": (*SHARED, "actors.registry", "actors.formats.spreadsheet"),
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


def room_of(name: str) -> str | None:
    """The longest room a module belongs to (actors.engine.lifecycle is in actors.engine)."""
    rooms = [room for room in ROOMS if within(name, (room,))]
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
        if room_of(target) != room and not within(target, ROOMS[room])
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
