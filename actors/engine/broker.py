"""The Dramatiq broker for an app: Redis (namespaced) by default, RabbitMQ when
BROKER_URL is an amqp:// address (durable queues), a stub in tests."""

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


def queue_name(app: Flask, queue: str = QUEUE_NAME) -> str:
    """Redis keys carry the namespace already; RabbitMQ queues are shared by a vhost, so
    the namespace goes into the queue name (two installs never take each other's jobs)."""
    if app.config["JOBS_BROKER"] == "rabbitmq":
        return f"{app.config['JOBS_NAMESPACE']}.{queue}"
    return queue


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
        client = redis.Redis.from_url(
            app.config["REDIS_URL"],
            socket_connect_timeout=app.config["REDIS_CONNECT_TIMEOUT"],
            socket_timeout=app.config["REDIS_SOCKET_TIMEOUT"],
        )
        return RedisBroker(client=client, namespace=app.config["JOBS_NAMESPACE"], middleware=_middleware())
    if kind == "rabbitmq":
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        return RabbitmqBroker(url=app.config["BROKER_URL"], middleware=_middleware(), confirm_delivery=True)
    raise ValueError(f"Unknown JOBS_BROKER {kind!r}: use 'redis', 'rabbitmq' or 'stub'.")


def ping(app: Flask, broker: Broker) -> None:
    """Raise if the broker cannot be reached (used before a worker starts consuming)."""
    if isinstance(broker, RedisBroker):
        broker.client.ping()
    elif app.config["JOBS_BROKER"] == "rabbitmq":
        import pika

        pika.BlockingConnection(broker.parameters).close()  # type: ignore[attr-defined]  # a RabbitmqBroker
