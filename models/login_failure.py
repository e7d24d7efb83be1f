"""Failed logins, and the wait they impose: growing delays per (account, address), never a lock.

A hard lock let anyone lock any account (security review F2: five wrong passwords for
"admin" kept the real administrator out for 15 minutes, repeatable forever). Here the
failures of one address against one account only slow that address down: after
LOGIN_MAX_FAILURES free attempts, each further one waits 1, 2, 4 ... seconds (at most
LOGIN_MAX_DELAY_SECONDS) after the last failure. The owner, from their own address, logs
in as usual. One address trying many accounts (spraying) is slowed the same way after ten
times as many failures. A try is claimed (written down) before its password is checked, so
parallel tries count against each other; the login form and "Change my password" (its
current password) share these failures: a guess is a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Index, String, delete, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from extensions import Model, db, rowcount
from models.base import utcnow

ADDRESS_FACTOR = 10  # an address may fail this many times more, over all accounts (an office shares one)


@dataclass(frozen=True)
class ThrottlePolicy:
    free_failures: int  # LOGIN_MAX_FAILURES
    remembered: timedelta  # LOGIN_LOCKOUT_MINUTES: failures older than this no longer count
    max_delay_seconds: int  # LOGIN_MAX_DELAY_SECONDS

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ThrottlePolicy:
        return cls(
            free_failures=config["LOGIN_MAX_FAILURES"],
            remembered=timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"]),
            max_delay_seconds=config["LOGIN_MAX_DELAY_SECONDS"],
        )

    def delay_after(self, failures: int, free: int) -> int:
        """Seconds to wait after the last of ``failures`` failures, when ``free`` cost nothing."""
        if failures < free:
            return 0
        return min(2 ** min(failures - free, 30), self.max_delay_seconds)


@dataclass(frozen=True)
class Claim:
    """A try taken by LoginFailure.claim: ``wait`` > 0 refuses it (seconds before the next one)."""

    id: int | None  # (None: refused before anything was written)
    username: str
    ip: str
    policy: ThrottlePolicy
    wait: int

    def failed(self) -> None:
        """The password was wrong: the try stays a failure, dated now (the next wait counts from it)."""
        now = utcnow()
        delete_old = delete(LoginFailure).where(LoginFailure.at < now - self.policy.remembered)
        db.session.execute(delete_old)  # (keeps the table small)
        db.session.execute(update(LoginFailure).where(LoginFailure.id == self.id).values(at=now))
        db.session.commit()

    def succeeded(self) -> None:
        """The password was right: this address's failures against the account are forgotten."""
        LoginFailure.forget(self.username, self.ip)


class LoginFailure(Model):
    """A failed login, kept for a while to slow down password guessing."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_username_at", "username", "at"),
        Index("ix_login_failures_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    @classmethod
    def claim(cls, username: str, ip: str, policy: ThrottlePolicy) -> Claim:
        """Take a try at ``username`` from ``ip`` before its password is looked at.

        The try is written down first, as a failure, and committed; only then are the others
        counted. Parallel tries thus see each other: at most LOGIN_MAX_FAILURES are checked even
        when they all arrive at once (security review, issue 24 L11: 48 parallel guesses had 8
        checked, as each counted the failures before any of them was recorded). A refused try is
        rubbed out again: sent too early, it tells nothing and costs nothing."""
        known_wait = cls.wait_seconds(username, ip, policy)
        if known_wait:  # (refused without a write: a flood of early tries costs the database reads)
            return Claim(None, username, ip, policy, known_wait)
        row = cls(username=username[:80], ip=ip[:64], at=utcnow())
        db.session.add(row)
        db.session.flush()
        claimed = row.id
        db.session.commit()
        wait = cls.wait_seconds(username, ip, policy, besides=claimed)
        if wait:
            db.session.execute(delete(cls).where(cls.id == claimed))
            db.session.commit()
        return Claim(claimed, username, ip, policy, wait)

    @classmethod
    def wait_seconds(cls, username: str, ip: str, policy: ThrottlePolicy, besides: int | None = None) -> int:
        """How long this address must still wait before trying this account again (0: go ahead);
        ``besides``: a claimed try that does not count against itself."""
        now = utcnow()
        recent = select(func.count(), func.max(cls.at)).where(cls.at >= now - policy.remembered, cls.ip == ip[:64])
        if besides is not None:
            recent = recent.where(cls.id != besides)
        waits = []
        for query, free in (
            (recent.where(cls.username == username[:80]), policy.free_failures),
            (recent, policy.free_failures * ADDRESS_FACTOR),
        ):
            failures, last = db.session.execute(query).one()
            if failures and last is not None:
                until = last + timedelta(seconds=policy.delay_after(failures, free))
                waits.append((until - now).total_seconds())
        return max(0, int(max(waits, default=0) + 0.999))

    @classmethod
    def forget(cls, username: str, ip: str | None = None) -> int:
        """Drop the failures against an account (from one address, or all: an administrator's unlock)."""
        query = delete(cls).where(cls.username == username[:80])
        if ip is not None:
            query = query.where(cls.ip == ip[:64])
        removed = rowcount(query)
        db.session.commit()
        return removed

    @classmethod
    def counts(cls, usernames: list[str], policy: ThrottlePolicy) -> dict[str, int]:
        """Recent failures per account, for the users page."""
        since = utcnow() - policy.remembered
        rows = db.session.execute(
            select(cls.username, func.count())
            .where(cls.username.in_(usernames), cls.at >= since)
            .group_by(cls.username)
        )
        return {username: count for username, count in rows}
