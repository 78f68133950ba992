"""Interleaved rounds: harmonize and SimpleITK in fresh processes, one after the other, round by round, so that both
see the same machine (page cache, huge-page state, other load). Reports medians and spreads, not best cases.

Run: .venv/bin/python Benchmarks/interleaved_bench.py [--rounds 7] [--only W1]
(after `bash Benchmarks/run.sh` has built the release binary and written Benchmarks/out/w1.nii, w3.nii and
Benchmarks/out/gz/w1.nii.gz, w2.nii.gz)

Each run is a fresh process that reads the input, resamples it and reports its read and resample seconds (harmonize
its own report; SimpleITK a child Python timing ReadImage and Resample with 2 threads). The end-to-end workloads read
a .nii.gz and write a .nii.gz: harmonize's figure is the wall time of its whole process, SimpleITK's the time of
ReadImage + Resample + WriteImage inside its process (its start-up and import left out); output sizes are compared.
Compressed inputs live alone in out/gz/: ITK's NIfTI library reads w1.nii's pixels when asked for w1.nii.gz and both
are in one folder, which made SimpleITK's ".nii.gz" read a plain read in earlier versions of this benchmark. A run is disturbed when the
CPU time used by other processes during it (busy jiffies in /proc/stat minus the child's own CPU time) exceeds 10% of
one core over its wall time; a disturbed run is repeated, up to twice, and counted in the output. The order of the
two tools alternates every round.
"""
import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
HARMONIZE = os.path.join(HERE, "..", ".build", "release", "harmonize")
SITK_CHILD = r"""
import json, sys, time, SimpleITK as sitk
sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(2)
src, spacing, interpolator = sys.argv[1], float(sys.argv[2]), getattr(sitk, sys.argv[3])
start = time.perf_counter(); image = sitk.ReadImage(src); read = time.perf_counter() - start
size = [int(round(n * s / spacing)) for n, s in zip(image.GetSize(), image.GetSpacing())]
start = time.perf_counter()
sitk.Resample(image, size, sitk.Transform(), interpolator, image.GetOrigin(), (spacing,) * 3, image.GetDirection(), 0,
              image.GetPixelID())
print(json.dumps({"read": read, "resample": time.perf_counter() - start}))
"""
SITK_END_TO_END = r"""
import json, sys, time, SimpleITK as sitk
sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(2)
src, dst, spacing = sys.argv[1], sys.argv[2], float(sys.argv[3])
start = time.perf_counter()
image = sitk.ReadImage(src)
size = [int(round(n * s / spacing)) for n, s in zip(image.GetSize(), image.GetSpacing())]
result = sitk.Resample(image, size, sitk.Transform(), sitk.sitkLinear, image.GetOrigin(), (spacing,) * 3,
                       image.GetDirection(), 0, image.GetPixelID())
sitk.WriteImage(result, dst)
print(json.dumps({"total": time.perf_counter() - start}))
"""

WORKLOADS = {
    "W1 linear": ("w1.nii", 1.0, "linear", "sitkLinear"),
    "W1 bspline": ("w1.nii", 1.0, "bspline", "sitkBSpline"),
    "W1.gz linear": ("gz/w1.nii.gz", 1.0, "linear", "sitkLinear"),
    "W3 nearest": ("w3.nii", 1.0, "nearest", "sitkNearestNeighbor"),
    "W3 label": ("w3.nii", 1.0, "label", "sitkNearestNeighbor"),
    "W1 end to end": ("gz/w1.nii.gz", 1.0, "linear", None),
    "W2 end to end": ("gz/w2.nii.gz", 0.5, "linear", None),
}


def busy_jiffies():
    fields = open("/proc/stat").readline().split()[1:]
    values = list(map(int, fields))
    return sum(values) - values[3] - values[4]  # all but idle and iowait


