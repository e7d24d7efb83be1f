"""One structure tree for a PDF joined from tagged chunks, so screen readers still get headings.

WeasyPrint tags each chunk (pdf_tags): a StructTreeRoot with one Document element and a
ParentTree mapping each page's /StructParents key (and each link annotation's
/StructParent) to the elements its marked content belongs to. Copying pages copies
neither the tree nor unique keys. Here the children of every chunk's Document element go,
in order, under one Document element, and each chunk's keys are shifted past the keys of
the chunks before it. Content that WeasyPrint tags outside its own tree (the running
header) and the page-number footers become pagination artifacts: not read aloud.

pikepdf (qpdf) holds the objects: a 3,000-description finding aid has ~100,000 elements,
several hundred MB as Python objects (pypdf), a few tens in qpdf.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name, Page

_MARKED_CONTENT = re.compile(rb"/[A-Za-z0-9]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")


class StructureMerger:
    """Collects the chunks' structure trees into out's; finish() hangs the whole on the catalog."""

    def __init__(self, out: pikepdf.Pdf) -> None:
        self.out = out
        self.root = out.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        self.document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=self.root))
        self.kids: list[pikepdf.Object] = []
        self.nums: list[pikepdf.Object | int] = []  # the joined ParentTree, flat: key, value, key, value...
        self.next_key = 0
        self.lang: pikepdf.Object | None = None
        self.namespaces: pikepdf.Object | None = None

    def add(self, source: pikepdf.Pdf, added: list[Page]) -> None:
        """Take source's tree; its pages were just copied, in order, as added."""
        tree = source.Root.get(Name.StructTreeRoot)
        if tree is None:
            return
        if self.lang is None and Name.Lang in source.Root:
            self.lang = source.Root.Lang
        if self.namespaces is None and Name.Namespaces in tree:
            self.namespaces = self._copy(tree.Namespaces)
        offset = self.next_key
        parent_tree = dict(_number_tree(tree.ParentTree))
        self._shift_page_keys(added, offset, parent_tree, _reachable(tree))
        for key, value in parent_tree.items():
            self.nums.extend((key + offset, self._copy(value)))
            self.next_key = max(self.next_key, key + offset + 1)
        for chunk_document in _as_list(tree.get(Name.K)):
            for kid in _as_list(chunk_document.get(Name.K)):
                copied = self._copy(kid)
                if isinstance(copied, Dictionary) and Name.S in copied:  # an element, not marked content
                    copied.P = self.document
                self.kids.append(copied)

    def _shift_page_keys(
        self, added: list[Page], offset: int, parent_tree: dict[int, pikepdf.Object], reachable: set[tuple[int, int]]
    ) -> None:
        """Each page's /StructParents (and its link annotations' /StructParent) past the keys of the
        chunks before, so it finds its elements in the joined ParentTree; the page's content that
        the chunk's tree does not hold becomes an artifact."""
        for page in added:
            if Name.StructParents in page.obj:
                key = int(page.obj.StructParents)
                page.obj.StructParents = key + offset
                _mark_orphans_as_artifacts(self.out, page, parent_tree.get(key), reachable)
            for annotation in page.obj.get(Name.Annots, Array()):
                if Name.StructParent in annotation:
                    annotation.StructParent = int(annotation.StructParent) + offset

    def finish(self) -> None:
        """Mark the document tagged (when any chunk was), with its language and title shown."""
        if not self.kids:
            return
        self.document.K = Array(self.kids)
        self.root.K = Array([self.document])
        self.root.ParentTree = self.out.make_indirect(Dictionary(Nums=Array(self.nums)))
        self.root.ParentTreeNextKey = self.next_key
        if self.namespaces is not None:
            self.root.Namespaces = self.namespaces
        catalog = self.out.Root
        catalog.StructTreeRoot = self.root
        catalog.MarkInfo = Dictionary(Marked=True)
        catalog.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        if self.lang is not None:
            catalog.Lang = self.lang

    def _copy(self, value: pikepdf.Object) -> pikepdf.Object:
        """value brought into out (qpdf maps each foreign object once: pages copied before stay shared)."""
        if not isinstance(value, pikepdf.Object):  # pikepdf gives numbers as int
            return value
        if value.is_indirect:
            return self.out.copy_foreign(value)
        if isinstance(value, Array):
            return Array([self._copy(item) for item in value])
        if isinstance(value, Dictionary):
            return Dictionary({key: self._copy(item) for key, item in value.items()})
        return value


def stamp_artifact(out: pikepdf.Pdf, page: Page, overlay: Page) -> None:
    """Draw overlay (a footer page of another PDF) over page, marked as a pagination artifact."""
    name = page.add_resource(out.copy_foreign(overlay.as_form_xobject()), Name.XObject, prefix="Footer")
    page.contents_add(out.make_stream(b"q\n"), prepend=True)  # the page's own transforms end before ours
    page.contents_add(out.make_stream(b"Q\n/Artifact <</Type /Pagination>> BDC\nq %s Do Q\nEMC\n" % str(name).encode()))


def _reachable(tree: pikepdf.Object) -> set[tuple[int, int]]:
    """Object numbers of the elements reachable from the tree's root."""
    found: set[tuple[int, int]] = set()
    stack = _as_list(tree.get(Name.K))
    while stack:
        element = stack.pop()
        if isinstance(element, Dictionary) and element.is_indirect and Name.S in element:
            found.add(element.objgen)
            stack.extend(_as_list(element.get(Name.K)))
    return found


def _mark_orphans_as_artifacts(
    out: pikepdf.Pdf, page: Page, owners: pikepdf.Object | None, reachable: set[tuple[int, int]]
) -> None:
    """WeasyPrint tags a running header (CSS running()) under an element its tree does not hold:
    content outside the tree. A header repeated on every page is an artifact: mark it so."""
    if not isinstance(owners, Array):
        return
    orphans = {
        mcid
        for mcid, owner in enumerate(owners)
        if isinstance(owner, Dictionary) and owner.is_indirect and owner.objgen not in reachable
    }
    if not orphans:
        return
    for mcid in orphans:
        owners[mcid] = None

    def replace(match: re.Match[bytes]) -> bytes:
        return b"/Artifact BMC" if int(match[1]) in orphans else match[0]

    contents = page.obj.Contents
    data = b"\n".join(part.read_bytes() for part in _as_list(contents))
    page.obj.Contents = out.make_stream(_MARKED_CONTENT.sub(replace, data))


def _number_tree(node: pikepdf.Object) -> Iterator[tuple[int, pikepdf.Object]]:
    """(key, value) of a number tree, flat (/Nums) or split in /Kids."""
    nums = node.get(Name.Nums, Array())
    for index in range(0, len(nums) - 1, 2):
        yield int(nums[index]), nums[index + 1]
    for kid in node.get(Name.Kids, Array()):
        yield from _number_tree(kid)


def _as_list(value: pikepdf.Object | None) -> list[pikepdf.Object]:
    if value is None:
        return []
    return list(value) if isinstance(value, Array) else [value]
