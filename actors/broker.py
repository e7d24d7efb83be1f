"""The Dramatiq broker for an app: Redis (namespaced) in production, a stub in tests."""
from __future__ import annotations

from typing import TYPE_CHECKING

import redis
from dramatiq import Broker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

if TYPE_CHECKING:
    from flask import Flask

QUEUE_NAME = "jobs"


def make_broker(app: Flask) -> Broker:
    """Build the broker named by JOBS_BROKER; 'redis' uses REDIS_URL and JOBS_NAMESPACE."""
    kind = app.config["JOBS_BROKER"]
    if kind == "stub":
        return StubBroker()
    if kind == "redis":
        # Short timeouts: a web request must learn quickly that Redis is away.
        client = redis.Redis.from_url(
            app.config["REDIS_URL"],
            socket_connect_timeout=app.config.get("REDIS_CONNECT_TIMEOUT", 2),
            socket_timeout=app.config.get("REDIS_SOCKET_TIMEOUT", 10),
        )
        return RedisBroker(client=client, namespace=app.config["JOBS_NAMESPACE"])
    raise ValueError(f"Unknown JOBS_BROKER {kind!r}: use 'redis' or 'stub'.")
