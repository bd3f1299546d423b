#!/usr/bin/env bash
# The real-model lane, end to end: set up (idempotent), start llama.cpp + LiteLLM, run
# `pytest -m real_model tests/real_model`, stop the servers (always, by trap).
#
# A setup failure (no registry, a failed compile, bad weights) makes the tests SKIP with the
# reason; a test failure fails this script. Servers that will not start after a good setup fail it.
#
#   bash .ci/real_model/run.sh            # from the repository root; PYTEST=... to choose pytest
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=env.sh
source "$here/env.sh"
cd "$repo" || exit 1

if [ -z "${PYTEST:-}" ]; then
  if [ -x "$repo/.venv/bin/pytest" ]; then PYTEST="$repo/.venv/bin/pytest"; else PYTEST=pytest; fi
fi

t0=$SECONDS
if bash "$here/setup.sh" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); then
  echo "== real-model setup done in $((SECONDS - t0)) s"
  trap 'bash "$here/servers.sh" stop' EXIT
  t1=$SECONDS
  if ! bash "$here/servers.sh" start; then
    echo "real-model lane: the servers did not start (logs in $RUN_DIR)" >&2
    exit 1
  fi
  echo "== servers up in $((SECONDS - t1)) s"
  # shellcheck disable=SC1091
  source "$RUN_DIR/env"
else
  reason="$(cat "$HOME_DIR/setup.failed" 2>/dev/null || echo "setup.sh failed")"
  echo "warning: real-model setup failed ($reason); the real_model tests will skip and say why"
  export EVALKIT_REAL_MODEL_SKIP="$reason"
fi

t2=$SECONDS
# Keep the lane's DuckDB files and YAMLs where a failure can be read afterwards.
"$PYTEST" -m real_model tests/real_model -q -p no:cacheprovider -rs \
  --basetemp "$RUN_DIR/pytest"
rc=$?
echo "== real_model tests: exit $rc in $((SECONDS - t2)) s (lane total $((SECONDS - t0)) s)"
exit $rc
