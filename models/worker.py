"""Worker processes and their heartbeats: how the Jobs page knows whether anyone is working."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import BigInteger, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from extensions import Model, db
from models.base import utcnow


class WorkerProcess(Model):
    __tablename__ = "worker_processes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    hostname: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    threads: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    stopped_at: Mapped[datetime | None]
    jobs_done: Mapped[int] = mapped_column(default=0)
    rss_bytes: Mapped[int | None] = mapped_column(BigInteger)
    current_jobs: Mapped[str | None] = mapped_column(String(255))  # comma-separated job ids

    @classmethod
    def alive(cls, within_seconds: float) -> list[WorkerProcess]:
        """Workers that sent a heartbeat recently and did not say goodbye."""
        since = utcnow() - timedelta(seconds=within_seconds)
        query = select(cls).where(cls.last_seen_at >= since, cls.stopped_at.is_(None)).order_by(cls.started_at)
        return list(db.session.scalars(query))

    @property
    def memory_mb(self) -> float | None:
        return round(self.rss_bytes / (1024 * 1024), 1) if self.rss_bytes else None

    @classmethod
    def last_seen(cls) -> datetime | None:
        return db.session.scalar(select(func.max(cls.last_seen_at)))
