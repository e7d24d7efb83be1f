# Shared by scripts/*: create .venv if missing and (re)install the project when its metadata changed.
ensure_venv() {
    local extra="${1:-}"
    local python="${PYTHON:-python3}"
    if [ ! -x .venv/bin/python ]; then
        echo "Creating .venv with $($python --version)" >&2
        "$python" -m venv .venv
    fi
    # Exactly the versions tested, each checked by its hash (requirements*.lock, made by
    # pip-compile: scripts/lock re-locks them), then the project itself without resolving again.
    local lock="requirements.lock"
    [ -n "$extra" ] && lock="requirements-$extra.lock"
    # Reinstall only when the metadata or the lock changed or a different extra is asked for.
    local stamp=".venv/.archive-jobs-installed"
    local want
    want="$extra $(cat setup.cfg pyproject.toml "$lock" | sha1sum | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || ! grep -qxF "$want" "$stamp"; then
        echo "Installing $lock into .venv" >&2
        .venv/bin/python -m pip install --quiet --upgrade pip >&2
        # --no-compile, then compileall on every core: pip compiles one module at a time (a third
        # of a fresh install, 57 -> 40 s). Compiled once here, because where PYTHONDONTWRITEBYTECODE
        # is set nothing else writes them, and each process (PDF helpers too) would compile
        # WeasyPrint again at start: seconds and ~10 MB each.
        .venv/bin/python -m pip install --quiet --no-compile --require-hashes -r "$lock" >&2
        .venv/bin/python -m pip install --quiet --no-compile --no-deps -e . >&2
        .venv/bin/python -m compileall -q -j0 .venv/lib >/dev/null || echo "Some installed modules did not compile; Python compiles them on use." >&2
        echo "$want" >> "$stamp"
    fi
}
