"""Chunked layout in lanes: what the finding aid and the report PDFs share.

A lane is a run of chunks laid out one after another: the units on a chunk's partly
filled last page are laid out again at the head of the next chunk, so the joins are
invisible. Lanes that start on a fresh page (a finding aid's long series) do not
depend on one another, so lay_out_lanes runs as many at once as the pool has slots,
and the chunks are joined in lane order at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from flask import render_template

from actors.rendering.pdf_pages import Chunk
from actors.rendering.pdf_workers import ChunkPool, ChunkTask, Laid, LocalPool


class Identified(Protocol):
    """A unit a chunk lays out: its id names its anchors (and the table of contents' entries)."""

    @property
    def id(self) -> int: ...


Unit = TypeVar("Unit", bound=Identified)


class Lane(Generic[Unit]):
    """Chunks of one run of units, in order; html(units, first) renders a chunk; listed(unit)
    says whether a table of contents needs the unit's page (each chunk's ``listed`` gets it)."""

    def __init__(
        self,
        batches: Iterator[list[Unit]],
        html: Callable[[list[Unit], bool], str],
        work: Path,
        name: str,
        listed: Callable[[Unit], bool] = lambda unit: False,
    ) -> None:
        self.batches, self.html, self.work, self.name, self.listed = batches, html, work, name, listed
        self.upcoming: list[Unit] | None = next(batches, [])  # every lane lays out at least one chunk
        self.carried: list[Unit] = []
        self.units: list[Unit] = []
        self.chunks: list[Chunk] = []

    def next_task(self) -> ChunkTask | None:
        """The lane's next chunk (carried units first), or None when the lane is done."""
        if self.upcoming is None:
            return None
        batch, self.upcoming = self.upcoming, next(self.batches, None)
        self.units = self.carried + batch
        path = self.work / f"{self.name}-{len(self.chunks):05d}.pdf"
        self.chunks.append(Chunk(path))
        html = self.html(self.units, len(self.chunks) == 1)
        listed = [unit.id for unit in self.units if self.listed(unit)]
        return ChunkTask(html, [unit.id for unit in self.units], self.upcoming is not None, str(path), listed=listed)

    def laid(self, laid: Laid) -> int:
        """Record the chunk just laid out; returns how many units it finished."""
        self.chunks[-1].page_count, self.chunks[-1].listed = laid.pages, laid.found
        carried = laid.carried
        self.carried = self.units[len(self.units) - carried :] if carried else []
        finished = len(self.units) - len(self.carried)
        self.units = []
        return finished


def lay_out_lanes(
    pool: LocalPool | ChunkPool, lanes: Iterable[Lane], on_finished: Callable[[int], None]
) -> list[Chunk]:
    """Lay every lane out, up to pool.slots chunks at a time; returns all chunks in lane order.

    Lanes already under way go before new ones, so at most pool.slots lanes are open
    (lanes are taken from the iterable only then, so they may stream from the database).
    A chunk goes to the idle slot with the least backlog: with one lane and two helpers,
    one helper writes a chunk while the other lays out the next.
    on_finished(n) is called as each chunk is laid out, with the units it finished.
    """
    waiting = iter(lanes)
    started: list[Lane] = []
    ready: list[Lane] = []  # under way, next chunk not started yet
    busy: dict[int, Lane] = {}

    def fill_idle_slots() -> None:
        while idle := [slot for slot in range(pool.slots) if slot not in busy]:
            lane = ready.pop(0) if ready else next(waiting, None)
            if lane is None:
                return
            if not lane.chunks:
                started.append(lane)
            task = lane.next_task()
            if task is not None:
                slot = min(idle, key=pool.backlog)
                busy[slot] = lane
                pool.start(slot, task, lane.chunks[-1])

    fill_idle_slots()
    while busy:
        slot, laid = pool.next_laid()
        lane = busy.pop(slot)
        on_finished(lane.laid(laid))
        ready.insert(0, lane)
        fill_idle_slots()
    pool.finish()
    return [chunk for lane in started for chunk in lane.chunks]


def footer_overlays(pool: LocalPool | ChunkPool, chunks: list[Chunk]) -> dict[int, bytes]:
    """ "Page N of M" overlays, keyed by each chunk's first page number."""
    total_pages = sum(chunk.page_count for chunk in chunks)
    firsts, first = [], 1
    for chunk in chunks:
        firsts.append(first)
        first += chunk.page_count
    pages_html = [
        render_template(
            "finding_aid/page_numbers.html", first_page=first, page_count=chunk.page_count, total_pages=total_pages
        )
        for first, chunk in zip(firsts, chunks, strict=True)
    ]
    return dict(zip(firsts, pool.documents(pages_html, tagged=False), strict=True))
