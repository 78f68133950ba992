"""How our --sitk-compatible output differs from SimpleITK's resampling recipe, voxel for voxel.

    recipe_difference.py INPUT OURS SPACING    prints JSON: voxels, differ, by magnitude, and whether either is 0 there
"""
import json
import sys

import numpy as np
import SimpleITK as sitk


def main():
    source, ours, spacing = sys.argv[1], sys.argv[2], [float(sys.argv[3])] * 3
    sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(2)
    image = sitk.ReadImage(source)
    size = [int(round(n * s / t)) for n, s, t in zip(image.GetSize(), image.GetSpacing(), spacing)]
    reference = sitk.Resample(image, size, sitk.Transform(), sitk.sitkLinear, image.GetOrigin(), spacing,
                              image.GetDirection(), 0, image.GetPixelID())
    a = sitk.GetArrayFromImage(reference).astype(np.int64)
    b = sitk.GetArrayFromImage(sitk.ReadImage(ours)).astype(np.int64)
    d = a - b
    differ = d != 0
    print(json.dumps({"voxels": int(d.size), "differ": int(differ.sum()), "largest": int(np.abs(d).max()),
                      "edge": int((differ & ((a == 0) | (b == 0))).sum())}))


if __name__ == "__main__":
    main()
