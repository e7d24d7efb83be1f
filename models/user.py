"""Users who log in and own jobs."""

from __future__ import annotations

import enum
import string
import unicodedata
from datetime import datetime

from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Enum, String, select
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from extensions import Model, db
from models.base import BIG_ID, utcnow


class Role(enum.Enum):
    ADMINISTRATOR = "administrator"
    EDITOR = "editor"
    CONTRIBUTOR = "contributor"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


class NotifyOn(enum.Enum):
    """Which of their jobs' endings e-mail a user (in-app notices always)."""

    ALL = "all"
    ERRORS = "errors"  # errors, cancels by someone else, and completions of runs over a minute
    NONE = "none"


ROLE_LABELS = {
    Role.ADMINISTRATOR: _l("Administrator"),
    Role.EDITOR: _l("Editor"),
    Role.CONTRIBUTOR: _l("Contributor"),
    Role.VIEWER: _l("Viewer"),
}

# What each role may do. Administrators may do everything; job types add their own
# permissions (e.g. "import_descriptions") on top of create_job / cancel_job.
CREATE_JOB, CANCEL_JOB = "create_job", "cancel_job"
SEE_DRAFTS = "see_drafts"  # draft descriptions, and finding aids that show them: staff, not viewers
EDITOR_PERMISSIONS = frozenset(
    {CREATE_JOB, CANCEL_JOB, SEE_DRAFTS, "import_descriptions", "export_descriptions", "edit_descriptions",
     "publish_descriptions"}
)  # fmt: skip
ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.EDITOR: EDITOR_PERMISSIONS,
    Role.CONTRIBUTOR: frozenset({CREATE_JOB, SEE_DRAFTS, "export_descriptions"}),
    Role.VIEWER: frozenset(),
}


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    email: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=Role.EDITOR,
        server_default=Role.EDITOR.value,
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Preferences: None follows the browser (language) and the site (time zone).
    locale: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    # Raised by logout, a password change and deactivation: every session cookie that holds the
    # old value stops working, on every device (security review F9: a cookie captured before
    # logout still opened the site after it).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Set by a reset to a temporary password: the next login leads to "Change my password" first.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Created with a temporary password not changed yet: the first login says "finish setting up
    # your account", not "your password was reset". Any password set afterwards clears it.
    new_account: Mapped[bool] = mapped_column(default=False, server_default="0")
    # "Mark as seen" on the Jobs page: failures that ended before this no longer count as failed
    # there (the user has dealt with them); each user their own, since each sees their own jobs.
    failures_seen_at: Mapped[datetime | None]
    notify_on: Mapped[NotifyOn] = mapped_column(
        Enum(NotifyOn, native_enum=False, length=8, values_callable=lambda e: [m.value for m in e]),
        default=NotifyOn.ERRORS,
        server_default=NotifyOn.ERRORS.value,
    )

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMINISTRATOR

    def can(self, *permissions: str) -> bool:
        """Whether this user holds every one of ``permissions``."""
        if self.is_admin:
            return True
        granted = ROLE_PERMISSIONS.get(self.role, frozenset())
        return all(permission in granted for permission in permissions)

    def set_password(self, password: str, temporary: bool = False) -> None:
        # New hashes use PASSWORD_HASH_METHOD (scrypt; the tests set a fast one); a hash made
        # with any other method still verifies, as check_password_hash reads it from the hash.
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)
        self.must_change_password = temporary
        self.new_account = False
        self.end_sessions()

    def get_id(self) -> str:
        """What the session cookie holds: the id and the session version (see load_session_user)."""
        return f"{self.id}.{self.session_version or 0}"

    def end_sessions(self) -> None:
        self.session_version = (self.session_version or 0) + 1

    def deactivate(self) -> None:
        self.active = False
        self.end_sessions()

    @classmethod
    def load_session_user(cls, session_id: str) -> User | None:
        """The user a session cookie names, if that session is still theirs: same session
        version, account active (Flask-Login checks is_active only at login)."""
        user_id, _, version = session_id.partition(".")
        if not (user_id.isdigit() and version.isdigit()) or len(user_id) > 18:
            return None
        user = db.session.get(cls, int(user_id))
        if user is None or not user.active or (user.session_version or 0) != int(version):
            return None
        return user

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @classmethod
    def by_username(cls, username: str) -> User | None:
        return db.session.scalar(select(cls).where(cls.username == username))

    def __repr__(self) -> str:
        return f"<User {self.username}>"


USERNAME_MAX = 80
_SAFE = frozenset(string.ascii_letters + string.digits + "._-")
# Unicode's confusables (UTS #39, confusables.txt): its rows whose source is in _SAFE, each
# mapped to what it looks like ("rn" and "m" look alike; so do I, l and 1, and O and 0).
_LOOKALIKES = str.maketrans({"0": "O", "1": "l", "I": "l", "m": "rn"})


class UsernameRefused(ValueError):
    """Why a name can't be a new account's; ``taken``: an account has it, or one like it."""

    def __init__(self, message: str, taken: bool = False) -> None:
        super().__init__(message)
        self.taken = taken


def _safe_character(character: str) -> bool:
    """A-Z, a-z, 0-9, '.', '_', '-', or a letter with accents over A-Z (é, ç, ñ): nothing
    invisible, no control, format or bidi character, no letter of another script."""
    decomposed = unicodedata.normalize("NFD", character)
    base, marks = decomposed[0], decomposed[1:]
    return base in _SAFE and (not marks or (base.isalpha() and all(unicodedata.combining(m) for m in marks)))


def username_skeletons(name: str) -> set[str]:
    """What ``name`` looks like, with and without its case (so Admin, adrnin and admin share one,
    and Ian and lan): accents dropped, confusables mapped, case-folded. Two names sharing a
    skeleton are too alike to tell apart on a page."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return {bare.translate(_LOOKALIKES).casefold(), bare.casefold().translate(_LOOKALIKES).casefold()}


def check_new_username(name: str) -> None:
    """The rule for a new account's username (the users page and `flask users create`); raises
    UsernameRefused. Security review, issue 24 L7: an empty name, ``admin`` with a Cyrillic a (U+0430),
    ``ad<zero-width space>min`` or a right-to-left override were accepted beside ``admin``."""
    if not name:
        raise UsernameRefused(_("A username is required."))
    if len(name) > USERNAME_MAX:
        raise UsernameRefused(_("A username has at most %(max)d characters.", max=USERNAME_MAX))
    if not all(_safe_character(character) for character in name):
        raise UsernameRefused(
            _("A username may hold only letters (with or without accents), digits, dots, hyphens and underscores.")
        )
    if User.by_username(name) is not None:
        raise UsernameRefused(_("There is already a user %(name)s.", name=name), taken=True)
    skeletons = username_skeletons(name)
    for other in db.session.scalars(select(User.username)):
        if skeletons & username_skeletons(other):
            message = _(
                "%(name)s looks too much like the user %(other)s: choose another username.", name=name, other=other
            )
            raise UsernameRefused(message, taken=True)


def create_user(
    username: str,
    password: str,
    email: str | None = None,
    admin: bool = False,
    role: Role | None = None,
    temporary: bool = False,
) -> User:
    """Create and commit a user (the CLI, the demo and the tests share it); ``temporary``: the
    password is to be changed at the first login."""
    user = User(username=username, email=email, role=role or (Role.ADMINISTRATOR if admin else Role.EDITOR))
    user.set_password(password, temporary=temporary)
    user.new_account = temporary
    db.session.add(user)
    db.session.commit()
    return user
