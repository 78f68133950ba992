"""Resample with SimpleITK, the tool nobody here wrote, for the resampling conformance tests.

Usage: resample.py JOBS.json   (a JSON list; each job writes one output file)
  {"mode": "recipe", "input": IN, "output": OUT, "spacing": [sx, sy, sz], "interpolation": "linear"}
      the common SimpleITK recipe: size round(n*s/t) with Python's round, origin and direction kept,
      default 0, output pixel type = input's (reference/resampling.md b.3)
  {"mode": "ongrid", "input": IN, "reference": REF, "output": OUT, "interpolation": "linear", "float": true}
      sitk.Resample(input, reference image, identity, interpolator, 0, float32 or the input's type)
  {"mode": "ongrid4d", ...same keys}: a 4D input, each time point resampled onto the reference's first 3 axes
"""
import json
import sys

import SimpleITK as sitk

INTERPOLATORS = {"linear": sitk.sitkLinear, "nearest": sitk.sitkNearestNeighbor, "bspline": sitk.sitkBSpline}


def recipe(job):
    image = sitk.ReadImage(job["input"])
    spacing = job["spacing"]
    size = [int(round(n * s / t)) for n, s, t in zip(image.GetSize(), image.GetSpacing(), spacing)]
    return sitk.Resample(image, size, sitk.Transform(), INTERPOLATORS[job["interpolation"]], image.GetOrigin(), spacing,
                         image.GetDirection(), 0, image.GetPixelID())


def ongrid(job):
    image = sitk.ReadImage(job["input"])
    reference = sitk.ReadImage(job["reference"])
    pixel = sitk.sitkFloat32 if job.get("float") else image.GetPixelID()
    return sitk.Resample(image, reference, sitk.Transform(), INTERPOLATORS[job["interpolation"]], 0, pixel)


def ongrid4d(job):
    image = sitk.ReadImage(job["input"])
    reference = sitk.ReadImage(job["reference"])
    pixel = sitk.sitkFloat32 if job.get("float") else image.GetPixelID()
    slices = []
    for t in range(image.GetSize()[3]):
        volume = image[:, :, :, t]
        grid = reference[:, :, :, t]
        slices.append(sitk.Resample(volume, grid, sitk.Transform(), INTERPOLATORS[job["interpolation"]], 0, pixel))
    return sitk.JoinSeries(slices)


def main():
    sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(2)
    jobs = json.load(open(sys.argv[1]))
    for job in jobs:
        result = {"recipe": recipe, "ongrid": ongrid, "ongrid4d": ongrid4d}[job["mode"]](job)
        sitk.WriteImage(result, job["output"])
    print(json.dumps({"done": len(jobs)}))


if __name__ == "__main__":
    main()
