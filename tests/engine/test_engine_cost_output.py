"""A job's log file is made only when its output outgrows what the database keeps; the
download is then the file, else the database's text, and both are the whole output."""

from __future__ import annotations

from pathlib import Path

from actors.engine.output.capture import JobOutput


def output(path: Path, cap: int = 20, hard_limit: int = 1000, earlier: str = "") -> JobOutput:
    return JobOutput(
        path=path, cap=cap, hard_limit=hard_limit, flush_seconds=60, on_flush=lambda *_: None, earlier=earlier
    )


def test_output_the_database_keeps_whole_makes_no_file(tmp_path):
    path = tmp_path / "job-output" / "1.log"
    out = output(path)
    out.write("short\n")
    out.write("still short\n")
    out.close()
    assert out.text() == "short\nstill short\n"
    assert not path.exists()
    assert not path.parent.exists()


def test_output_that_outgrows_the_database_goes_to_the_file_whole(tmp_path):
    path = tmp_path / "job-output" / "2.log"
    out = output(path)
    text = "".join(f"line {n}\n" for n in range(10))
    for line in text.splitlines(keepends=True):
        out.write(line)
    out.close()
    assert path.read_text() == text
    assert out.skipped
    assert out.text().startswith(text[:10])
    assert out.text().endswith(text[-10:])


def test_a_rerun_puts_the_earlier_output_first_in_a_new_file(tmp_path):
    path = tmp_path / "3.log"
    out = output(path, earlier="attempt 1\n")  # it fitted in the database: no file of its own
    out.write("attempt 2, a much longer line\n")
    out.close()
    assert path.read_text() == "attempt 1\nattempt 2, a much longer line\n"


def test_a_rerun_appends_to_the_earlier_attempts_file(tmp_path):
    path = tmp_path / "4.log"
    path.write_text("attempt 1 printed all of this, far more than the database keeps\n")
    earlier = "attempt 1 p[... cut ...]he database keeps\n"  # what the database kept of it
    out = output(path, earlier=earlier)
    out.write("attempt 2\n")
    out.close()
    assert path.read_text() == "attempt 1 printed all of this, far more than the database keeps\nattempt 2\n"


def test_the_file_stops_at_the_hard_limit(tmp_path):
    path = tmp_path / "5.log"
    out = output(path, hard_limit=30)
    out.write("x" * 25)
    out.write("y" * 25)
    out.close()
    assert path.read_text() == "x" * 25 + "y" * 5 + "\n[output stopped at the hard limit of 30 characters]\n"
