#!/usr/bin/env bash
# The README's test command: installs what is missing (apt packages, the .venv for conformance tests), builds,
# and runs every test (unit, CLI, conformance against SimpleITK and nibabel, samples walkthrough).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --python
export HARMONIZE_PYTHON="$PWD/.venv/bin/python"
swift build --build-tests
swift test --skip-build "$@"