def measured(command, parse):
    """Runs `command`; returns (stage seconds dict, other processes' CPU seconds during it, wall seconds)."""
    hz = os.sysconf("SC_CLK_TCK")
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy = busy_jiffies()
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - start
    busy = (busy_jiffies() - busy) / hz
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = (after.ru_utime - before_children.ru_utime) + (after.ru_stime - before_children.ru_stime)
    if result.returncode:
        sys.exit(f"{command[0]} failed: {result.stderr[-2000:]}")
    return parse(result.stdout), max(0.0, busy - own), wall


def harmonize(source, spacing, interpolation, out):
    def parse(text):
        found = re.search(r"read ([0-9.]+) s, resample ([0-9.]+) s", text)
        return {"read": float(found.group(1)), "resample": float(found.group(2))}
    command = [HARMONIZE, "resample", source, out, "--spacing", str(spacing), "--threads", "2",
               "--interpolation", interpolation, "--no-sidecar"]
    if out.endswith(".nii.gz"):  # end to end: the whole process's wall time
        stages, others, wall = measured(command, lambda _: {})
        return {"total": wall}, others, wall
    return measured(command, parse)


def simpleitk(source, spacing, interpolator, out):
    if interpolator is None:
        return measured([sys.executable, "-c", SITK_END_TO_END, source, out, str(spacing)], json.loads)
    return measured([sys.executable, "-c", SITK_CHILD, source, str(spacing), interpolator], json.loads)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--only", help="workloads whose name starts with this")
    parser.add_argument("--out", default=os.path.join(HERE, "out"))
    options = parser.parse_args()
    if options.rounds < 5:
        sys.exit("at least 5 rounds: a median of fewer says little on this machine")
    chosen = {k: v for k, v in WORKLOADS.items() if not options.only or k.startswith(options.only)}
    samples = {(name, tool): [] for name in chosen for tool in ("harmonize", "SimpleITK")}
    disturbed = {key: 0 for key in samples}
    sizes = {}
    for round_index in range(options.rounds):
        for name, (file, spacing, interpolation, interpolator) in chosen.items():
            source = os.path.join(options.out, file)
            ending = ".mha" if interpolator else ".nii.gz"
            ours, theirs = (os.path.join(options.out, f"interleaved_{name.split()[0]}_{tool}{ending}")
                            for tool in ("ours", "sitk"))
            tools = [("harmonize", lambda: harmonize(source, spacing, interpolation, ours)),
                     ("SimpleITK", lambda: simpleitk(source, spacing, interpolator, theirs))]
            if round_index % 2:
                tools.reverse()
            for tool, run in tools:
                for _attempt in range(3):
                    stages, others, wall = run()
                    if others <= 0.1 * wall:
                        break
                    disturbed[(name, tool)] += 1
                samples[(name, tool)].append(stages)
            if not interpolator:
                sizes[name] = os.path.getsize(ours) / os.path.getsize(theirs)
        print(f"round {round_index + 1}/{options.rounds} done", file=sys.stderr, flush=True)
    print(f"{options.rounds} interleaved rounds, fresh processes, 2 threads; median [min-max] seconds")
    print(f"{'workload':12} {'stage':9} {'SimpleITK':>22} {'harmonize':>22} {'ratio of medians':>17}  disturbed runs")
    for name in chosen:
        stages = ("total",) if chosen[name][3] is None else ("read", "resample")
        for stage in stages:
            cells, medians = [], []
            for tool in ("SimpleITK", "harmonize"):
                values = [s[stage] for s in samples[(name, tool)]]
                medians.append(statistics.median(values))
                cells.append(f"{medians[-1]:.3f} [{min(values):.3f}-{max(values):.3f}]")
            note = f"{disturbed[(name, 'SimpleITK')]} / {disturbed[(name, 'harmonize')]}" if stage != "read" else ""
            if stage == "total":
                note += f"   output size / SimpleITK's {sizes[name]:.3f}"
            print(f"{name:12} {stage:9} {cells[0]:>22} {cells[1]:>22} {medians[0] / medians[1]:16.1f}x  {note}")


if __name__ == "__main__":
    main()
