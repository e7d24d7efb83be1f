"""The Dramatiq broker for an app: Redis (namespaced) in production, a stub in tests."""
from __future__ import annotations

from typing import TYPE_CHECKING

import redis
from dramatiq import Broker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import Retries, default_middleware

if TYPE_CHECKING:
    from flask import Flask

QUEUE_NAME = "jobs"


def _middleware() -> list:
    """Dramatiq's defaults minus Retries: a failed job shows Error at once and is retried
    only when a user asks (automatic re-runs are AtoM's "runaway jobs")."""
    return [middleware() for middleware in default_middleware if middleware is not Retries]


def make_broker(app: Flask) -> Broker:
    """Build the broker named by JOBS_BROKER; 'redis' uses REDIS_URL and JOBS_NAMESPACE."""
    kind = app.config["JOBS_BROKER"]
    if kind == "stub":
        return StubBroker(middleware=_middleware())
    if kind == "redis":
        # Short timeouts: a web request must learn quickly that Redis is away.
        client = redis.Redis.from_url(
            app.config["REDIS_URL"],
            socket_connect_timeout=app.config.get("REDIS_CONNECT_TIMEOUT", 2),
            socket_timeout=app.config.get("REDIS_SOCKET_TIMEOUT", 10),
        )
        return RedisBroker(client=client, namespace=app.config["JOBS_NAMESPACE"], middleware=_middleware())
    raise ValueError(f"Unknown JOBS_BROKER {kind!r}: use 'redis' or 'stub'.")
