"""dcm2niix against `harmonize convert` on one DICOM series, side by side in one run, rounds interleaved.

  D1  a 512 x 512 x 300 CT series (uint16 stored, 12 bits, RescaleIntercept -1024; 300 files, 150 MiB), made with
      pydicom from TotalSegmentator's real CT atlas (tiled to 512 x 512, its slices repeated to 300)

Outputs: uncompressed .nii (dcm2niix -z n) and gzipped .nii.gz (dcm2niix -z i, its internal compressor: Debian has
no pigz by default; harmonize's default deflate, ISA-L level 1 on two threads). harmonize flushes every output to
disk before renaming it into place (fsync: a crash never leaves a cut file under the final name); dcm2niix leaves it
in the page cache, so the ".nii synced" row adds an fsync of dcm2niix's file to its time. Every round runs each tool once in
a fresh process, in alternating order; the table gives the median wall time and peak RSS of 5 rounds, their spread,
and the ratio dcm2niix / harmonize. Both outputs are checked to hold the same voxels in physical space.
Usage: dicom_bench.py [--rounds 5] [--keep FOLDER]
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

import nibabel as nib
import numpy as np
import SimpleITK as sitk

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
HARMONIZE = os.path.join(ROOT, ".build", "release", "harmonize")
sys.path.insert(0, os.path.join(ROOT, "Tests", "ConformanceTests", "python"))
from dicom_series import Series  # noqa: E402


def make_series(folder):
    cache = os.path.join(ROOT, ".cache", "realscans")
    wheel = sorted(glob.glob(os.path.join(cache, "totalsegmentator-*.whl")))[-1]
    with zipfile.ZipFile(wheel) as archive, tempfile.NamedTemporaryFile(suffix=".nii.gz") as f:
        f.write(archive.read("totalsegmentator/resources/ct_brain_atlas_1mm.nii.gz"))
        f.flush()
        atlas = sitk.GetArrayFromImage(sitk.ReadImage(f.name)).astype(np.int16)
    z, y, x = atlas.shape
    tiled = np.tile(atlas, (1, 512 // y + 1, 512 // x + 1))[:, :512, :512]
    volume = tiled[np.arange(300) * z // 300]
    series = Series("CT", "benchmark CT", 1, (0.7, 0.7), np.eye(3))
    for k in range(300):
        series.add(volume[k] + 1024, (-180.0, -180.0, -150.0 + 1.0 * k))
    series.write(folder, np.random.default_rng(0), bits_stored=12, intercept=-1024)


def measure(command, sync_glob=None):
    """Wall seconds and peak RSS (bytes, the kernel's ru_maxrss of the child) of one run; with `sync_glob`, the time
    includes flushing the files it made to disk (harmonize flushes its outputs itself before renaming them)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if sync_glob:
        for path in glob.glob(sync_glob):
            with open(path, "rb") as f:
                os.fsync(f.fileno())
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{command[0]} failed: {output[-800:]}")
    return seconds, usage.ru_maxrss * 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep")
    args = parser.parse_args()
    if not shutil.which("dcm2niix"):
        raise SystemExit("needs dcm2niix (scripts/install.sh --python installs it)")
    work = args.keep or tempfile.mkdtemp()
    series = os.path.join(work, "series")
    if not os.path.isdir(series):
        make_series(series)
    out = os.path.join(work, "out")
    os.makedirs(out, exist_ok=True)
    tools = {
        (".nii", "dcm2niix"): ["dcm2niix", "-z", "n", "-f", "d2n", "-o", out, series],
        (".nii", "harmonize"): [HARMONIZE, "convert", series, os.path.join(out, "h.nii")],
        (".nii.gz", "dcm2niix"): ["dcm2niix", "-z", "i", "-f", "d2n", "-o", out, series],
        (".nii.gz", "harmonize"): [HARMONIZE, "convert", series, os.path.join(out, "h.nii.gz")],
    }
    tools[(".nii synced", "dcm2niix")] = tools[(".nii", "dcm2niix")]
    tools[(".nii synced", "harmonize")] = tools[(".nii", "harmonize")]
    endings = (".nii", ".nii synced", ".nii.gz")
    samples = {key: [] for key in tools}
    for round_ in range(args.rounds):
        for ending in endings:
            order = ["dcm2niix", "harmonize"] if round_ % 2 == 0 else ["harmonize", "dcm2niix"]
            for tool in order:
                if tool == "dcm2niix":
                    for stale in glob.glob(os.path.join(out, "d2n*")):
                        os.remove(stale)
                synced = os.path.join(out, "d2n*.nii") if ending == ".nii synced" and tool == "dcm2niix" else None
                samples[(ending, tool)].append(measure(tools[(ending, tool)], synced))
    # Same voxels in physical space (the last round's .nii.gz outputs).
    ours = nib.as_closest_canonical(nib.load(os.path.join(out, "h.nii.gz")))
    theirs = nib.as_closest_canonical(nib.load(sorted(glob.glob(os.path.join(out, "d2n*.nii*")))[0]))
    same = np.array_equal(ours.get_fdata(), theirs.get_fdata()) and np.allclose(ours.affine, theirs.affine, atol=1e-4)
    print("D1: 512 x 512 x 300 CT series, 300 files; median of %d interleaved rounds (min-max)" % args.rounds)
    print("| output | dcm2niix | harmonize | ratio | dcm2niix peak | harmonize peak |")
    print("| --- | --- | --- | --- | --- | --- |")
    report = {}
    for ending in endings:
        d = np.array(samples[(ending, "dcm2niix")])
        h = np.array(samples[(ending, "harmonize")])
        ds, hs = np.median(d[:, 0]), np.median(h[:, 0])
        dm, hm = np.median(d[:, 1]), np.median(h[:, 1])
        print(f"| {ending} | {ds:.2f} s ({d[:, 0].min():.2f}-{d[:, 0].max():.2f}) | {hs:.2f} s "
              f"({h[:, 0].min():.2f}-{h[:, 0].max():.2f}) | {ds / hs:.2f}x | {dm / 2**20:.0f} MiB | {hm / 2**20:.0f} MiB |")
        report[ending] = {"dcm2niix_s": ds, "harmonize_s": hs, "ratio": ds / hs, "dcm2niix_rss": dm,
                          "harmonize_rss": hm}
    print(f"same voxels and grid as dcm2niix: {same}")
    print(json.dumps(report))
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
