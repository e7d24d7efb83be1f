"""Descriptions by title or identifier, as JSON: what the record pickers of the job forms offer
as the user types. Only what the user may see (a viewer: published records)."""

from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import or_, select

from blueprints.descriptions.blueprint import bp, published_only, visible_description
from extensions import db
from models import ArchivalDescription
from models.record_choice import record_choice

LIMIT = 10
MIN_QUERY, MAX_QUERY = 2, 200


@bp.get("/search.json")
def search():
    """``?q=`` (at least 2 characters) in the title or the identifier, case-insensitive;
    ``?exclude=<slug>`` leaves out that record and its sub-tree (a move's valid targets), if the
    user may see it: a viewer's results must not tell where a draft is."""
    words = request.args.get("q", "").strip()[:MAX_QUERY]
    if len(words) < MIN_QUERY:
        return jsonify([])
    D = ArchivalDescription
    # (autoescape: a % or _ typed is that character, not a wildcard)
    query = select(D).where(
        or_(D.title.icontains(words, autoescape=True), D.identifier.icontains(words, autoescape=True))
    )
    excluded = visible_description(request.args.get("exclude", "").strip())
    if excluded is not None:
        query = query.where(~D.lft.between(excluded.lft, excluded.rgt))
    found = db.session.scalars(published_only(query).order_by(D.lft).limit(LIMIT))
    return jsonify([record_choice(d) for d in found])
