"""Gunicorn settings of the web process (Procfile, deploy/archive-jobs-web.service: ``--config``).

The settings are loaded once in the master, before it binds the port or forks a worker: a
refused one (config.WeakSettings, e.g. a guessable SECRET_KEY in production) ends gunicorn
itself with the message and exit status 1, so systemd's Restart= and StartLimitBurst apply.
Loaded only in the workers, it ended each of them and the master forked new ones for ever,
holding the port with requests hanging (security review, issue 24 M5). The app itself is
still loaded by each worker (no --preload): no connection is opened before the fork.
"""

from __future__ import annotations

from typing import Any


def on_starting(server: Any) -> None:
    """Gunicorn's first hook, in the master: the settings every process agrees on, or exit."""
    import config  # (here: gunicorn has put the working directory on sys.path by now)

    config.load(config.instance_path())
