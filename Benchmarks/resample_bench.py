"""Resampling benchmark: harmonize against SimpleITK in the same run, on the same machine, with ratios.

Run: bash Benchmarks/run.sh   (builds harmonize in release mode, uses the test venv's SimpleITK)

Workloads (deterministic volumes, written once as uncompressed .nii so file I/O stays out of the timing):
  W1  512x512x300 int16 at 0.7x0.7x2.5 mm -> 1.0 mm isotropic, linear and cubic B-spline
  W2  256x256x160 float32 at 1 mm -> 0.5 mm, linear
  W3  512x512x300 uint8 label map with 10 labels at 0.7x0.7x2.5 mm -> 1.0 mm, harmonize nearest and label
      against SimpleITK nearest
Times are for the resampling stage alone: SimpleITK's sitk.Resample call in-process with 2 threads, and the
"resample" seconds harmonize reports (read and write excluded), best of --repeat runs. Peak RSS of each whole
harmonize process (read + resample + write) is compared with its input + output pixel bytes.
Each harmonize output is checked against SimpleITK resampling onto harmonize's own grid.

It also writes W1 and W2 as .nii.gz (SimpleITK's writer) into out/gz/, a folder of their own: ITK's NIfTI library
reads w1.nii's pixels when asked for w1.nii.gz if both are in one folder, so SimpleITK given out/w1.nii.gz never
inflated anything. interleaved_bench.py times those reads and the end-to-end runs, as medians of interleaved rounds.
"""
import argparse
import os
import re
import subprocess
import sys
import time

import numpy as np
import SimpleITK as sitk

HERE = os.path.dirname(os.path.abspath(__file__))


def phantom_int16():
    z, y, x = np.ogrid[0:300, 0:512, 0:512]
    body = ((x - 256) / 230.0) ** 2 + ((y - 256) / 190.0) ** 2 <= 1
    value = np.where(body, 40.0, -1024.0) + 300 * np.sin(x / 37.0) * np.cos(y / 23.0) * body + 200 * np.sin(z / 7.0) * body
    rng = np.random.default_rng(1)
    return (value + rng.normal(0, 20, (300, 512, 512)) * body).astype(np.int16)


def phantom_float32():
    z, y, x = np.ogrid[0:160, 0:256, 0:256]
    rng = np.random.default_rng(2)
    return (np.sin(x / 11.0) * np.cos(y / 13.0) * 500 + np.sin(z / 5.0) * 200 + rng.normal(0, 5, (160, 256, 256))).astype(np.float32)


def phantom_labels():
    z, y, x = np.ogrid[0:300, 0:512, 0:512]
    labels = np.zeros((300, 512, 512), np.uint8)
    for k in range(1, 11):
        cz, cy, cx = 30 + 24 * k, 100 + 30 * k, 380 - 25 * k
        labels[((x - cx) / 60.0) ** 2 + ((y - cy) / 45.0) ** 2 + ((z - cz) / 25.0) ** 2 <= 1] = k
    return labels


def make(path, array, spacing):
    if not os.path.exists(path):
        image = sitk.GetImageFromArray(array)
        image.SetSpacing(spacing)
        sitk.WriteImage(image, path)
    return path


def sitk_time(image, spacing, interpolator, repeat):
    size = [int(round(n * s / t)) for n, s, t in zip(image.GetSize(), image.GetSpacing(), spacing)]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        sitk.Resample(image, size, sitk.Transform(), interpolator, image.GetOrigin(), spacing, image.GetDirection(), 0,
                      image.GetPixelID())
        best = min(best, time.perf_counter() - start)
    return best


UNITS = {"B": 1, "KiB": 1024, "MiB": 1024 ** 2, "GiB": 1024 ** 3}


def harmonize_run(binary, source, target, args):
    """Runs harmonize once; returns its reported resample seconds and peak RSS in bytes.

    harmonize reports its own getrusage peak: the rusage a parent gets from wait4 counts the pages of this Python
    process (with its big arrays) that the child held between fork and exec."""
    result = subprocess.run([binary, "resample", source, target] + args, capture_output=True, text=True)
    seconds = re.search(r"resample ([0-9.]+) s", result.stdout)
    peak = re.search(r"peak memory ([0-9.]+) (B|KiB|MiB|GiB)", result.stdout)
    if result.returncode or not seconds or not peak:
        sys.exit(f"harmonize failed: {result.stdout} {result.stderr}")
    return float(seconds.group(1)), float(peak.group(1)) * UNITS[peak.group(2)]


