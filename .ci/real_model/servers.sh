#!/usr/bin/env bash
# Start or stop the lane's servers: llama.cpp's OpenAI-compatible server (llama-cpp-python) with
# Qwen2.5-Coder-0.5B, and a LiteLLM proxy in front of it.
#
#   servers.sh start   start both (unless already up), wait until ready, write $RUN_DIR/env
#   servers.sh stop    stop what start started (by the pids it recorded)
#   servers.sh start-llama   only the llama server (the reply corpus needs no proxy)
#   servers.sh env     print the export lines the tests read
#
# EVALKIT_REAL_MODEL_GGUF / EVALKIT_REAL_MODEL_ALIAS serve other weights; EVALKIT_REAL_MODEL_RUN_DIR
# keeps a second set of servers apart; EVALKIT_REAL_MODEL_NICE lowers the llama server's priority.
#
# The tests read EVALKIT_LLAMA_URL (http://127.0.0.1:P/v1), EVALKIT_LITELLM_URL
# (http://127.0.0.1:Q, no /v1: the anthropic SDK adds /v1/messages itself), EVALKIT_LITELLM_KEY
# (the proxy's master key, made at start) and EVALKIT_LLAMA_MODEL.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=env.sh
source "$here/env.sh"

MODEL_ALIAS="${EVALKIT_REAL_MODEL_ALIAS:-qwen2.5-coder-0.5b-instruct-q4_k_m}"
GGUF="${EVALKIT_REAL_MODEL_GGUF:-$GGUF_05B}"
mkdir -p "$RUN_DIR"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The ports of servers started before (still running) win; then the environment; then free ones.
if [ -f "$RUN_DIR/ports" ]; then
  # shellcheck disable=SC1091
  source "$RUN_DIR/ports"
fi
LLAMA_PORT="${LLAMA_PORT:-$(free_port)}"
LITELLM_PORT="${LITELLM_PORT:-$(free_port)}"
LLAMA_URL="http://127.0.0.1:$LLAMA_PORT"
LITELLM_URL="http://127.0.0.1:$LITELLM_PORT"

ready() { curl -fs -o /dev/null --max-time 5 "$1"; }

wait_ready() {  # url seconds pidfile name
  local url="$1" limit="$2" pidfile="$3" name="$4" t0=$SECONDS
  until ready "$url"; do
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "$name exited while starting; last lines of its log:" >&2
      tail -20 "$RUN_DIR/$name.log" >&2
      return 1
    fi
    if ((SECONDS - t0 > limit)); then
      echo "$name not ready after ${limit}s at $url" >&2
      tail -20 "$RUN_DIR/$name.log" >&2
      return 1
    fi
    sleep 1
  done
  echo "== $name ready at $url in $((SECONDS - t0)) s"
}

