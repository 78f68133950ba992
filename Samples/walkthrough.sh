#!/usr/bin/env bash
# Walkthrough on the bundled sample dataset. Run by `bash scripts/demo.sh` (which builds harmonize) and by the
# test suite (SamplesTests), so it cannot rot. HARMONIZE names the binary; default: the release build.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
harmonize="${HARMONIZE:-$here/../.build/release/harmonize}"
data="$here/Dataset001_Tiny"

echo "== 1. Headers of one training case, both channels and its label"
"$harmonize" info "$data/imagesTr/tiny_003_0000.nii.gz" "$data/imagesTr/tiny_003_0001.nii.gz" "$data/labelsTr/tiny_003.nii.gz"

echo
echo "== 2. The same as JSON, for scripts (one file)"
"$harmonize" info --json "$data/imagesTs/tiny_101_0000.nii.gz"

echo
echo "== 3. Resample a training case to 0.5 mm isotropic: both channels with linear interpolation, the label map"
echo "      with label-safe interpolation, all onto the same grid"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for channel in 0000 0001; do
  "$harmonize" resample "$data/imagesTr/tiny_003_$channel.nii.gz" "$out/tiny_003_$channel.nii.gz" --spacing 0.5
done
"$harmonize" resample "$data/labelsTr/tiny_003.nii.gz" "$out/tiny_003.nii.gz" --spacing 0.5 --interpolation label
"$harmonize" info "$out/tiny_003.nii.gz"

echo
echo "== 4. The same with a cap: no axis over 64 voxels; the spacing is coarsened just enough and stays isotropic"
"$harmonize" resample "$data/imagesTr/tiny_003_0000.nii.gz" "$out/capped.nii.gz" --spacing 0.5 --max-size 64

echo
echo "== 5. Fingerprint the training set (headers for geometry, pixels for intensities and labels)"
"$harmonize" fingerprint "$data" -o "$out/fingerprint.json"

echo
echo "== 6. Check the test case against it before nnU-Net runs: channels, spacing, orientation, intensities, memory"
"$harmonize" check "$data/imagesTs" --against "$out/fingerprint.json" --memory 16G

echo
echo "== 7. A flawed prediction folder: an extra channel file (nnU-Net's IndexError) and a scan stored sagittal"
mkdir -p "$out/flawed"
cp "$data/imagesTs/"*.nii.gz "$out/flawed/"
cp "$data/imagesTs/tiny_101_0001.nii.gz" "$out/flawed/tiny_101_0002.nii.gz"
"$harmonize" reorient "$data/imagesTs/tiny_101_0000.nii.gz" "$out/flawed/sag_0000.nii.gz" --to PIR
"$harmonize" reorient "$data/imagesTs/tiny_101_0001.nii.gz" "$out/flawed/sag_0001.nii.gz" --to PIR
status=0
"$harmonize" check "$out/flawed" --against "$out/fingerprint.json" --memory 16G || status=$?
echo "exit status $status"
[[ $status -eq 1 ]]

echo
echo "== 8. Convert the whole dataset to 0.5 mm: labels onto their case's grid, dataset.json copied, a manifest"
"$harmonize" batch "$data" "$out/Dataset001_Tiny_0.5mm" --spacing 0.5 --label-interpolation label
echo "   run it again: everything is already done (after a crash, only the rest would run)"
"$harmonize" batch "$data" "$out/Dataset001_Tiny_0.5mm" --spacing 0.5 --label-interpolation label

echo
echo "== 9. Look at every case before training: a static HTML report, each output beside its source"
"$harmonize" qc "$out/Dataset001_Tiny_0.5mm" --before "$data" --out "$out/qc"
echo "   open $out/qc/index.html in a browser (no server needed)"

echo
echo "== 10. A file that is not an image: one line naming it and the problem, exit status 2"
status=0
"$harmonize" info "$data/dataset.json" || status=$?
echo "exit status $status"
[[ $status -eq 2 ]]
