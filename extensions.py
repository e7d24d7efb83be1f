"""Flask extensions, created once and bound to the app in create_app."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


@contextmanager
def autocommit(engine: Engine | None = None) -> Iterator[Connection]:
    """A connection on which each statement commits as it runs.

    For the one-statement writes every job makes (launch, claim, finish): one round trip
    instead of BEGIN, the statement and COMMIT, which is most of what tracking costs.
    Pass the engine where there is no app context (the output flusher's thread)."""
    with (engine or db.engine).connect() as connection:
        yield connection.execution_options(isolation_level="AUTOCOMMIT")
