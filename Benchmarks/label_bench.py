"""Label maps: harmonize's `label` and `nearest` modes against torch's `nearest-exact` and `nearest` (F.interpolate,
2 threads) and SimpleITK's nearest neighbour, for K = 2, 10 and 100 labels, fresh processes interleaved round by
round (order rotating). Medians [min-max] of the resampling stage alone, seconds.

Run: .venv/bin/python Benchmarks/label_bench.py [--rounds 5]   (torch comes with nnunetv2 in the test venv)

The maps are W3's shape: 512x512x300 uint8 at 0.7x0.7x2.5 mm, K ellipsoids (touching and overlapping for large K),
resampled to 1 mm (358x358x750); then W3 itself (resample_bench.py's 10-label phantom, out/w3.nii), when present.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys

import numpy as np
import SimpleITK as sitk

HERE = os.path.dirname(os.path.abspath(__file__))
HARMONIZE = os.path.join(HERE, "..", ".build", "release", "harmonize")
TORCH_CHILD = r"""
import json, sys, time, SimpleITK as sitk, torch
torch.set_num_threads(2)
array = sitk.GetArrayFromImage(sitk.ReadImage(sys.argv[1]))
tensor = torch.from_numpy(array)[None, None]
start = time.perf_counter()
torch.nn.functional.interpolate(tensor, size=(750, 358, 358), mode=sys.argv[2])
print(json.dumps({"resample": time.perf_counter() - start}))
"""
SITK_CHILD = r"""
import json, sys, time, SimpleITK as sitk
sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(2)
image = sitk.ReadImage(sys.argv[1])
start = time.perf_counter()
sitk.Resample(image, [358, 358, 750], sitk.Transform(), sitk.sitkNearestNeighbor, image.GetOrigin(), (1.0,) * 3,
              image.GetDirection(), 0, image.GetPixelID())
print(json.dumps({"resample": time.perf_counter() - start}))
"""


def label_map(k):
    z, y, x = np.ogrid[0:300, 0:512, 0:512]
    labels = np.zeros((300, 512, 512), np.uint8)
    rng = np.random.default_rng(k)
    for label in range(1, k + 1):
        cz, cy, cx = rng.uniform(40, 260), rng.uniform(80, 430), rng.uniform(80, 430)
        r = 130.0 / k ** (1 / 3)
        labels[((x - cx) / r) ** 2 + ((y - cy) / (0.8 * r)) ** 2 + ((z - cz) / (0.3 * r)) ** 2 <= 1] = label
    return labels


def child(code, *args):
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    if out.returncode:
        sys.exit(out.stderr[-2000:])
    return json.loads(out.stdout)["resample"]


def ours(path, mode, out):
    text = subprocess.run([HARMONIZE, "resample", path, out, "--spacing", "1", "--threads", "2", "--interpolation",
                           mode, "--no-sidecar"], capture_output=True, text=True, check=True).stdout
    return float(re.search(r"resample ([0-9.]+) s", text).group(1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", default=os.path.join(HERE, "out"))
    options = parser.parse_args()
    os.makedirs(options.out, exist_ok=True)
    tools = {
        "harmonize label": lambda p: ours(p, "label", os.path.join(options.out, "label_bench.mha")),
        "harmonize nearest": lambda p: ours(p, "nearest", os.path.join(options.out, "label_bench.mha")),
        "torch nearest-exact": lambda p: child(TORCH_CHILD, p, "nearest-exact"),
        "torch nearest": lambda p: child(TORCH_CHILD, p, "nearest"),
        "SimpleITK nearest": lambda p: child(SITK_CHILD, p),
    }
    print(f"{options.rounds} interleaved rounds; resampling stage, median [min-max] seconds")
    maps = [(f"K={k}", k) for k in (2, 10, 100)]
    if os.path.exists(os.path.join(options.out, "w3.nii")):
        maps.append(("W3", None))
    for title, k in maps:
        path = os.path.join(options.out, f"labels_k{k}.nii" if k else "w3.nii")
        if not os.path.exists(path):
            image = sitk.GetImageFromArray(label_map(k))
            image.SetSpacing((0.7, 0.7, 2.5))
            sitk.WriteImage(image, path)
        times = {name: [] for name in tools}
        names = list(tools)
        for r in range(options.rounds):
            for name in names[r % len(names):] + names[:r % len(names)]:
                times[name].append(tools[name](path))
        bar = statistics.median(times["torch nearest-exact"])
        for name, values in times.items():
            m = statistics.median(values)
            print(f"{title:6} {name:20} {m:.3f} [{min(values):.3f}-{max(values):.3f}]  torch nearest-exact / this "
                  f"{bar / m:.2f}x", flush=True)


if __name__ == "__main__":
    main()
