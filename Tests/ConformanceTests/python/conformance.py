"""What SimpleITK and nibabel (tools nobody here wrote) say about image files, as JSON on stdout.

Commands:
  make DIR        write images with SimpleITK (every pixel type, oblique directions, permuted and flipped axes,
                  non-zero origins, 2D, 4D, vector), each with FILE.raw holding SimpleITK's voxels in our buffer
                  order (i fastest, components interleaved: the C order of SimpleITK's array); report each file
  inspect FILE[=RAW]...  report SimpleITK's geometry and nibabel's shape, zooms, affine and axis codes; with RAW,
                  whether the voxels each library reads equal those bytes
  nibabel-data DIR  the NIfTI files bundled in nibabel's tests/data that nibabel reads, each with DIR/NAME.raw
                  holding nibabel's voxels in our buffer order
"""
import json
import os
import sys

import nibabel as nib
import numpy as np
import SimpleITK as sitk

PIXEL_TYPES = {
    "u8": sitk.sitkUInt8, "i8": sitk.sitkInt8, "u16": sitk.sitkUInt16, "i16": sitk.sitkInt16,
    "u32": sitk.sitkUInt32, "i32": sitk.sitkInt32, "u64": sitk.sitkUInt64, "i64": sitk.sitkInt64,
    "f32": sitk.sitkFloat32, "f64": sitk.sitkFloat64,
}
NUMPY = {"u8": np.uint8, "i8": np.int8, "u16": np.uint16, "i16": np.int16, "u32": np.uint32, "i32": np.int32,
         "u64": np.uint64, "i64": np.int64, "f32": np.float32, "f64": np.float64}


def oblique(deg_z, deg_x):
    a, b = np.deg2rad(deg_z), np.deg2rad(deg_x)
    rz = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, np.cos(b), -np.sin(b)], [0, np.sin(b), np.cos(b)]])
    return tuple((rz @ rx).flatten())


DIRECTIONS = {
    "oblique": oblique(7, 12),
    "identity": (1, 0, 0, 0, 1, 0, 0, 0, 1),
    "flipped": (-1, 0, 0, 0, -1, 0, 0, 0, 1),
    "permuted": (0, 0, 1, 1, 0, 0, 0, 1, 0),
    "sagittal": (0, 0, -1, 1, 0, 0, 0, -1, 0),
}


def native(array):
    """The array in native byte order and our buffer order as bytes."""
    return np.ascontiguousarray(array.astype(array.dtype.newbyteorder("="))).tobytes()


def sitk_array_bytes(image):
    return native(sitk.GetArrayViewFromImage(image))


def nibabel_array_bytes(image):
    # nibabel indexes (i, j, k[, t]); our buffer has i fastest, which is numpy's Fortran order.
    data = np.asanyarray(image.dataobj)
    return native(np.ascontiguousarray(data.transpose()))


def sitk_facts(path, raw):
    image = sitk.ReadImage(path)
    facts = {
        "size": list(image.GetSize()), "spacing": list(image.GetSpacing()), "origin": list(image.GetOrigin()),
        "direction": list(image.GetDirection()), "components": image.GetNumberOfComponentsPerPixel(),
        "pixel": image.GetPixelIDTypeAsString(),
    }
    if raw is not None:
        facts["voxels_equal"] = sitk_array_bytes(image) == raw
    return facts


def nibabel_facts(path, raw):
    image = nib.load(path)
    facts = {
        "shape": list(image.shape), "zooms": [float(z) for z in image.header.get_zooms()],
        "affine": image.affine.tolist(), "axcodes": "".join(nib.aff2axcodes(image.affine)),
        "dtype": str(np.asanyarray(image.dataobj).dtype),
    }
    if raw is not None:
        facts["voxels_equal"] = nibabel_array_bytes(image) == raw
    return facts


def inspect(path, raw_path=None):
    raw = open(raw_path, "rb").read() if raw_path else None
    facts = {"file": path}
    try:
        facts["sitk"] = sitk_facts(path, raw)
    except Exception as error:  # reported, and the Swift test decides what that means
        facts["sitk_error"] = str(error).splitlines()[0] if str(error) else type(error).__name__
    if path.endswith((".nii", ".nii.gz")):
        try:
            facts["nibabel"] = nibabel_facts(path, raw)
        except Exception as error:
            facts["nibabel_error"] = str(error).splitlines()[0]
    return facts


