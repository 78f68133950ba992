"""Facts about an nnU-Net raw dataset computed with nibabel and numpy, for the fingerprint conformance test.

Usage: fingerprint.py DATASET_DIR   prints JSON: per case zooms, shape, axis codes and the size of the non-zero box
(union over channels, as nnU-Net's crop_to_nonzero); per channel numpy statistics of all voxels and of the voxels
under label > 0 (nnU-Net's foreground), pooled over cases; the label values found.
"""
import json
import os
import re
import sys

import nibabel as nib
import numpy as np


def stats(values):
    v = np.asarray(values, dtype=np.float64)
    return {"min": float(v.min()), "max": float(v.max()), "mean": float(v.mean()), "std": float(v.std()),
            "median": float(np.median(v)), "percentile_00_5": float(np.percentile(v, 0.5)),
            "percentile_99_5": float(np.percentile(v, 99.5))}


def main(folder):
    dataset = json.load(open(os.path.join(folder, "dataset.json")))
    ending = dataset["file_ending"]
    channels = len(dataset["channel_names"])
    images = sorted(os.listdir(os.path.join(folder, "imagesTr")))
    ids = sorted({re.sub(r"_\d{4}" + re.escape(ending) + "$", "", f) for f in images if f.endswith(ending)})
    cases, whole, foreground, labels = [], [[] for _ in range(channels)], [[] for _ in range(channels)], set()
    for case in ids:
        label = np.asanyarray(nib.load(os.path.join(folder, "labelsTr", case + ending)).dataobj)
        labels |= set(int(x) for x in np.unique(label))
        mask = label > 0
        nonzero = None
        for c in range(channels):
            image = nib.load(os.path.join(folder, "imagesTr", f"{case}_{c:04d}{ending}"))
            data = image.get_fdata()
            whole[c].append(data.ravel())
            foreground[c].append(data[mask])
            nonzero = (data != 0) if nonzero is None else (nonzero | (data != 0))
        if c == channels - 1:
            where = np.argwhere(nonzero)
            box = (where.max(0) - where.min(0) + 1).tolist()
        cases.append({"id": case, "zooms": [float(z) for z in image.header.get_zooms()[:3]],
                      "shape": list(image.shape[:3]), "axcodes": "".join(nib.aff2axcodes(image.affine)),
                      "nonzero": box})
    print(json.dumps({"cases": cases, "labels": sorted(labels),
                      "whole": [stats(np.concatenate(w)) for w in whole],
                      "foreground": [stats(np.concatenate(f)) for f in foreground]}))


if __name__ == "__main__":
    main(sys.argv[1])
