"""Roles: administrators set them on the users page (the CLI: tests/commands/test_users_cli.py)."""

from __future__ import annotations

from models import Role, User


def role_of(db, username: str) -> Role:
    db.session.expire_all()
    return User.by_username(username).role


def test_admin_changes_a_role_on_the_users_page(as_user, db, users):
    page = as_user("admin").get("/users/")
    form = next(f for f in page.forms.values() if f.action.endswith(f"/users/{users['alice'].id}/role"))
    form[f"u{users['alice'].id}-role"] = "contributor"
    page = form.submit().follow()
    assert "alice is now contributor." in page.text
    assert role_of(db, "alice") == Role.CONTRIBUTOR


def test_an_admin_cannot_demote_themselves(as_user, post, db, users):
    as_user("admin")
    page = post(f"/users/{users['admin'].id}/role", {f"u{users['admin'].id}-role": "viewer"}).follow()
    assert "You cannot take away your own administrator role" in page.text
    assert role_of(db, "admin") == Role.ADMINISTRATOR


def test_only_administrators_reach_the_users_page(as_user, post, db, users):
    as_user("alice").get("/users/", status=403)
    post(f"/users/{users['bob'].id}/role", {f"u{users['bob'].id}-role": "administrator"}, status=403)
    assert role_of(db, "bob") == Role.EDITOR