def agreement(source, ours, interpolator, integer_output):
    """Max |ours - SimpleITK on our grid| in units of the input range, or mismatching voxels for nearest."""
    image = sitk.ReadImage(source)
    mine = sitk.ReadImage(ours)
    pixel = image.GetPixelID() if interpolator == sitk.sitkNearestNeighbor else sitk.sitkFloat32
    theirs = sitk.GetArrayFromImage(sitk.Resample(image, mine, sitk.Transform(), interpolator, 0, pixel)).astype(np.float64)
    a = sitk.GetArrayFromImage(mine).astype(np.float64)
    if interpolator == sitk.sitkNearestNeighbor:
        return f"{int((a != theirs).sum())} voxels differ"
    values = sitk.GetArrayViewFromImage(image)
    span = float(values.max()) - float(values.min())
    worst = float(np.abs(a - theirs).max())
    note = " (integer output rounded)" if integer_output else ""
    return f"max diff {worst:.4g} = {worst / span:.2e} of range{note}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--harmonize", default=os.path.join(HERE, "..", ".build", "release", "harmonize"))
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--out", default=os.path.join(HERE, "out"))
    options = parser.parse_args()
    os.makedirs(options.out, exist_ok=True)
    sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(2)
    w1 = make(os.path.join(options.out, "w1.nii"), phantom_int16(), (0.7, 0.7, 2.5))
    w2 = make(os.path.join(options.out, "w2.nii"), phantom_float32(), (1.0, 1.0, 1.0))
    w3 = make(os.path.join(options.out, "w3.nii"), phantom_labels(), (0.7, 0.7, 2.5))
    workloads = [
        ("W1 int16 linear", w1, (1.0, 1.0, 1.0), sitk.sitkLinear, ["--interpolation", "linear"], True),
        ("W1 int16 bspline", w1, (1.0, 1.0, 1.0), sitk.sitkBSpline, ["--interpolation", "bspline"], True),
        ("W2 float32 linear", w2, (0.5, 0.5, 0.5), sitk.sitkLinear, ["--interpolation", "linear"], False),
        ("W3 labels nearest", w3, (1.0, 1.0, 1.0), sitk.sitkNearestNeighbor, ["--interpolation", "nearest"], True),
        ("W3 labels label", w3, (1.0, 1.0, 1.0), sitk.sitkNearestNeighbor, ["--interpolation", "label"], True),
    ]
    rows = []
    for name, source, spacing, interpolator, args, integer in workloads:
        image = sitk.ReadImage(source)
        theirs = sitk_time(image, spacing, interpolator, options.repeat)
        # .mha keeps the output grid in double precision, so SimpleITK resamples onto exactly our grid (.nii would round
        # the origin to float32 and move exact ties).
        target = os.path.join(options.out, name.split()[0] + "_" + args[-1] + ".mha")
        runs = [harmonize_run(options.harmonize, source, target, ["--spacing", ",".join(map(str, spacing)), "--threads", "2"] + args)
                for _ in range(options.repeat)]
        ours = min(r[0] for r in runs)
        peak = max(r[1] for r in runs)
        input_bytes = image.GetNumberOfPixels() * image.GetSizeOfPixelComponent()
        out = sitk.ReadImage(target)
        output_bytes = out.GetNumberOfPixels() * out.GetSizeOfPixelComponent()
        check = agreement(source, target, interpolator, integer) \
            if args[-1] != "label" else f"labels {sorted(np.unique(sitk.GetArrayViewFromImage(out)).tolist())}"
        rows.append((name, theirs, ours, theirs / ours, peak / (input_bytes + output_bytes), check))
        print(f"  {name}: peak RSS {peak / 2**20:.0f} MiB for {input_bytes / 2**20:.0f} MiB in + {output_bytes / 2**20:.0f} MiB out", flush=True)
        del image
    print(f"{'workload':20} {'SimpleITK s':>11} {'harmonize s':>11} {'speed-up':>9} {'peak/(in+out)':>14}  agreement")
    for name, theirs, ours, ratio, memory, check in rows:
        print(f"{name:20} {theirs:11.3f} {ours:11.3f} {ratio:8.1f}x {memory:14.2f}  {check}")
    print("(SimpleITK W3 column: its nearest, the bar for harmonize's label mode.)")
    compressed_inputs(options, [w1, w2])


def compressed_inputs(options, workloads):
    """W1 and W2 as .nii.gz written by SimpleITK, alone in out/gz/ (see the module's note)."""
    folder = os.path.join(options.out, "gz")
    os.makedirs(folder, exist_ok=True)
    for raw in workloads:
        target = os.path.join(folder, os.path.basename(raw) + ".gz")
        if not os.path.exists(target):
            sitk.WriteImage(sitk.ReadImage(raw), target)


if __name__ == "__main__":
    main()
