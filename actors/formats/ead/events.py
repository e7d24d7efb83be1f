"""Events of a component: its dates (<unitdate>) and its creators (<origination>), paired up by
event type, and whose history a <bioghist> is."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from flask_babel import gettext as _

from actors.formats.ead.dates import NotADate, normal_span
from actors.formats.ead.kept import keep
from actors.formats.ead.notes import paragraphs
from actors.formats.ead.tags import local, one_line
from actors.formats.rows import Row

NAME_ELEMENTS = ("name", "persname", "corpname", "famname")
# Events whose actor made the records (AtoM's creators): a <bioghist> naming no one is theirs.
CREATING = frozenset({"Creation", "Accumulation", "Collection", "Contribution"})
# An actor's role -> the event it names.
_ROLE_EVENTS = {
    "creator": "creation", "author": "creation", "accumulator": "accumulation", "collector": "collection",
    "contributor": "contribution", "custodian": "custody", "publisher": "publication",
    "distributor": "distribution", "manufacturer": "manufacturing", "broadcaster": "broadcasting",
}  # fmt: skip


def unitdate(row: Row, element: Element, where: str) -> None:
    """Each unitdate is an event's dates (datechar names its type: creation when absent; type
    says inclusive or bulk). ``normal`` gives the start and end dates where it can be read; the
    text is kept whatever it says."""
    normal = " ".join((element.get("normal") or "").split())
    start = end = ""
    if normal:
        try:
            start, end = normal_span(normal)
        except NotADate as why:
            row.warn(_("date not understood"), where, _not_understood(f"normal “{normal}”", why))
    if not any(e.get("start_text") for e in row.related.events):
        row.sources["event.start_text"] = row.sources["event.end_text"] = (where, "normal attribute")
    dates = {"date_text": one_line(element), "start_text": start, "end_text": end}
    if not any(dates.values()):
        return  # an empty <unitdate/>: no date to keep
    _date_type(dates, element)
    join_event(row, element.get("datechar") or "creation", "date_text", dates)


def _not_understood(what: str, why: NotADate) -> str:
    return _("%(what)s: %(why)s; kept as text, with no start or end", what=what, why=why)


def _date_type(dates: dict[str, str], element: Element) -> None:
    date_type = (element.get("type") or element.get("unitdatetype") or "").strip().lower()  # (EAD3: unitdatetype)
    if date_type in ("bulk", "inclusive"):
        dates["date_type"] = date_type


def unitdatestructured(row: Row, element: Element, where: str) -> None:
    """EAD3's structured dates: each <datesingle> or <daterange> (its @standarddate, else its text)
    is an event's start and end, joining the event a plain <unitdate> of the same kind began."""
    for span in element.iter():
        tag = local(span.tag)
        ends: list[Element | None]
        if tag == "datesingle":
            ends = [span, span]
        elif tag == "daterange":
            ends = [next((e for e in span if local(e.tag) == name), None) for name in ("fromdate", "todate")]
        else:
            continue
        start, end = ((e.get("standarddate") or one_line(e)).strip() if e is not None else "" for e in ends)
        text = one_line(span) if tag == "datesingle" else "-".join(one_line(e) for e in ends if e is not None)
        if start or end:
            try:
                normal_span(f"{start or end}/{end or start}")
            except NotADate as why:
                row.warn(_("date not understood"), where, _not_understood(f"“{start}/{end}”", why))
                start = end = ""
        dates = {"start_text": start, "end_text": end}
        _date_type(dates, element)
        event_type = " ".join((element.get("datechar") or "creation").split()).capitalize()
        began = next((e for e in row.related.events if e["event_type"] == event_type and not e.get("start_text")), None)
        if began is not None and began.get("date_text"):
            began.update(dates)
        else:
            join_event(row, event_type, "start_text", {"date_text": text, **dates})


def origination(row: Row, element: Element) -> None:
    """Each name of an <origination> is an event's actor. Its label names the event: an event type
    as we write it ("Accumulation"), or the actor's role as ArchivesSpace and others write it
    ("Creator:", "creators", "Collector", "source"); no label is a creation."""
    names = [one_line(e) for e in element.iter() if local(e.tag) in NAME_ELEMENTS]
    event_type = _event_of_label(element.get("label") or "")
    for actor in [name for name in names if name] or [one_line(element)]:
        if actor:
            join_event(row, event_type, "actor", {"actor": actor})


def _event_of_label(label: str) -> str:
    word = " ".join(label.replace(":", " ").split())
    role = word.lower()[:-1] if word.lower().endswith("s") else word.lower()
    return _ROLE_EVENTS.get(word.lower()) or _ROLE_EVENTS.get(role) or word or "creation"


def join_event(row: Row, event_type: str, key: str, values: dict[str, str]) -> None:
    """Dates and creators written apart (<unitdate>s, <origination>s) pair up in order, by event
    type: values join the first event of that type without ``key``, else make one of their own."""
    event_type = " ".join(event_type.split()).capitalize()
    events = row.related.events
    free = next((e for e in events if e["event_type"] == event_type and key not in e), None)
    if free is None:
        events.append({"event_type": event_type, **values})
    else:
        free.update(values)


def bioghist(row: Row, element: Element) -> None:
    """The history of the creator it describes: the one it names (in its heading, as our export
    writes it, or in its text), else the record's one creator (creation, accumulation, collection);
    never a source or dealer, and never one of several creators by position. Otherwise, or for a
    second history of the same creator, it stays on the record as its own <bioghist>."""
    history = paragraphs(element)
    if history and not attach_history(row, history, " ".join(" ".join(element.itertext()).split())):
        keep(row, "bioghist", element, history)


def attach_history(row: Row, history: str, said: str) -> bool:
    """Give ``history`` to the creator ``said`` names, else to the record's one creator; False
    when neither is there (or they have a history already)."""
    actors = [e for e in row.related.events if e.get("actor")]
    named = [e for e in actors if e["actor"].casefold() in said.casefold()]
    creators = [e for e in actors if e["event_type"] in CREATING]
    only = creators if len({e["actor"] for e in creators}) == 1 else []
    holder = next((e for e in named or only if not e.get("actor_history")), None)
    if holder is not None:
        holder["actor_history"] = history
    return holder is not None
