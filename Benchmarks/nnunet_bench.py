"""nnU-Net's own resampling against harmonize's nnU-Net mode, side by side in one run, on the same input.

  N1  512x512x300 int16 CT-like at 0.7x0.7x2.5 mm -> 1 mm isotropic, image (anisotropic: cubic in-plane, nearest z)
  N2  the same volume's 4-label segmentation -> 1 mm, nnU-Net's segmentation resampling

nnU-Net runs `resample_data_or_seg_to_shape` with the plans' default kwargs (and, for images, its torch variant
`resample_torch_fornnunet` when nnunetv2 has it) in a child Python that reads the file with SimpleITK as nnU-Net's
default reader does; harmonize runs `resample --interpolation nnunet` / `nnunet-label`. Each tool's peak memory is its
process's VmHWM; seconds are the resampling stage only (nnU-Net: the call; harmonize: its own "resample" figure) and
the whole run. The tools alternate round by round (--rounds, at least 5); prints medians [min-max] and the ratios of
the medians nnU-Net / harmonize. Usage: nnunet_bench.py [--threads 2] [--rounds 5]
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

NNUNET_CHILD = r"""
import sys, time
import numpy as np, SimpleITK as sitk
import torch
from nnunetv2.preprocessing.resampling.default_resampling import compute_new_shape, resample_data_or_seg_to_shape
src, mode, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
torch.set_num_threads(threads)
image = sitk.ReadImage(src)
data = sitk.GetArrayFromImage(image)[None].astype(np.float32)
spacing = list(image.GetSpacing())[::-1]
target = [1.0, 1.0, 1.0]
shape = compute_new_shape(data.shape[1:], spacing, target)
start = time.time()
if mode == "torch":
    from nnunetv2.preprocessing.resampling.resample_torch import resample_torch_fornnunet
    out = resample_torch_fornnunet(data, shape, spacing, target, is_seg=False, num_threads=threads,
                                   device=torch.device("cpu"))
else:
    seg = mode == "seg"
    out = resample_data_or_seg_to_shape(data, shape, spacing, target, is_seg=seg, order=1 if seg else 3, order_z=0,
                                        force_separate_z=None)
print("SECONDS", time.time() - start)
for line in open("/proc/self/status").read().splitlines():
    if line.startswith("VmHWM:"):
        print("PEAK", int(line.split()[1]) * 1024)
"""


def make(folder):
    z, y, x = np.ogrid[:300, :512, :512]
    body = ((x - 256) ** 2 + (y - 256) ** 2) < 220 ** 2
    ct = np.where(body, 40 + 400 * np.sin(x / 23.0) * np.cos(y / 31.0) + z, -1000).astype(np.int16)
    image = sitk.GetImageFromArray(ct)
    image.SetSpacing((0.7, 0.7, 2.5))
    sitk.WriteImage(image, os.path.join(folder, "ct.nii.gz"))
    labels = np.digitize(ct, [-500, 0, 200]).astype(np.uint8)
    seg = sitk.GetImageFromArray(labels)
    seg.CopyInformation(image)
    sitk.WriteImage(seg, os.path.join(folder, "seg.nii.gz"))


def run_nnunet(src, mode, threads):
    start = time.time()
    out = subprocess.run([sys.executable, "-c", NNUNET_CHILD, src, mode, str(threads)], capture_output=True, text=True)
    if out.returncode != 0:
        return None
    seconds = float(re.search(r"SECONDS ([\d.e+-]+)", out.stdout).group(1))
    peak = int(re.search(r"PEAK (\d+)", out.stdout).group(1))
    return seconds, time.time() - start, peak


def run_harmonize(src, dst, interpolation, threads):
    start = time.time()
    out = subprocess.run([HARMONIZE, "resample", src, dst, "--spacing", "1", "--interpolation", interpolation,
                          "--threads", str(threads), "--no-sidecar"], capture_output=True, text=True, check=True).stdout
    total = time.time() - start
    stage = float(re.search(r"resample ([\d.]+) s", out).group(1))
    match = re.search(r"peak memory ([\d.]+) (MiB|GiB)", out)
    peak = float(match.group(1)) * (2**20 if match.group(2) == "MiB" else 2**30)
    return stage, total, peak


def cell(values, scale=1.0, digits=2):
    return (f"{statistics.median(values) / scale:.{digits}f} "
            f"[{min(values) / scale:.{digits}f}-{max(values) / scale:.{digits}f}]")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if args.rounds < 5:
        sys.exit("at least 5 rounds: a median of fewer says little on this machine")
    with tempfile.TemporaryDirectory() as folder:
        make(folder)
        print(f"{args.rounds} interleaved rounds, median [min-max]")
        print("workload  tool               resample s              total s                peak MiB")
        for name, src, mode, interpolation in [("N1", "ct.nii.gz", "data", "nnunet"),
                                               ("N2", "seg.nii.gz", "seg", "nnunet-label")]:
            path = os.path.join(folder, src)
            tools = {"harmonize": lambda: run_harmonize(path, os.path.join(folder, "out_" + src), interpolation,
                                                        args.threads),
                     "nnU-Net default": lambda: run_nnunet(path, mode, args.threads)}
            if mode == "data":
                tools["nnU-Net torch"] = lambda: run_nnunet(path, "torch", args.threads)
            runs = {tool: [] for tool in tools}
            for r in range(args.rounds):
                names = list(tools)
                for tool in names[r % len(names):] + names[:r % len(names)]:
                    result = tools[tool]()
                    if result:
                        runs[tool].append(result)
                print(f"{name} round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)
            ours = [statistics.median(r[i] for r in runs["harmonize"]) for i in range(3)]
            for tool, results in runs.items():
                if not results:
                    continue
                print(f"{name}        {tool:18} {cell([r[0] for r in results]):>22} {cell([r[1] for r in results]):>22} "
                      f"{cell([r[2] for r in results], 2**20, 0):>16}")
                if tool != "harmonize":
                    theirs = [statistics.median(r[i] for r in results) for i in range(3)]
                    print(f"{name}        ratio {tool} / harmonize: resample {theirs[0] / ours[0]:.1f}x, "
                          f"peak memory {theirs[2] / ours[2]:.1f}x")


if __name__ == "__main__":
    main()
