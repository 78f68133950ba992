"""Reorient with nibabel, the tool nobody here wrote, for the reorientation conformance tests.

Usage:
  orient.py make DIR       SimpleITK writes DIR/dir_NN.nii.gz with every axis permutation and flip of the
                           direction (48) plus an oblique one; prints the list of files as JSON
  orient.py reorient JOBS  JOBS is a JSON list of {"input", "code", "output"}: nibabel's
                           as_reoriented(ornt_transform(io_orientation(affine), axcodes2ornt(code))), saved as output
"""
import itertools
import json
import os
import sys

import nibabel as nib
import numpy as np
import SimpleITK as sitk


def make(folder):
    rng = np.random.default_rng(5)
    files = []
    directions = []
    for permutation in itertools.permutations(range(3)):
        for signs in itertools.product([1, -1], repeat=3):
            matrix = np.zeros((3, 3))
            for column, row in enumerate(permutation):
                matrix[row, column] = signs[column]
            directions.append(matrix)
    a = np.deg2rad(20)
    directions.append(np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]]) @ directions[13])
    for n, matrix in enumerate(directions):
        image = sitk.GetImageFromArray(rng.integers(-1000, 3000, size=(5, 4, 3)).astype(np.int16))
        image.SetSpacing((0.7, 1.1, 2.5))
        image.SetOrigin((10.0, -20.5, 33.0))
        image.SetDirection(tuple(matrix.flatten()))
        path = os.path.join(folder, f"dir_{n:02d}.nii.gz")
        sitk.WriteImage(image, path)
        files.append(path)
    return files


def reorient(jobs):
    for job in jobs:
        image = nib.load(job["input"])
        transform = nib.orientations.ornt_transform(nib.orientations.io_orientation(image.affine),
                                                    nib.orientations.axcodes2ornt(tuple(job["code"])))
        nib.save(image.as_reoriented(transform), job["output"])
    return {"done": len(jobs)}


if __name__ == "__main__":
    if sys.argv[1] == "make":
        print(json.dumps(make(sys.argv[2])))
    else:
        print(json.dumps(reorient(json.load(open(sys.argv[2])))))