def make(folder):
    rng = np.random.default_rng(7)
    made = []

    def save(image, name):
        path = os.path.join(folder, name)
        sitk.WriteImage(image, path)
        with open(path + ".raw", "wb") as raw:
            raw.write(sitk_array_bytes(image))
        made.append(path)

    for type_name, pixel_id in PIXEL_TYPES.items():
        info = np.iinfo(NUMPY[type_name]) if type_name[0] in "ui" else None
        low, high = (max(info.min, -30000), min(info.max, 60000)) if info else (-500.0, 1500.0)
        array = (rng.uniform(low, high, size=(6, 7, 9))).astype(NUMPY[type_name])
        image = sitk.GetImageFromArray(array)
        image.SetSpacing((0.7, 0.8, 2.5))
        image.SetOrigin((-91.5, 120.25, -33.0))
        image.SetDirection(DIRECTIONS["oblique"])
        assert image.GetPixelID() == pixel_id
        for ending in (".nii.gz", ".nrrd", ".mha"):
            save(image, f"sitk_{type_name}{ending}")
    for name, direction in DIRECTIONS.items():
        image = sitk.GetImageFromArray(rng.integers(-1000, 1000, size=(5, 6, 8)).astype(np.int16))
        image.SetSpacing((1.1, 0.9, 3.0))
        image.SetOrigin((10.0, -20.0, 30.5))
        image.SetDirection(direction)
        save(image, f"sitk_dir_{name}.nii.gz")
    plane = sitk.GetImageFromArray(rng.uniform(0, 100, size=(12, 10)).astype(np.float32))
    plane.SetSpacing((0.25, 0.5))
    plane.SetOrigin((3.0, -4.0))
    save(plane, "sitk_2d.nii.gz")
    series = sitk.JoinSeries([sitk.GetImageFromArray(rng.integers(0, 500, size=(4, 5, 6)).astype(np.int16))
                              for _ in range(3)])
    series.SetSpacing((1.5, 1.5, 2.0, 2000.0))
    series.SetOrigin((1.0, 2.0, 3.0, 0.0))
    save(series, "sitk_4d.nii.gz")
    vector = sitk.GetImageFromArray(rng.uniform(-1, 1, size=(4, 5, 6, 3)).astype(np.float32), isVector=True)
    vector.SetSpacing((2.0, 2.0, 2.0))
    save(vector, "sitk_vector.nrrd")
    save(vector, "sitk_vector.mha")
    # Valid files that were once refused: header extensions of more than 64 KiB before the pixels, in one gzip member
    # (as nibabel writes it) and uncompressed.
    for ending in (".nii.gz", ".nii"):
        extended = nib.Nifti1Image(rng.integers(-1000, 1000, size=(9, 8, 7)).astype(np.int16),
                                   np.diag([0.9, 0.9, 2.0, 1.0]))
        extended.header.extensions.append(nib.nifti1.Nifti1Extension(6, b"harmonize " * 10240))
        path = os.path.join(folder, "nibabel_big_extension" + ending)
        nib.save(extended, path)
        with open(path + ".raw", "wb") as raw:
            raw.write(nibabel_array_bytes(nib.load(path)))
        made.append(path)
    return [inspect(path, path + ".raw") for path in made]


def nibabel_data(out):
    folder = os.path.join(os.path.dirname(nib.__file__), "tests", "data")
    files = []
    for name in sorted(os.listdir(folder)):
        if name.endswith((".nii", ".nii.gz")):
            path = os.path.join(folder, name)
            facts = inspect(path)
            if "nibabel" in facts:
                facts["raw"] = os.path.join(out, name + ".raw")
                with open(facts["raw"], "wb") as raw:
                    raw.write(nibabel_array_bytes(nib.load(path)))
                files.append(facts)
    return files


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "make":
        result = make(args[0])
    elif command == "inspect":
        result = [inspect(*arg.split("=", 1)) for arg in args]
    elif command == "nibabel-data":
        result = nibabel_data(args[0])
    else:
        raise SystemExit(f"unknown command {command}")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
