"""The jobs blueprint object, apart from its views so that they can import it."""

from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
