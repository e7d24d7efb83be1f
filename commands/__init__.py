"""The `flask` CLI groups, one module a noun: jobs, schedules, descriptions, users, demo."""

from __future__ import annotations

from flask import Flask

from commands.changes import changes, undo
from commands.demo import demo_cli
from commands.descriptions import descriptions_cli
from commands.jobs import jobs_cli
from commands.schedules import schedules_cli
from commands.users import users_cli


def register(app: Flask) -> None:
    jobs_cli.add_command(changes)
    jobs_cli.add_command(undo)
    for group in (jobs_cli, schedules_cli, users_cli, demo_cli, descriptions_cli):
        app.cli.add_command(group)
