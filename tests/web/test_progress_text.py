"""How far a job got, as people read it: counted in its unit, in the page's language."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blueprints.formatting import format_size, progress_text
from models import Job, JobStatus


@pytest.mark.parametrize(
    ("done", "total", "unit", "stopped", "expected"),
    [
        (1200, 3000, "descriptions", False, "1,200 of 3,000 descriptions (40%)"),
        (0, 1, None, False, "0 of 1 description (0%)"),  # jobs from before units were recorded count descriptions
        (2, 3, "rows", True, "Stopped at 2 of 3 rows."),
        (121, 121, "bytes", False, "121 bytes of 121 bytes (100%)"),
        (12_500, 3_200_000, "bytes", True, "Stopped at 12.5 KB of 3.2 MB."),
    ],
)
def test_progress_reads_with_its_unit(app, done, total, unit, stopped, expected):
    status = JobStatus.ERROR if stopped else JobStatus.RUNNING
    job = Job(status=status, progress_done=done, progress_total=total, progress_unit=unit)
    with app.test_request_context(), force_locale("en"):
        assert progress_text(job) == expected


def test_progress_in_french(app):
    with app.test_request_context(), force_locale("fr"):
        text = progress_text(
            Job(status=JobStatus.RUNNING, progress_done=1200, progress_total=3000, progress_unit="descriptions")
        )
    assert text.replace("\u202f", " ").replace("\xa0", " ") == "1 200 sur 3 000 descriptions (40 %)"


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=0, max_value=10**12))
def test_every_size_reads_as_a_number_and_a_unit(app, size):
    with app.test_request_context(), force_locale("en"):
        number, unit = format_size(size).rsplit(" ", 1)
    assert unit in ("byte", "bytes", "KB", "MB")
    assert number.replace(",", "").replace(".", "").isdigit()
