"""`nnUNetv2_predict_from_modelfolder` against `harmonize predict`, side by side in one run, same model, same scan.

  P1  a 512 x 512 x 400 int16 CT-like scan at 0.7 x 0.7 x 0.5 mm; a 15-class model planned at 1.5 mm isotropic
      (the CPU-sized random-weight PlainConvUNet of Tests/ConformanceTests/python/nnunet_model.py, fold 0, no TTA)

Both run on the CPU with the same nnunetv2. nnU-Net runs with `-npp 1 -nps 1` (one preprocessing and one export
worker: its smallest parallel setting; its defaults start three of each). harmonize runs `predict --export exact` and
`--export labels`. Peak memory is the largest sum of resident memory over the whole process tree (sampled every 20
ms); "after inference" is the time from the end of the network's sliding window (nnU-Net: its "sending off prediction"
line; harmonize: the runner's case event) to the end of the run. Prints the ratios nnU-Net / harmonize and the
agreement of the label maps.
Usage: predict_bench.py [--keep FOLDER] [--classes 15]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np
import SimpleITK as sitk

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
HARMONIZE = os.path.join(ROOT, ".build", "release", "harmonize")
MODEL_TOOL = os.path.join(ROOT, "Tests", "ConformanceTests", "python", "nnunet_model.py")
ORACLE = os.path.join(ROOT, "Tests", "ConformanceTests", "python", "nnunet_oracle.py")


def tree_rss(pid):
    """Resident bytes of a process and all its descendants."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            pass
    return total


def run(command, marker, env=None):
    """Runs command; returns (seconds, peak tree RSS, seconds after the first stdout line containing marker)."""
    start = time.time()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    marked, lines = None, []
    for line in process.stdout:
        lines.append(line)
        if marked is None and marker in line:
            marked = time.time()
    process.wait()
    end = time.time()
    done.set()
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"{command[0]} failed ({process.returncode}):\n" + "".join(lines[-30:]))
    return end - start, peak[0], (end - marked) if marked else float("nan")


def make(folder, classes, python):
    z, y, x = np.ogrid[:400, :512, :512]
    body = ((x - 256) ** 2 / 230.0 ** 2 + (y - 256) ** 2 / 200.0 ** 2) < 1
    ct = np.where(body, 40 + 300 * np.sin(x / 23.0) * np.cos(y / 31.0) + 0.5 * z, -1024).astype(np.int16)
    image = sitk.GetImageFromArray(ct)
    image.SetSpacing((0.7, 0.7, 0.5))
    os.makedirs(os.path.join(folder, "in"), exist_ok=True)
    sitk.WriteImage(image, os.path.join(folder, "in", "big_001_0000.nii.gz"))
    cache = os.path.join(ROOT, ".cache", "realscans")
    raw, pre = os.path.join(folder, "raw"), os.path.join(folder, "pre")
    subprocess.run([python, ORACLE, "dataset", cache, raw], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([python, ORACLE, "fingerprint", raw, pre, "4"], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    model = os.path.join(folder, "model")
    subprocess.run([python, MODEL_TOOL, "model", pre, "Dataset004_RealCT", model, "--labels", str(classes),
                    "--spacing", "1.5,1.5,1.5", "--channels", "1", "--patch", "64,64,64"], check=True,
                   stdout=subprocess.DEVNULL)
    return os.path.join(folder, "in"), model


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep")
    parser.add_argument("--classes", type=int, default=15)
    args = parser.parse_args()
    python = sys.executable
    folder = args.keep or tempfile.mkdtemp(prefix="predict_bench_")
    inputs, model = make(folder, args.classes, python)
    env = dict(os.environ, nnUNet_raw=folder, nnUNet_preprocessed=folder, nnUNet_results=folder)
    runner = os.path.join(os.path.dirname(python), "nnUNetv2_predict_from_modelfolder")
    vanilla = os.path.join(folder, "out_nnunet")
    n = run([runner, "-i", inputs, "-o", vanilla, "-m", model, "-f", "0", "--disable_tta", "-device", "cpu",
             "-npp", "1", "-nps", "1", "--disable_progress_bar"], "sending off prediction", env)
    results = {"nnunet": n}
    for export in ("exact", "labels"):
        out = os.path.join(folder, "out_" + export)
        results[export] = run([HARMONIZE, "predict", inputs, out, "--model", model, "--folds", "0", "--export",
                               export, "--python", python, "--", "--disable_tta"], "network done", env)
    reference = sitk.GetArrayFromImage(sitk.ReadImage(os.path.join(vanilla, "big_001.nii.gz")))
    print(f"P1 512x512x400 at 0.7x0.7x0.5 mm -> 1.5 mm, {args.classes} classes, CPU, fold 0, no TTA")
    seconds, peak, after = n
    print(f"  nnU-Net            {seconds:7.1f} s  after inference {after:6.1f} s  peak {peak / 2**20:8.0f} MiB")
    for export in ("exact", "labels"):
        s, p, a = results[export]
        ours = sitk.GetArrayFromImage(sitk.ReadImage(os.path.join(folder, "out_" + export, "big_001.nii.gz")))
        agree = float((ours == reference).mean())
        print(f"  harmonize {export:7s}  {s:7.1f} s  after inference {a:6.1f} s  peak {p / 2**20:8.0f} MiB"
              f"  -> peak {p / peak:.3f} of nnU-Net's, after-inference {a / after:.3f}; voxels equal {agree:.6f}")


if __name__ == "__main__":
    main()
