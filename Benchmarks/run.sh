#!/usr/bin/env bash
# Builds harmonize in release mode and runs the resampling benchmark against SimpleITK (from the test venv).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --python
swift build -c release --product harmonize
.venv/bin/python Benchmarks/resample_bench.py "$@"
# The same workloads in fresh processes, interleaved round by round with SimpleITK: medians and spreads.
if [ "${HARMONIZE_INTERLEAVED_BENCH:-1}" = 1 ]; then .venv/bin/python Benchmarks/interleaved_bench.py; fi
# Label maps with K = 2, 10 and 100 labels: label and nearest modes against torch's nearest-exact and nearest.
if [ "${HARMONIZE_LABEL_BENCH:-1}" = 1 ]; then .venv/bin/python Benchmarks/label_bench.py; fi
# Peak memory of the large-volume workloads (W4 downsampling, W5 a 2 GiB upsampled output), SimpleITK side by side.
if [ "${HARMONIZE_MEMORY_BENCH:-1}" = 1 ]; then .venv/bin/python Benchmarks/memory_bench.py; fi
# nnU-Net's own resampling (nnunetv2 in the test venv) against harmonize's nnU-Net mode.
if [ "${HARMONIZE_NNUNET_BENCH:-1}" = 1 ]; then .venv/bin/python Benchmarks/nnunet_bench.py; fi
# nnUNetv2_predict against harmonize predict (same model, same scan, CPU): peak memory of the process trees and the
# time after inference.
if [ "${HARMONIZE_PREDICT_BENCH:-1}" = 1 ]; then .venv/bin/python Benchmarks/predict_bench.py; fi
# dcm2niix against harmonize convert on a 512 x 512 x 300 CT series (DICOM in).
if [ "${HARMONIZE_DICOM_BENCH:-1}" = 1 ]; then .venv/bin/python Benchmarks/dicom_bench.py; fi
