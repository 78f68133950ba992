#!/usr/bin/env bash
# Installs what Harmonize needs on Debian 12 and is missing: ITK 5.2 ImageIO (GDCM comes with it), zlib, libdeflate, ISA-L (igzip), and (with --python) a Python
# virtual environment at .venv with SimpleITK and nibabel for the conformance tests. Idempotent: it runs
# `apt-get update` only when a package is missing, and touches the venv only when an import fails.
set -euo pipefail
cd "$(dirname "$0")/.."

want_python=0
[[ "${1:-}" == "--python" ]] && want_python=1

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

packages=(libinsighttoolkit5-dev libgdcm-dev zlib1g-dev libdeflate-dev libisal-dev)
if (( want_python )); then
  command -v python3 >/dev/null || packages+=(python3)
  # Debian strips ensurepip from python3; without python3-venv, `python3 -m venv` fails to create a venv.
  python3 -c "import ensurepip" >/dev/null 2>&1 || packages+=(python3-venv)
  # dcm2niix: the DICOM conformance tests' second oracle (SimpleITK's series reader is the first).
  packages+=(dcm2niix)
  # Headless Chromium: the QC report's tests open it in a real browser.
  packages+=(chromium)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} )); then
  echo "install: apt packages: ${missing[*]}" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if (( want_python )); then
  # Test-only Python packages: independent implementations we check ourselves against.
  if ! .venv/bin/python -c "import SimpleITK, nibabel, numpy" 2>/dev/null; then
    echo "install: Python venv .venv with SimpleITK, nibabel, numpy" >&2
    python3 -m venv .venv
    .venv/bin/python -m pip install -q --disable-pip-version-check "SimpleITK>=2.3" "nibabel>=5.2" "numpy>=1.24"
  fi
  # pydicom writes the DICOM test series from real volumes, and ships real DICOM files of its own.
  if ! .venv/bin/python -c "import pydicom" 2>/dev/null; then
    echo "install: pydicom into .venv" >&2
    .venv/bin/python -m pip install -q --disable-pip-version-check "pydicom==3.0.1"
  fi
  # nnU-Net v2 itself, the oracle for the nnU-Net modes (it brings torch: about 6 GB and 6 minutes once; the venv
  # keeps it). batchgenerators, scipy and scikit-image are pinned: their resize and tie-breaking rules are what the
  # tests compare against.
  if ! .venv/bin/python -c "import nnunetv2" 2>/dev/null; then
    echo "install: nnunetv2 2.8.1 into .venv (torch included; a few minutes)" >&2
    .venv/bin/python -m pip install -q --disable-pip-version-check "nnunetv2==2.8.1" "batchgenerators==0.25.5" \
      "scipy==1.17.1" "scikit-image==0.26.0"
  fi
  # Real scans for the conformance tests, shipped inside PyPI wheels (nilearn's MNI152 templates, dipy's MR test
  # data, TotalSegmentator's 1 mm CT brain atlas): downloaded once into .cache/realscans, never installed or committed.
  if ! ls .cache/realscans/nilearn-*.whl .cache/realscans/dipy-*.whl .cache/realscans/totalsegmentator-*.whl >/dev/null 2>&1; then
    echo "install: real-scan wheels (nilearn, dipy, TotalSegmentator's CT atlas) into .cache/realscans" >&2
    mkdir -p .cache/realscans
    .venv/bin/python -m pip download -q --disable-pip-version-check --no-deps -d .cache/realscans "nilearn==0.14.1" \
      "dipy==1.12.1" "TotalSegmentator==2.18.0"
  fi
  # A real head CT in Hounsfield units (air at -1000): the example project of Debian's invesalius-examples (19 MB),
  # for the domain-shift benchmark. Only the .deb is fetched, never installed; apt's lists are fetched first when
  # this machine has none (a fresh image).
  if ! ls .cache/realscans/invesalius-examples_*.deb >/dev/null 2>&1; then
    echo "install: invesalius-examples .deb (a real head CT) into .cache/realscans" >&2
    mkdir -p .cache/realscans
    if ! (cd .cache/realscans && apt-get download -q invesalius-examples >/dev/null 2>&1); then
      as_root apt-get update -qq
      (cd .cache/realscans && apt-get download -q invesalius-examples >/dev/null)
    fi
  fi
fi
