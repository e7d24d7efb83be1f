"""Fixtures of the web tests (blueprints/): the history CSV and readable error pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.helpers import assert_readable_error, parse_csv


@pytest.fixture
def read_csv(testapp) -> Callable[[], tuple[str, list[dict[str, str]]]]:
    """GET /jobs/export.csv: (header line, rows as dicts)."""

    def _read():
        response = testapp.get("/jobs/export.csv")
        assert response.content_type == "text/csv"
        text = response.body.decode("utf-8")
        return text.splitlines()[0], parse_csv(text)

    return _read


@pytest.fixture
def readable_error():
    return assert_readable_error
