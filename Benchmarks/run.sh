#!/usr/bin/env bash
# Builds harmonize in release mode and runs the resampling benchmark against SimpleITK (from the test venv).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --python
swift build -c release --product harmonize
.venv/bin/python Benchmarks/resample_bench.py "$@"
