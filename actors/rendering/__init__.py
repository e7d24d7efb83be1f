"""Renderers for files jobs produce (finding aids, reports)."""
from actors.rendering.finding_aid import render_finding_aid

__all__ = ["render_finding_aid"]
