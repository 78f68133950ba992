"""Peak memory of harmonize against SimpleITK, side by side in one run, for the large-volume workloads of issue 6.

  W4  481x681x681 int16 at 0.25 mm -> 0.5 mm isotropic (downsampling a large scan)
  W5  512x512x512 int16 at 0.5 mm -> 0.25 mm isotropic (upsampling: a 2 GiB output)

Each tool runs in its own process: harmonize reports its VmHWM; SimpleITK runs in a child Python whose VmHWM is read
the same way. Inputs are smooth synthetic volumes written as .nii.gz by SimpleITK. Prints seconds, peak memory and
the ratio SimpleITK / harmonize.
Usage: memory_bench.py [--only W5] [--keep DIR]
"""
import argparse
import os
import re
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--only")
    parser.add_argument("--keep")
    args = parser.parse_args()
    folder = args.keep or tempfile.mkdtemp(prefix="harmonize-membench-")
    workloads = [("W4", (681, 681, 481), 0.25, 0.5), ("W5", (512, 512, 512), 0.5, 0.25)]
    print(f"{'workload':8} {'tool':10} {'seconds':>8} {'peak':>10}")
    for name, shape, source, target in workloads:
        if args.only and name != args.only:
            continue
        src = os.path.join(folder, f"{name}.nii.gz")
        if not os.path.exists(src):
            make(src, shape, source)
        hs, hp, line = run_harmonize(src, os.path.join(folder, f"{name}.harmonize.nii.gz"), target)
        ss, sp = run_sitk(src, os.path.join(folder, f"{name}.sitk.nii.gz"), target)
        print(f"{name:8} {'harmonize':10} {hs:8.2f} {hp / 2**20:8.0f} MiB   ({line.split('(')[-1]}")
        print(f"{name:8} {'SimpleITK':10} {ss:8.2f} {sp / 2**20:8.0f} MiB")
        print(f"{name:8} peak ratio SimpleITK / harmonize = {sp / hp:.2f}, time ratio = {ss / hs:.2f}")
        for suffix in ("harmonize", "sitk"):
            try:
                os.remove(os.path.join(folder, f"{name}.{suffix}.nii.gz"))
            except OSError:
                pass


if __name__ == "__main__":
    main()
