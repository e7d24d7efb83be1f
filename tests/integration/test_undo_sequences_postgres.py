"""The sequence test of tests/ledger/test_undo_sequences.py on PostgreSQL: ids from the sequence,
json_build_object in the ledger, the advisory tree lock, a 4-thread worker."""

from __future__ import annotations

import pytest
from hypothesis.stateful import run_state_machine_as_test

from tests.tree_jobs_support import run_all
from tests.undo_machine import machine_for, sequence_settings

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("postgres_app")]


def test_any_sequence_of_jobs_undos_and_clears_on_postgresql(tmp_path):
    run_state_machine_as_test(machine_for(run_all, tmp_path), settings=sequence_settings(examples=20))
