"""WeasyPrint in helper processes, so laying out chunk N+1 overlaps writing chunk N.

A chunk's layout decides which units move to the next chunk (those on its partly
filled last page, see finding_aid._units_to_carry), so layouts run one after another;
but as soon as a helper has laid a chunk out it reports the carry and the next chunk
starts on the other helper while this one writes its PDF. Footers (known only at the
end) are drawn by both helpers at once. The helpers receive only HTML strings and send
back small answers; the main process keeps streaming rows and assembling.
"""
from __future__ import annotations

import gc
import multiprocessing
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Callable


@dataclass
class ChunkTask:
    html: str
    unit_ids: list[int]  # in order: anchors u<id> / e<id> mark each unit's start / end
    may_carry: bool  # False for the last chunk: nothing follows it
    path: str  # where to write the chunk's PDF


@dataclass
class Laid:
    """What the main process needs before it can start the next chunk."""

    carried: int  # how many of the chunk's last units move to the next chunk
    pages: int  # pages kept in this chunk


class ChunkRenderer:
    """Lays out a chunk (render), then writes it (write); footers on demand."""

    def __init__(self, css: str, base_url: str) -> None:
        self.css, self.base_url = css, base_url
        self._stylesheet: Any = None
        self._document: Any = None
        self._path = ""

    def render(self, task: ChunkTask) -> Laid:
        from weasyprint import CSS, HTML

        if self._stylesheet is None:
            self._stylesheet = CSS(string=self.css)
        document = HTML(string=task.html, base_url=self.base_url).render(stylesheets=[self._stylesheet])
        carried = units_to_carry(document, task.unit_ids) if task.may_carry else 0
        if carried:
            document = document.copy(document.pages[:-1])
        self._document, self._path = document, task.path
        return Laid(carried, len(document.pages))

    def write(self) -> list[tuple[str, int]]:
        """Write the chunk laid out last; its top-level bookmarks as (label, page index in the chunk)."""
        document, self._document = self._document, None
        document.write_pdf(self._path)
        bookmarks = [(label, target[0]) for label, target, _children, _state in document.make_bookmark_tree()]
        del document
        gc.collect()  # WeasyPrint's layout trees are cyclic: free them before the next chunk
        return bookmarks

    def footer(self, html: str) -> bytes:
        from weasyprint import HTML

        return HTML(string=html, base_url=self.base_url).write_pdf()


class LocalPool:
    """The ChunkPool interface in this process: one step after the other."""

    def __init__(self, css: str, base_url: str) -> None:
        self.renderer = ChunkRenderer(css, base_url)

    def lay_out(self, task: ChunkTask, on_bookmarks: Callable[[list[tuple[str, int]]], None]) -> Laid:
        laid = self.renderer.render(task)
        on_bookmarks(self.renderer.write())
        return laid

    def footers(self, pages_html: list[str]) -> list[bytes]:
        return [self.renderer.footer(html) for html in pages_html]

    def finish(self) -> None:
        """Nothing outstanding: every step already ran."""

    def __enter__(self) -> LocalPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.renderer = None  # type: ignore[assignment]


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


def _serve(connection: Connection, css: str, base_url: str) -> None:
    """Helper process: answer ("chunk", task) with Laid then bookmarks, ("footer", html) with bytes."""
    renderer = ChunkRenderer(css, base_url)
    while True:
        request = connection.recv()
        if request is None:
            return
        kind, payload = request
        try:
            if kind == "chunk":
                connection.send(("ok", renderer.render(payload)))  # the main process goes on now
                connection.send(("ok", renderer.write()))
            else:
                connection.send(("ok", renderer.footer(payload)))
        except BaseException:  # the main process raises it with the helper's traceback
            connection.send(("error", traceback.format_exc()))


class _Helper:
    def __init__(self, context: Any, css: str, base_url: str) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, css, base_url), daemon=True)
        self.process.start()
        child.close()
        self.awaiting: list[Any] = []  # callbacks for answers still to come, in order

    def answer(self) -> Any:
        status, value = self.connection.recv()
        if status == "error":
            raise RuntimeError(f"PDF helper process failed:\n{value}")
        return value

    def drain(self) -> None:
        while self.awaiting:
            self.awaiting.pop(0)(self.answer())


class ChunkPool:
    """Two (or more) helper processes, used in turn. A context manager: helpers stop at exit.

    lay_out() returns as soon as the chunk is laid out; its bookmarks are delivered later
    to on_bookmarks (call finish() to collect everything still outstanding).
    """

    def __init__(self, processes: int, css: str, base_url: str) -> None:
        context = multiprocessing.get_context("spawn")  # never fork a process with DB connections and threads
        self.helpers = [_Helper(context, css, base_url) for _ in range(processes)]
        self.turn = 0

    def _next(self) -> _Helper:
        helper = self.helpers[self.turn % len(self.helpers)]
        self.turn += 1
        helper.drain()
        return helper

    def lay_out(self, task: ChunkTask, on_bookmarks: Callable[[list[tuple[str, int]]], None]) -> Laid:
        helper = self._next()
        helper.connection.send(("chunk", task))
        laid = helper.answer()
        helper.awaiting.append(on_bookmarks)
        return laid

    def footers(self, pages_html: list[str]) -> list[bytes]:
        results: list[bytes] = [b""] * len(pages_html)
        for index, html in enumerate(pages_html):
            helper = self._next()
            helper.connection.send(("footer", html))
            helper.awaiting.append(lambda value, index=index: results.__setitem__(index, value))
        self.finish()
        return results

    def finish(self) -> None:
        for helper in self.helpers:
            helper.drain()

    def __enter__(self) -> ChunkPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for helper in self.helpers:
            try:
                helper.connection.send(None)
            except OSError:
                pass
            helper.process.join(timeout=5)
            if helper.process.is_alive():
                helper.process.kill()
                helper.process.join()

