# Shared by scripts/*: create .venv if missing and (re)install the project when its metadata changed.
ensure_venv() {
    local extra="${1:-}"
    local python="${PYTHON:-python3}"
    if [ ! -x .venv/bin/python ]; then
        echo "Creating .venv with $($python --version)" >&2
        "$python" -m venv .venv
    fi
    local spec="."
    [ -n "$extra" ] && spec=".[$extra]"
    # Reinstall only when setup.cfg/pyproject.toml changed or a different extra is asked for.
    local stamp=".venv/.archive-jobs-installed"
    local want
    want="$extra $(cat setup.cfg pyproject.toml | sha1sum | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || ! grep -qxF "$want" "$stamp"; then
        echo "Installing $spec into .venv" >&2
        .venv/bin/python -m pip install --quiet --upgrade pip >&2
        # --no-compile: Python compiles what is imported on first use; compiling every installed
        # module up front was a third of a fresh install (57 -> 40 s).
        .venv/bin/python -m pip install --quiet --no-compile -e "$spec" >&2
        echo "$want" >> "$stamp"
    fi
}
