"""Roles from the command line: `flask users set-role` and `flask users create --role`."""

from __future__ import annotations

from models import Role, User


def role_of(db, username: str) -> Role:
    db.session.expire_all()
    return User.by_username(username).role


def test_cli_sets_a_role_and_rejects_unknown_users_and_roles(app, db, users):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "set-role", "bob", "viewer"])
    assert result.exit_code == 0
    assert "bob is now viewer." in result.output
    assert role_of(db, "bob") == Role.VIEWER
    assert runner.invoke(args=["users", "set-role", "nobody", "viewer"]).exit_code == 1
    assert runner.invoke(args=["users", "set-role", "bob", "overlord"]).exit_code == 2


def test_cli_creates_users_with_a_role(app, db):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "carol", "--password", "pw", "--role", "contributor"]
    )
    assert result.exit_code == 0
    assert "Created contributor carol." in result.output
    assert role_of(db, "carol") == Role.CONTRIBUTOR


def test_cli_create_follows_the_users_pages_username_rule(app, db, users):
    """One rule for both ways in (security review, issue 24 L7)."""
    runner = app.test_cli_runner()

    def create(username: str):
        return runner.invoke(args=["users", "create", username, "--password", "temp-pass-1"])

    alike = create("Admin")
    assert alike.exit_code == 1
    assert "Admin looks too much like the user admin" in alike.output
    for hidden in ("\u0430dmin", "ad\u200bmin", "evil\u202enimda"):
        refused = create(hidden)
        assert refused.exit_code == 2
        assert "A username may hold only letters" in refused.output
    assert create("   ").exit_code == 2
    assert User.by_username("Admin") is None
    assert db.session.query(User).count() == 3
    assert create("hélène").exit_code == 0