litellm_config() {
  # Two names for the same llama server (a router can split en and zh over them), a name whose
  # only deployment is dead (port 9: nothing listens) with a fallback to a live one, and the
  # llama server's own id. drop_params: llama.cpp rejects nothing, but other params stay harmless.
  cat >"$RUN_DIR/litellm.yaml" <<YAML
model_list:
  - model_name: qwen-en
    litellm_params: {model: openai/$MODEL_ALIAS, api_base: $LLAMA_URL/v1, api_key: sk-no-key}
  - model_name: qwen-zh
    litellm_params: {model: openai/$MODEL_ALIAS, api_base: $LLAMA_URL/v1, api_key: sk-no-key}
  - model_name: qwen-dead
    litellm_params: {model: openai/$MODEL_ALIAS, api_base: http://127.0.0.1:9/v1, api_key: sk-no-key}
router_settings:
  fallbacks: [{qwen-dead: [qwen-en]}]
  num_retries: 0
litellm_settings:
  drop_params: true
  request_timeout: 300
YAML
}

start_llama() {
  if [ -f "$RUN_DIR/llama.pid" ] && kill -0 "$(cat "$RUN_DIR/llama.pid")" 2>/dev/null && ready "$LLAMA_URL/v1/models"; then
    echo "== llama server already running at $LLAMA_URL"
    return
  fi
  [ -f "$GGUF" ] || { echo "no weights at $GGUF: run setup.sh first" >&2; return 1; }
  # One thread: on 2 shared cores it is faster than two under load (about 20 tokens/s). The chat
  # template comes from the GGUF (no --chat_format).
  nohup nice -n "${EVALKIT_REAL_MODEL_NICE:-0}" "$LLAMA_VENV/bin/python" -m llama_cpp.server --model "$GGUF" --model_alias "$MODEL_ALIAS" \
    --n_threads 1 --n_threads_batch 1 --n_ctx 4096 --host 127.0.0.1 --port "$LLAMA_PORT" \
    >"$RUN_DIR/llama.log" 2>&1 &
  echo $! >"$RUN_DIR/llama.pid"
  wait_ready "$LLAMA_URL/v1/models" 120 "$RUN_DIR/llama.pid" llama
}

start_litellm() {
  if [ -f "$RUN_DIR/litellm.pid" ] && kill -0 "$(cat "$RUN_DIR/litellm.pid")" 2>/dev/null && ready "$LITELLM_URL/health/liveliness"; then
    echo "== litellm proxy already running at $LITELLM_URL"
    return
  fi
  litellm_config
  # The proxy refuses to start without a master key: a fresh random one per start, kept only in
  # $RUN_DIR (never in the repository); the tests send it through evalkit's api_key_env.
  LITELLM_KEY="sk-lane-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
  printf '%s\n' "$LITELLM_KEY" >"$RUN_DIR/litellm.key"
  chmod 600 "$RUN_DIR/litellm.key"
  # LOCAL_MODEL_COST_MAP: no fetch of the cost map from the internet at import.
  # USE_CHAT_COMPLETIONS_URL_FOR_ANTHROPIC_MESSAGES: /v1/messages goes to the backend's
  # /v1/chat/completions (llama.cpp has no /v1/responses).
  LITELLM_MASTER_KEY="$LITELLM_KEY" LITELLM_LOCAL_MODEL_COST_MAP=True LITELLM_USE_CHAT_COMPLETIONS_URL_FOR_ANTHROPIC_MESSAGES=True \
    LITELLM_TELEMETRY=False NO_DOCS=True \
    nohup "$LITELLM_VENV/bin/litellm" --config "$RUN_DIR/litellm.yaml" --host 127.0.0.1 \
    --port "$LITELLM_PORT" --num_workers 1 >"$RUN_DIR/litellm.log" 2>&1 &
  echo $! >"$RUN_DIR/litellm.pid"
  wait_ready "$LITELLM_URL/health/liveliness" 120 "$RUN_DIR/litellm.pid" litellm
}

write_env() {
  cat >"$RUN_DIR/env" <<ENV
export EVALKIT_LLAMA_URL=$LLAMA_URL/v1
export EVALKIT_LLAMA_MODEL=$MODEL_ALIAS
export EVALKIT_LITELLM_URL=$LITELLM_URL
export EVALKIT_LITELLM_KEY=$(cat "$RUN_DIR/litellm.key")
ENV
  chmod 600 "$RUN_DIR/env"
}

stop_one() {
  local pidfile="$RUN_DIR/$1.pid"
  [ -f "$pidfile" ] || return 0
  local pid
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    echo "== stopped $1 (pid $pid)"
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  start)
    printf 'LLAMA_PORT=%s\nLITELLM_PORT=%s\n' "$LLAMA_PORT" "$LITELLM_PORT" >"$RUN_DIR/ports"
    start_llama && start_litellm && write_env
    ;;
  start-llama)
    printf 'LLAMA_PORT=%s\nLITELLM_PORT=%s\n' "$LLAMA_PORT" "$LITELLM_PORT" >"$RUN_DIR/ports"
    start_llama && echo "export EVALKIT_LLAMA_URL=$LLAMA_URL/v1" >"$RUN_DIR/env"
    ;;
  stop) stop_one litellm; stop_one llama; rm -f "$RUN_DIR/env" "$RUN_DIR/ports" "$RUN_DIR/litellm.key" ;;
  env) write_env; cat "$RUN_DIR/env" ;;
  *) echo "usage: servers.sh start|start-llama|stop|env" >&2; exit 2 ;;
esac
