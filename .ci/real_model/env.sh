# shellcheck shell=bash disable=SC2034
# Shared settings of the real-model lane (sourced by setup.sh, servers.sh, run.sh, corpus.sh).
# Pins: change them here only.
HOME_DIR="${EVALKIT_REAL_MODEL_HOME:-$HOME/.cache/evalkit-real-model}"
LLAMA_CPP_PYTHON_VERSION="0.3.16"
LITELLM_VERSION="1.106.2"
LLAMA_VENV="$HOME_DIR/llama-venv"
LITELLM_VENV="$HOME_DIR/litellm-venv"

GGUF_05B="$HOME_DIR/models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
GGUF_05B_SIZE=491400064
GGUF_05B_SHA256=1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32

GGUF_15B="$HOME_DIR/models/qwen2.5-coder-1.5b-instruct.gguf"
GGUF_15B_SIZE=1117320768
# Only the ends of this hash were published (cc324af070c2...3bb046); the full value is that of the
# first download (2026-12-03), whose size and both ends matched.
GGUF_15B_SHA256=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046

# Ports: these if set, else free ones picked at start (servers.sh records them in $RUN_DIR/ports).
LLAMA_PORT="${EVALKIT_LLAMA_PORT:-}"
LITELLM_PORT="${EVALKIT_LITELLM_PORT:-}"
RUN_DIR="${EVALKIT_REAL_MODEL_RUN_DIR:-$HOME_DIR/run}"
