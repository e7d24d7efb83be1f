"""Pass 1 of an import: check every row and work out the shape of the imported tree.

Only the structure is kept — a few integers per row in ``array``s, plus the legacyId map
children need to find their parents — never the rows' text, so memory grows by tens of
bytes per row, not with the size of the file. From it come the nested-set numbers of the
new records, so pass 2 can insert every row once, with its final lft/rgt/depth.
"""

from __future__ import annotations

from array import array
from collections import Counter, OrderedDict

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from actors.formats.place import located
from actors.formats.rows import Row
from extensions import db
from models.description import ArchivalDescription as D

MATCH_MODES = ("skip", "update", "new")
KEPT_PROBLEMS = 1000  # shown in the output; beyond that, only counted


class Plan:
    """Per row i: its parent row (or -1), the existing record it hangs from, the one it matches."""

    def __init__(self, parent_id: int | None, match_mode: str) -> None:
        self.parent_id = parent_id  # the chosen parent (None: top level)
        self.match_mode = match_mode
        self.parent = array("q")  # index of the parent row, -1: under an existing record / top level
        self.anchor = array("q")  # that existing record's id (0: top level), when parent == -1
        self.match = array("q")  # the existing record this row matches (0: none, a new record)
        self.keys: dict[str, int] = {}
        self.problems: list[str] = []
        self.problem_count = 0
        self.warnings: Counter[str] = Counter()  # kind -> how many (each printed, up to KEPT_PROBLEMS)
        self.attachments: set[int] = set()  # existing records (0: top level) new sub-trees hang from
        self.first_top_level: int | None = None  # the first top-level record (existing id or -index-1)
        self._slugs: dict[str, int | None] = {}
        self._updated: dict[int, str] = {}  # match "update": existing record -> the row that updates it
        self._children: OrderedDict[int, dict[str, int]] = OrderedDict()

    @property
    def count(self) -> int:
        return len(self.parent)

    def is_new(self, i: int) -> bool:
        return self.match[i] == 0

    def report(self, problem: str) -> None:
        self.problem_count += 1
        if len(self.problems) < KEPT_PROBLEMS:
            self.problems.append(problem)

    def warn(self, kind: str, text: str) -> None:
        self.warnings[kind] += 1
        if self.warning_count <= KEPT_PROBLEMS:
            print(_("Warning: %(text)s", text=text))

    @property
    def warning_count(self) -> int:
        return sum(self.warnings.values())

    def warnings_summary(self) -> str:
        """ "12 warnings: date not understood (9), untitled component (3)"."""
        count = self.warning_count
        if not count:
            return _("no warnings")
        kinds = ", ".join(f"{kind} ({n})" for kind, n in self.warnings.most_common())
        return ngettext(
            "%(count)s warning: %(kinds)s",
            "%(count)s warnings: %(kinds)s",
            count,
            count=format_decimal(count),
            kinds=kinds,
        )

    def warnings_note(self) -> str:
        """ ", 3 warnings (see details)": what the Info adds after its summary."""
        count = self.warning_count
        if not count:
            return ""
        return ngettext(", %(count)s warning (see details)", ", %(count)s warnings (see details)", count,
                        count=format_decimal(count))  # fmt: skip

    def checked_summary(self, records: str) -> str:
        """ "Checked 720 rows: 2 problems, no warnings.", in the job's language."""
        count = self.problem_count
        problems = ngettext("%(count)s problem", "%(count)s problems", count, count=format_decimal(count))
        return _("Checked %(records)s: %(problems)s, %(warnings)s.", records=records,
                 problems=problems if count else _("no problems"), warnings=self.warnings_summary())  # fmt: skip

    def failure(self) -> str:
        """Why an import wrote nothing: its first problem, and how many more."""
        more = self.problem_count - 1
        note = ""
        if more:
            note = ngettext(
                " (and %(count)s more problem: see the output)",
                " (and %(count)s more problems: see the output)",
                more,
                count=format_decimal(more),
            )
        return _("%(problem)s%(more)s. Nothing was imported.", problem=self.problems[0], more=note)

    def add(self, row: Row, identifier: str | None) -> None:
        """Resolve the row's parent and its match; record problems (with their place in the file)."""
        i = self.count
        for problem in row.problems:
            self.report(problem)
        parent, anchor = self._parent_of(row)
        if row.key is not None:
            if row.key in self.keys:
                self.report(located(row.where, _("legacyId %(key)s is used by an earlier row too", key=row.key)))
            else:
                self.keys[row.key] = i
        under = anchor if parent == -1 else self.match[parent]  # an existing record this row is under
        match = self._match_of(row, identifier, under) if parent == -1 or under else 0
        self.parent.append(parent)
        self.anchor.append(anchor if parent == -1 else 0)
        self.match.append(match)
        if match == 0 and (parent == -1 or under):
            self.attachments.add(under)
        if self.first_top_level is None and parent == -1:
            self.first_top_level = match or -(i + 1)

    def _parent_of(self, row: Row) -> tuple[int, int]:
        """Where the row hangs: (its parent row's index, -1: none; when none, the existing record it
        hangs from, 0: top level). A parent named both ways, or not found, is a problem."""
        parent, anchor = -1, self.parent_id or 0
        if row.parent_key is not None and row.parent_slug is not None:
            self.report(located(row.where, _("parentId and qubitParentSlug are both set; use one of them")))
        elif row.parent_key is not None:
            parent = self.keys.get(row.parent_key, -2)
            if parent == -2:
                self.report(located(row.where, _("parentId %(key)s refers to no earlier row", key=row.parent_key)))
                parent = -1
        elif row.parent_slug is not None:
            anchor = self._slug_id(row.parent_slug) or 0
            if not anchor:
                self.report(
                    located(row.where, _("qubitParentSlug “%(slug)s” matches no description", slug=row.parent_slug))
                )
        return parent, anchor

    def _match_of(self, row: Row, identifier: str | None, under: int) -> int:
        """The existing child of ``under`` (0: top level) with the row's identifier (0: none, or match
        "new"). Updating, two rows that match the one record are a problem: both would update it."""
        if self.match_mode == "new" or not identifier:
            return 0
        match = self._children_of(under).get(identifier, 0)
        if match and self.match_mode == "update":
            first = self._updated.setdefault(match, row.where)
            if first != row.where:
                said = _(
                    "identifier %(identifier)s under the same parent is on %(first)s too: both would update the one "
                    "existing record",
                    identifier=identifier,
                    first=first,
                )
                self.report(located(row.where, said))
        return match

    def _slug_id(self, slug: str) -> int | None:
        if slug not in self._slugs:
            self._slugs[slug] = db.session.scalar(select(D.id).where(D.slug == slug))
        return self._slugs[slug]

    def _children_of(self, parent_id: int) -> dict[str, int]:
        """identifier -> id of the existing children of a record (0: top level), first in tree order."""
        if parent_id in self._children:
            self._children.move_to_end(parent_id)
            return self._children[parent_id]
        where = D.parent_id.is_(None) if parent_id == 0 else D.parent_id == parent_id
        children: dict[str, int] = {}
        for identifier, child_id in db.session.execute(
            select(D.identifier, D.id).where(where, D.identifier.is_not(None)).order_by(D.lft.desc())
        ):
            assert identifier is not None  # (the query leaves NULL identifiers out)
            children[identifier] = child_id
        self._children[parent_id] = children
        if len(self._children) > 64:
            self._children.popitem(last=False)
        return children

    def number(self) -> tuple[array, array, array]:
        """Nested-set offsets of the new records: (lft offset from 0, rgt offset, depth below the attachment).

        File order is sibling order; a row's parent always comes earlier in the file.
        """
        n = self.count
        size = array("q", [0]) * n
        for i in range(n - 1, -1, -1):
            if self.match[i] == 0:
                size[i] += 1
                p = self.parent[i]
                if p >= 0 and self.match[p] == 0:
                    size[p] += size[i]
        lft, depth, next_child = array("q", [0]) * n, array("q", [0]) * n, array("q", [0]) * n
        cursor = 0
        for i in range(n):
            if self.match[i] != 0:
                continue
            p = self.parent[i]
            if p >= 0 and self.match[p] == 0:
                lft[i], depth[i] = next_child[p], depth[p] + 1
                next_child[p] += 2 * size[i]
            else:
                lft[i] = cursor
                cursor += 2 * size[i]
            next_child[i] = lft[i] + 1
        for i in range(n):  # reuse size as rgt offsets
            size[i] = lft[i] + 2 * size[i] - 1
        return lft, size, depth

    @property
    def new_count(self) -> int:
        return sum(1 for m in self.match if m == 0)
