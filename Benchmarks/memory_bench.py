"""Peak memory of harmonize against SimpleITK, side by side in one run, for the large-volume workloads of issue 6.

  W4  481x681x681 int16 at 0.25 mm -> 0.5 mm isotropic (downsampling a large scan)
  W5  512x512x512 int16 at 0.5 mm -> 0.25 mm isotropic (upsampling: a 2 GiB output)

Each tool runs in its own process: harmonize reports its VmHWM; SimpleITK runs in a child Python whose VmHWM is read
the same way. Inputs are smooth synthetic volumes written as .nii.gz by SimpleITK, each alone in its folder. The two
tools alternate round by round (--rounds, at least 5); prints the median [min-max] of seconds (wall time of each whole
process) and of peak memory, and the ratios SimpleITK / harmonize of the medians.
Usage: memory_bench.py [--only W5] [--keep DIR] [--rounds 5]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import SimpleITK as sitk

HARMONIZE = os.path.join(os.path.dirname(__file__), "..", ".build", "release", "harmonize")

SITK_CHILD = r"""
import sys, SimpleITK as sitk
sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(2)
src, dst, t = sys.argv[1], sys.argv[2], float(sys.argv[3])
img = sitk.ReadImage(src)
size = [int(round(n * s / t)) for n, s in zip(img.GetSize(), img.GetSpacing())]
out = sitk.Resample(img, size, sitk.Transform(), sitk.sitkLinear, img.GetOrigin(), (t, t, t), img.GetDirection(), 0,
                    img.GetPixelID())
sitk.WriteImage(out, dst, True)
for line in open("/proc/self/status").read().splitlines():
    if line.startswith("VmHWM:"):
        print("PEAK", int(line.split()[1]) * 1024)
"""


def make(path, shape, spacing):
    z, y, x = np.ogrid[: shape[0], : shape[1], : shape[2]]
    data = (1000 * np.sin(x / 37.0) * np.cos(y / 23.0) + 3 * z).astype(np.int16)
    image = sitk.GetImageFromArray(data)
    image.SetSpacing((spacing,) * 3)
    sitk.WriteImage(image, path, True)


def run_harmonize(src, dst, spacing):
    start = time.time()
    out = subprocess.run([HARMONIZE, "resample", src, dst, "--spacing", str(spacing), "--no-sidecar"],
                         capture_output=True, text=True, check=True).stdout
    seconds = time.time() - start
    match = re.search(r"peak memory ([\d.]+) (MiB|GiB)", out)
    peak = float(match.group(1)) * (2**20 if match.group(2) == "MiB" else 2**30)
    return seconds, peak, out.strip()


def run_sitk(src, dst, spacing):
    start = time.time()
    out = subprocess.run([sys.executable, "-c", SITK_CHILD, src, dst, str(spacing)],
                         capture_output=True, text=True, check=True).stdout
    seconds = time.time() - start
    return seconds, float(re.search(r"PEAK (\d+)", out).group(1))


def spread(values, scale=1.0, digits=2):
    return f"{statistics.median(values) / scale:.{digits}f} [{min(values) / scale:.{digits}f}-{max(values) / scale:.{digits}f}]"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--only")
    parser.add_argument("--keep")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if args.rounds < 5:
        sys.exit("at least 5 rounds: a median of fewer says little on this machine")
    folder = args.keep or tempfile.mkdtemp(prefix="harmonize-membench-")
    workloads = [("W4", (681, 681, 481), 0.25, 0.5), ("W5", (512, 512, 512), 0.5, 0.25)]
    for name, shape, source, target in workloads:
        if args.only and name != args.only:
            continue
        src = os.path.join(folder, name, f"{name}.nii.gz")
        os.makedirs(os.path.dirname(src), exist_ok=True)
        if not os.path.exists(src):
            make(src, shape, source)
        ours, theirs, line = [], [], ""
        for round_index in range(args.rounds):
            runs = [("harmonize", lambda: run_harmonize(src, os.path.join(folder, f"{name}.harmonize.nii.gz"), target)),
                    ("SimpleITK", lambda: run_sitk(src, os.path.join(folder, f"{name}.sitk.nii.gz"), target))]
            if round_index % 2:
                runs.reverse()
            for tool, run in runs:
                result = run()
                if tool == "harmonize":
                    ours.append(result[:2])
                    line = result[2]
                else:
                    theirs.append(result)
            print(f"{name} round {round_index + 1}/{args.rounds} done", file=sys.stderr, flush=True)
        print(f"{name}: {args.rounds} interleaved rounds, median [min-max]   ({line.split('(')[-1]}")
        for tool, results in (("harmonize", ours), ("SimpleITK", theirs)):
            seconds, peaks = [r[0] for r in results], [r[1] for r in results]
            print(f"{name:4} {tool:10} {spread(seconds):>20} s {spread(peaks, 2**20, 0):>18} MiB")
        ratio_peak = statistics.median(r[1] for r in theirs) / statistics.median(r[1] for r in ours)
        ratio_time = statistics.median(r[0] for r in theirs) / statistics.median(r[0] for r in ours)
        print(f"{name:4} peak ratio SimpleITK / harmonize = {ratio_peak:.2f}, time ratio = {ratio_time:.2f}")
        for suffix in ("harmonize", "sitk"):
            try:
                os.remove(os.path.join(folder, f"{name}.{suffix}.nii.gz"))
            except OSError:
                pass


if __name__ == "__main__":
    main()
