#!/usr/bin/env bash
# The whole test suite, then the eval gate (quality thresholds in eval/thresholds.yaml).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --dev
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
export STUDYRAG_WORK_DIR="${STUDYRAG_WORK_DIR:-.studyrag}"
# A real generation (200+ prompt tokens) with the installed default model: a llama.cpp build
# that crashes on this CPU fails here, in seconds, before anything else runs.
.venv/bin/studyrag doctor
.venv/bin/python -m pytest -q -p no:cacheprovider
.venv/bin/studyrag ingest --quiet
# The seed gate: open book with the local model; closed book extractively (the model writes
# only the explanation after the decided lead, and open book already gates that).
.venv/bin/studyrag eval --systems system --mode open --gate --quiet --report-dir reports/ci
.venv/bin/studyrag eval --systems extractive --mode closed --gate --quiet --report-dir reports/ci-closed
# The other study materials marked `ci: true`, answered extractively (eval/fresh/materials.yaml).
.venv/bin/python scripts/gate_materials.py
