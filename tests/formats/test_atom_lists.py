"""AtoM's "|" lists: every list of values comes back from its cell, a "|" inside a value too."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from actors.formats.atom_csv.columns import join_list, split_list

VALUE = (
    st.text(alphabet=st.sampled_from("ab |v\\-NUL"), max_size=8)
    .map(str.strip)
    .filter(lambda v: v != "NULL" and not v.endswith("\\"))
)


@given(st.lists(VALUE, min_size=1, max_size=5).filter(any))
def test_a_list_comes_back_from_its_cell(values):
    assert split_list(join_list(values)) == values


def test_a_marc_subdivision_in_a_subject_stays_one_subject():
    cell = join_list(["Art, Medieval |v Addresses, essays", "Poetry"])
    assert split_list(cell) == ["Art, Medieval |v Addresses, essays", "Poetry"]
