"""The production SECRET_KEY is judged by its randomness, not against a list (security review,
issue 24 L10): the placeholder in another case or in quotes, spaces, zeros and a short word
repeated were accepted, being 32 bytes long and not exactly an example value."""

from __future__ import annotations

import base64
import secrets
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import config

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = "change-me-to-a-long-random-string"
HOW_TO = 'python -c "import secrets; print(secrets.token_hex(32))"'


def start_with(key: str) -> str:
    """The SECRET_KEY a production start takes, or its refusal (config.WeakSettings, a SystemExit)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ARCHIVE_JOBS_ENV", "production")
        env.setenv("SECRET_KEY", key)
        return config.load(Path(tempfile.gettempdir()))["SECRET_KEY"]  # (production writes nothing there)


def refusal(key: str) -> str:
    with pytest.raises(config.WeakSettings) as refused:
        start_with(key)
    return str(refused.value.code)


def token_base64(nbytes: int) -> str:
    return base64.b64encode(secrets.token_bytes(nbytes)).decode()


@settings(max_examples=300, deadline=None)
@given(token=st.sampled_from([secrets.token_hex, secrets.token_urlsafe, token_base64]), nbytes=st.integers(32, 96))
def test_random_keys_of_32_bytes_or_more_start(token, nbytes):
    key = token(nbytes)
    assert start_with(key) == key


def case_changes(text: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(text), max_size=len(text)).map(
        lambda upper: "".join(c.upper() if u else c for c, u in zip(text, upper, strict=True))
    )


@settings(max_examples=100, deadline=None)
@given(
    placeholder=case_changes(PLACEHOLDER),
    quote=st.sampled_from(["", '"', "'"]),
    around=st.sampled_from(["", " ", "  "]),
    added=st.sampled_from(["", "-prod", "2026", PLACEHOLDER]),
)
def test_the_placeholder_in_any_case_quoted_or_padded_is_refused(placeholder, quote, around, added):
    assert HOW_TO in refusal(f"{around}{quote}{placeholder}{added}{quote}{around}")


@settings(max_examples=200, deadline=None)
@given(
    word=st.text(st.characters(codec="ascii", categories=["L", "N", "P", "S", "Zs"]), min_size=1, max_size=8),
    times=st.integers(1, 64),
)
def test_a_short_word_repeated_is_refused_however_long(word, times):
    key = word * max(times, -(-32 // len(word)))  # (32 characters at least: the length alone passes)
    assert HOW_TO in refusal(key)


@pytest.mark.parametrize("key", [" " * 32, "0" * 32, "0" * 64, "abc" * 11, "5f1c" * 16, "ab" * 40, " " * 8 + "x" * 40])
def test_spaces_zeros_and_patterns_are_refused_with_their_estimate(key):
    assert "too regular to be random (about" in refusal(key)


def test_sixteen_random_bytes_in_hex_are_refused_as_too_few():
    """32 hex characters hold 128 bits at most and always estimate below: 32 bytes are asked for."""
    assert all(config.secret_bits(secrets.token_hex(16)) < config.MIN_SECRET_BITS for _ in range(2000))


def test_the_key_printed_in_deploy_env_example_is_refused():
    example = ROOT / "deploy" / "env.example"
    line = next(line for line in example.read_text().splitlines() if line.startswith("SECRET_KEY="))
    assert HOW_TO in refusal(line.removeprefix("SECRET_KEY="))
