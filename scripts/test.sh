#!/usr/bin/env bash
# The whole test suite, then the eval gate (quality thresholds in eval/thresholds.yaml).
# Each stage prints its wall time, so a slow CI machine shows where the time went.
set -euo pipefail
cd "$(dirname "$0")/.."
stage() {
  local name=$1 start=$SECONDS; shift
  echo "== $name"
  "$@"
  echo "== $name: $((SECONDS - start)) s (total $SECONDS s)"
}
stage install bash scripts/install.sh --dev
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
export STUDYRAG_WORK_DIR="${STUDYRAG_WORK_DIR:-.studyrag}"
# A real generation (200+ prompt tokens) with the installed default model: a llama.cpp build
# that crashes on this CPU fails here, in seconds, before anything else runs.
stage doctor .venv/bin/studyrag doctor
stage tests .venv/bin/python -m pytest -q -p no:cacheprovider
stage ingest .venv/bin/studyrag ingest --quiet
# The seed gate. Deciding is extractive (the model only explains after the decided lead), so every suite is gated extractively in both modes, and
# the guide's own scenarios, FAQ and multiple choice again with the local model, whose drafts
# the verifier must accept often enough (fallback_rate_max) and which must cite correctly.
stage gate-extractive .venv/bin/studyrag eval --systems extractive --mode both --gate --quiet \
  --report-dir reports/ci-extractive
stage gate-model .venv/bin/studyrag eval --systems system --mode open --gate --quiet \
  --suites scenarios,faq,mcq --report-dir reports/ci
# The other study materials marked `ci: true`, answered extractively (eval/fresh/materials.yaml).
stage gate-materials .venv/bin/python scripts/gate_materials.py
