"""WeasyPrint in helper processes, one chunk at a time on each, several chunks at once.

The pools run what lanes.lay_out_lanes asks: start(slot, task, chunk) hands a chunk to
a slot, next_laid() returns the first slot whose chunk is laid out (its carry and page
count, needed before that lane's next chunk), and the chunk's bookmarks arrive once its
PDF is written. LocalPool is one slot in this process; ChunkPool is one helper process
per slot, so independent lanes lay out side by side and a helper writes its chunk
while the main process prepares the next. Helpers get the chunk's HTML as a file and
send back small answers; the main process keeps streaming rows and assembling.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import traceback
from collections import deque
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # (helpers never load pikepdf)
    from actors.rendering.pdf_pages import Chunk


@dataclass
class ChunkTask:
    html: str  # the chunk's HTML, or (html_file set) empty
    unit_ids: list[int]  # in order: anchors u<id> / e<id> mark each unit's start / end
    may_carry: bool  # False for the last chunk of a lane: nothing follows it
    path: str  # where to write the chunk's PDF
    html_file: str | None = None  # read the HTML from here (what helper processes get)
    listed: list[int] = field(default_factory=list)  # units whose page a table of contents needs


@dataclass
class Laid:
    """What the main process needs before it can start the next chunk."""

    carried: int  # how many of the chunk's last units move to the next chunk
    pages: int  # pages kept in this chunk
    found: list[tuple[int, int]] = field(default_factory=list)  # (listed unit kept here, its page index)


class ChunkRenderer:
    """Lays out a chunk (render), then writes it (write); small whole documents (footers, title
    page, contents) on demand."""

    def __init__(self, css: str, base_url: str, tagged: bool = True) -> None:
        self.css, self.base_url, self.tagged = css, base_url, tagged
        self._stylesheet: Any = None
        self._document: Any = None
        self._path = ""

    def render(self, task: ChunkTask) -> Laid:
        from weasyprint import CSS, HTML

        if self._stylesheet is None:
            self._stylesheet = CSS(string=self.css)
        html = Path(task.html_file).read_text(encoding="utf-8") if task.html_file else task.html
        document = HTML(string=html, base_url=self.base_url).render(stylesheets=[self._stylesheet])
        carried = units_to_carry(document, task.unit_ids) if task.may_carry else 0
        if carried:
            document = document.copy(document.pages[:-1])
        self._document, self._path = document, task.path
        return Laid(carried, len(document.pages), pages_of(document, task.listed))

    def write(self) -> list[tuple[str, int]]:
        """Write the chunk laid out last; its top-level bookmarks as (label, page index in the chunk)."""
        document, self._document = self._document, None
        document.write_pdf(self._path, pdf_tags=self.tagged)  # a structure tree: headings for screen readers
        bookmarks = [(label, target[0]) for label, target, _children, _state in document.make_bookmark_tree()]
        del document
        gc.collect()  # WeasyPrint's layout trees are cyclic: free them before the next chunk
        return bookmarks

    def document(self, html: str, tagged: bool = True) -> bytes:
        """A small whole document; untagged for footers (stamped over tagged pages as artifacts)."""
        from weasyprint import HTML

        return HTML(string=html, base_url=self.base_url).write_pdf(pdf_tags=self.tagged and tagged)


class LocalPool:
    """One slot, in this process: a chunk is laid out and written when next_laid() asks."""

    slots = 1

    def __init__(self, css: str, base_url: str, tagged: bool = True) -> None:
        self.renderer = ChunkRenderer(css, base_url, tagged)
        self._started: tuple[int, ChunkTask, Chunk] | None = None

    def start(self, slot: int, task: ChunkTask, chunk: Chunk) -> None:
        self._started = (slot, task, chunk)

    def backlog(self, slot: int) -> int:
        return 0

    def next_laid(self) -> tuple[int, Laid]:
        assert self._started is not None, "no chunk started"
        (slot, task, chunk), self._started = self._started, None
        laid = self.renderer.render(task)
        chunk.bookmarks = self.renderer.write()
        return slot, laid

    def documents(self, pages_html: list[str], tagged: bool = True) -> list[bytes]:
        return [self.renderer.document(html, tagged) for html in pages_html]

    def finish(self) -> None:
        """Nothing outstanding: next_laid() also wrote the chunk."""

    def __enter__(self) -> LocalPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.renderer = None  # type: ignore[assignment]


def pages_of(document: Any, unit_ids: list[int]) -> list[tuple[int, int]]:
    """(unit id, index of the page it starts on) for those of unit_ids the document holds."""
    if not unit_ids:
        return []
    first_page: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            first_page.setdefault(anchor, index)
    return [(unit_id, first_page[f"u{unit_id}"]) for unit_id in unit_ids if f"u{unit_id}" in first_page]


def units_to_carry(document: Any, unit_ids: list[int]) -> int:
    """How many units sit on the chunk's partly filled last page, to lay out again at the
    head of the next chunk (keeps joins invisible). Only when that page starts with a
    whole unit: a long description running onto it stays where it is."""
    if len(document.pages) < 2:
        return 0
    anchors = document.pages[-1].anchors
    first = next((i for i, unit_id in enumerate(unit_ids) if f"u{unit_id}" in anchors), None)
    if not first or f"e{unit_ids[first - 1]}" in anchors:  # None, 0 (nothing before it) or a run-on
        return 0
    return len(unit_ids) - first


def _serve(connection: Connection, css: str, base_url: str, tagged: bool) -> None:
    """Helper process: answer ("chunk", task) with Laid then bookmarks, ("document", (html, tagged))
    with PDF bytes."""
    renderer = ChunkRenderer(css, base_url, tagged)
    while True:
        try:
            request = connection.recv()
        except EOFError:  # the job's process died (killed worker): nothing to answer, just go
            return
        if request is None:
            return
        kind, payload = request
        try:
            if kind == "chunk":
                connection.send(("ok", renderer.render(payload)))  # the main process goes on now
                connection.send(("ok", renderer.write()))
            else:
                connection.send(("ok", renderer.document(*payload)))
        except BaseException:  # the main process raises it with the helper's traceback
            connection.send(("error", traceback.format_exc()))


_LAID = object()  # marks the answer next_laid() returns, among a helper's awaited answers


class _Helper:
    def __init__(self, context: Any, css: str, base_url: str, tagged: bool) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, css, base_url, tagged), daemon=True)
        self.process.start()
        child.close()
        self.awaiting: deque[Any] = deque()  # _LAID or a callback, for each answer still to come

    def answer(self) -> Any:
        try:
            status, value = self.connection.recv()
        except (EOFError, OSError) as lost:  # killed (out of memory, an operator) mid-chunk
            self.process.join(timeout=5)
            raise RuntimeError(f"PDF helper process ended unexpectedly (exit code {self.process.exitcode}).") from lost
        if status == "error":
            raise RuntimeError(f"PDF helper process failed:\n{value}")
        return value

    def next_answer(self) -> tuple[Any, Any]:
        """(what awaited it: _LAID or a callback, the answer), in the order they were asked."""
        return self.awaiting.popleft(), self.answer()


class ChunkPool:
    """One helper process per slot. A context manager: helpers stop at exit."""

    def __init__(self, processes: int, css: str, base_url: str, tagged: bool = True) -> None:
        context = multiprocessing.get_context("spawn")  # never fork a process with DB connections and threads
        self.helpers = [_Helper(context, css, base_url, tagged) for _ in range(processes)]
        self.slots = processes

    def start(self, slot: int, task: ChunkTask, chunk: Chunk) -> None:
        """Hand the chunk to the slot's helper; the HTML goes through a file so a busy helper never blocks us."""
        html_file = Path(task.path).with_suffix(".html")
        html_file.write_text(task.html, encoding="utf-8")
        helper = self.helpers[slot]
        helper.connection.send(("chunk", replace(task, html="", html_file=str(html_file))))
        helper.awaiting.extend((_LAID, lambda bookmarks: setattr(chunk, "bookmarks", bookmarks)))

    def backlog(self, slot: int) -> int:
        """Answers the slot's helper still owes: a helper still writing is not the best choice."""
        return len(self.helpers[slot].awaiting)

    def next_laid(self) -> tuple[int, Laid]:
        """Wait for the first helper to lay its chunk out, handling the other answers meanwhile."""
        while True:
            waiting = {helper.connection: slot for slot, helper in enumerate(self.helpers) if helper.awaiting}
            assert waiting, "no chunk started"
            for connection in wait(list(waiting)):
                handler, value = self.helpers[waiting[connection]].next_answer()
                if handler is _LAID:
                    return waiting[connection], value
                handler(value)

    def documents(self, pages_html: list[str], tagged: bool = True) -> list[bytes]:
        """Small whole documents (footers, title page, contents), shared out between the helpers."""
        results: list[bytes] = [b""] * len(pages_html)
        for index, html in enumerate(pages_html):
            helper = self.helpers[index % self.slots]
            helper.connection.send(("document", (html, tagged)))
            helper.awaiting.append(lambda value, index=index: results.__setitem__(index, value))
        self.finish()
        return results

    def finish(self) -> None:
        """Collect every answer still to come (bookmarks of the last chunks, documents)."""
        for helper in self.helpers:
            while helper.awaiting:
                handler, value = helper.next_answer()
                assert handler is not _LAID, "finish() with a chunk still being laid out"
                handler(value)

    def __enter__(self) -> ChunkPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for helper in self.helpers:
            with contextlib.suppress(OSError):
                helper.connection.send(None)
            helper.process.join(timeout=5)
            if helper.process.is_alive():
                helper.process.kill()
                helper.process.join()
