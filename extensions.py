"""Flask extensions, created once and bound to the app in create_app."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, cast

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Connection, CursorResult, Engine, Executable, Table
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()

if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as _FlaskModel

    class Model(_FlaskModel, Base):
        """What ``db.Model`` is, said where mypy can see it: mypy takes no attribute as a base
        class (python/mypy#8603). At run time Model *is* ``db.Model`` (Base's body on
        Flask-SQLAlchemy's Model mixin), so models subclass ``extensions.Model``."""

        # Every model here names a __tablename__, so it maps a Table (SQLAlchemy types
        # __table__ as any FromClause, for models mapped to a join or a select).
        __table__: ClassVar[Table]
else:
    Model = db.Model


@contextmanager
def autocommit(engine: Engine | None = None) -> Iterator[Connection]:
    """A connection on which each statement commits as it runs.

    For the one-statement writes every job makes (launch, claim, finish): one round trip
    instead of BEGIN, the statement and COMMIT, which is most of what tracking costs.
    Pass the engine where there is no app context (the output flusher's thread)."""
    with (engine or db.engine).connect() as connection:
        yield connection.execution_options(isolation_level="AUTOCOMMIT")


def rowcount(statement: Executable) -> int:
    """Run an UPDATE, a DELETE or an INSERT ... SELECT in the session's transaction; how many
    rows it wrote. (The session returns a CursorResult for these, typed only as a Result.)"""
    return cast("CursorResult[Any]", db.session.execute(statement)).rowcount
