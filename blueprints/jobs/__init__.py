"""The Jobs page, job details, CSV export and the `flask jobs` CLI."""
from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

from blueprints.jobs import create, results, views  # noqa: E402,F401  (routes register on bp)
