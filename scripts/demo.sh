#!/usr/bin/env bash
# The README's first command: installs what is missing, builds harmonize (release), and runs the walkthrough on
# the bundled sample dataset in Samples/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
swift build -c release --product harmonize
HARMONIZE="$PWD/.build/release/harmonize" bash Samples/walkthrough.sh
