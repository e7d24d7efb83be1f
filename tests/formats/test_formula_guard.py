"""CSV cells and spreadsheet formulas: AtoM exports keep ordinary text, block formulas, and
import back to the same text; files only for spreadsheets guard every formula start."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actors.formats.spreadsheet import guard_for_atom, guard_for_spreadsheet, unguard

FORMULAS = ["=SUM(A1:A2)", "+A1", "-2+3", "@SUM(1)", "- cmd|' /C calc'!A0", "=cmd|' /C calc'!A0", "\t=1", "-Donald"]
TEXT = ["---", "-- Donald", "- item one", "-12", "1990-2000", "plain", "'quoted", ""]


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_formula_is_prefixed_in_an_atom_export(formula):
    assert guard_for_atom(formula) == "'" + formula


@pytest.mark.parametrize("text", TEXT)
def test_ordinary_text_is_left_as_it_is_for_an_atom_reimport(text):
    assert guard_for_atom(text) == text


@pytest.mark.parametrize("text", ["---", "-- Donald", "+1", *FORMULAS])
def test_a_file_only_for_spreadsheets_guards_every_formula_start(text):
    assert guard_for_spreadsheet(text) == "'" + text


@given(st.text(alphabet=st.sampled_from("'=+-@ (|!\t\raZ09"), max_size=12) | st.text(max_size=30))
def test_an_export_imports_back_to_the_same_text(value):
    assert unguard(guard_for_atom(value)) == value
