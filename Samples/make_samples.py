"""Generate the bundled sample dataset, Samples/Dataset001_Tiny, in nnU-Net's raw layout.

Provenance: every file here is synthetic and made by this script with SimpleITK (images, labels) and plain JSON,
so it can be rebuilt bit for bit: `.venv/bin/python Samples/make_samples.py` (after `bash scripts/test.sh` has
created .venv). Content: two MR-like channels (T2, ADC) of ellipsoid "organs" in a body, labels 0..2, with
anisotropic spacing (0.8 x 0.8 x 2.5 mm), non-zero origins, and one oblique case, as real prostate MR comes.
"""
import json
import os

import numpy as np
import SimpleITK as sitk

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Dataset001_Tiny")


def rotation(degrees):
    a = np.deg2rad(degrees)
    return (np.cos(a), -np.sin(a), 0.0, np.sin(a), np.cos(a), 0.0, 0.0, 0.0, 1.0)


def phantom(shape_zyx, seed):
    rng = np.random.default_rng(seed)
    z, y, x = np.indices(shape_zyx, dtype=np.float64)
    cz, cy, cx = [(n - 1) / 2 for n in shape_zyx]
    body = ((x - cx) / (0.45 * shape_zyx[2])) ** 2 + ((y - cy) / (0.4 * shape_zyx[1])) ** 2 <= 1
    gland = ((x - cx - 3) / 8) ** 2 + ((y - cy + 2) / 6) ** 2 + ((z - cz) / 4) ** 2 <= 1
    zone = ((x - cx - 3) / 4) ** 2 + ((y - cy + 2) / 3) ** 2 + ((z - cz) / 2.5) ** 2 <= 1
    label = np.zeros(shape_zyx, np.uint8)
    label[gland] = 1
    label[zone] = 2
    t2 = np.where(body, 300.0, 0.0) + 250.0 * gland + 150.0 * zone + rng.normal(0, 12, shape_zyx) * body
    adc = np.where(body, 1400.0, 0.0) - 500.0 * gland - 300.0 * zone + rng.normal(0, 30, shape_zyx) * body
    return np.clip(t2, 0, None).astype(np.int16), np.clip(adc, 0, None).astype(np.int16), label


def write(array, path, spacing, origin, direction):
    image = sitk.GetImageFromArray(array)
    image.SetSpacing(spacing)
    image.SetOrigin(origin)
    image.SetDirection(direction)
    sitk.WriteImage(image, path, useCompression=True)


def main():
    for sub in ("imagesTr", "labelsTr", "imagesTs"):
        os.makedirs(os.path.join(ROOT, sub), exist_ok=True)
    cases = [
        ("tiny_001", "imagesTr", (20, 48, 52), (0.8, 0.8, 2.5), (-20.0, -15.5, 30.0), rotation(0)),
        ("tiny_002", "imagesTr", (18, 44, 48), (0.75, 0.75, 3.0), (-18.2, -12.0, 22.5), rotation(0)),
        ("tiny_003", "imagesTr", (22, 50, 50), (0.85, 0.85, 2.5), (-21.0, -20.0, 35.0), rotation(8)),
        ("tiny_101", "imagesTs", (20, 48, 52), (0.8, 0.8, 2.5), (-20.0, -16.0, 31.0), rotation(0)),
    ]
    for seed, (case, folder, shape, spacing, origin, direction) in enumerate(cases):
        t2, adc, label = phantom(shape, seed)
        write(t2, os.path.join(ROOT, folder, f"{case}_0000.nii.gz"), spacing, origin, direction)
        write(adc, os.path.join(ROOT, folder, f"{case}_0001.nii.gz"), spacing, origin, direction)
        if folder == "imagesTr":
            write(label, os.path.join(ROOT, "labelsTr", f"{case}.nii.gz"), spacing, origin, direction)
    dataset = {
        "channel_names": {"0": "T2", "1": "ADC"},
        "labels": {"background": 0, "gland": 1, "zone": 2},
        "numTraining": 3,
        "file_ending": ".nii.gz",
    }
    with open(os.path.join(ROOT, "dataset.json"), "w") as f:
        json.dump(dataset, f, indent=4)
        f.write("\n")


if __name__ == "__main__":
    main()
