"""Sequences of jobs, Undos and clears drawn by Hypothesis, checked against a model (tests/undo_machine.py).

UNDO_SEQUENCES_EXAMPLES=500 runs a long random search; the suite runs a short derandomized one
(the same sequences every time: CI stays deterministic).
"""

from __future__ import annotations

from hypothesis.stateful import run_state_machine_as_test

from tests.undo_machine import machine_for, sequence_settings


def test_any_sequence_of_jobs_undos_and_clears_keeps_the_tree_and_undoes_back_to_the_start(users, run_jobs, tmp_path):
    run_state_machine_as_test(machine_for(run_jobs, tmp_path, "alice"), settings=sequence_settings())
