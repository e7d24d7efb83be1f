"""The Jobs page, job details, "Create background job", bulk actions, CSV export."""

from blueprints.jobs import bulk, changes, create, listing, results, undo, views
from blueprints.jobs.blueprint import bp

__all__ = ["bp", "bulk", "changes", "create", "listing", "results", "undo", "views"]
