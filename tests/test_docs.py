"""The manual stays true to the code: every link of the README and docs/ leads somewhere, and
every module path it names exists (a move of a module must move its mention too)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
# Folders the tests write (ignored by git): named in the manual, there only after a run.
WRITTEN_BY_TESTS = ("tests/browser/screenshots",)
MODULE_PATH = re.compile(r"(?<![\w/.-])((?:actors|blueprints|commands|models|scripts|tests|deploy)/[\w/.-]*\w)")


def anchors(page: Path) -> set[str]:
    """GitHub's anchors of a page's headings: lower case, punctuation dropped, spaces as hyphens."""
    found = set()
    for heading in re.findall(r"^#+ (.+)$", page.read_text(), re.M):
        text = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
        found.add(text.replace(" ", "-"))
    return found


def test_the_readme_is_a_front_door() -> None:
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 200
    assert "scripts/serve" in readme
    assert "scripts/test" in readme
    linked = {target.split("#")[0] for target in LINK.findall(readme)}
    assert {f"docs/{page.name}" for page in PAGES[1:]} <= linked  # every page of the manual


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_relative_link_resolves(page: Path) -> None:
    broken = []
    for target in LINK.findall(page.read_text()):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists() or (anchor and linked.suffix == ".md" and anchor not in anchors(linked)):
            broken.append(target)
    assert broken == []


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_path_of_the_code_named_exists(page: Path) -> None:
    named = {match.rstrip(".") for match in MODULE_PATH.findall(page.read_text())}
    missing = sorted(
        path
        for path in named
        if "*" not in path
        and not path.startswith(WRITTEN_BY_TESTS)
        and not (ROOT / path).exists()
        and not (ROOT / f"{path}.py").exists()  # (.py: a module)
    )
    assert missing == []
