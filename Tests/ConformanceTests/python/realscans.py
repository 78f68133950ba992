"""Real scans shipped inside PyPI packages, and variants of them, with what SimpleITK and nibabel say of each.

    realscans.py CACHE OUT    prints JSON facts (conformance.inspect's form) for every file written to OUT

CACHE holds the wheels (downloaded by scripts/install.sh with `pip download --no-deps`, never committed):
  nilearn: the MNI ICBM152 2009a T1 template and grey-matter map (real MR-derived volumes, 197x233x189)
  dipy: aniso_vox.nii.gz (anisotropic real MR), S0_10slices.nii.gz, small_64D.nii (4D diffusion, real data)
The variants are made with nibabel and SimpleITK from those scans: big-endian, scaled uint8 (scl_slope, as SPM's
templates are stored), qform different from sform, oblique, a .hdr/.img pair, NRRD, MetaImage, a label map.
"""
import glob
import json
import os
import sys
import zipfile

import nibabel as nib
import numpy as np
import SimpleITK as sitk

sys.path.insert(0, os.path.dirname(__file__))
from conformance import inspect  # noqa: E402

MEMBERS = {
    "nilearn": ["nilearn/datasets/data/mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz",
                "nilearn/datasets/data/mni_icbm152_gm_tal_nlin_sym_09a_converted.nii.gz"],
    "dipy": ["dipy/data/files/aniso_vox.nii.gz", "dipy/data/files/S0_10slices.nii.gz", "dipy/data/files/small_64D.nii"],
}


def extract(cache, out):
    paths = {}
    for package, members in MEMBERS.items():
        wheels = sorted(glob.glob(os.path.join(cache, package + "-*.whl")))
        if not wheels:
            raise SystemExit(f"no {package} wheel in {cache}: run scripts/install.sh --python")
        with zipfile.ZipFile(wheels[-1]) as wheel:
            for member in members:
                name = os.path.basename(member)
                path = os.path.join(out, name)
                with wheel.open(member) as source, open(path, "wb") as target:
                    target.write(source.read())
                paths[name] = path
    return paths


def variants(paths, out):
    made = []
    t1 = nib.load(paths["mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz"])
    data = np.asanyarray(t1.dataobj)[40:150, 50:180, 30:140]  # a smaller block of the real template
    affine = t1.affine.copy()
    affine[:3, 3] = nib.affines.apply_affine(t1.affine, [40, 50, 30])

    def save(image, name):
        path = os.path.join(out, name)
        nib.save(image, path)
        made.append(path)
        return path

    as_int16 = np.round(data).astype(np.int16)
    big = nib.Nifti1Image(as_int16.astype(">i2"), affine)
    save(big, "t1_bigendian.nii")
    scaled = nib.Nifti1Image(np.clip(np.round(data / 2.5 + 4), 0, 255).astype(np.uint8), affine)
    scaled.header.set_data_dtype(np.uint8)
    scaled.header.set_slope_inter(2.5, -10.0)
    save(scaled, "t1_scaled_u8.nii.gz")
    rotation = nib.eulerangles.euler2mat(z=np.deg2rad(20), x=np.deg2rad(8))
    oblique = affine.copy()
    oblique[:3, :3] = rotation @ affine[:3, :3]
    save(nib.Nifti1Image(as_int16, oblique), "t1_oblique.nii.gz")
    both = nib.Nifti1Image(as_int16, affine)
    shifted = affine.copy()
    shifted[:3, 3] += [40.0, -25.0, 60.0]
    both.set_qform(affine, code=1)
    both.set_sform(shifted, code=4)
    save(both, "t1_qform_ne_sform.nii.gz")
    save(nib.Nifti1Pair(as_int16, affine), "t1_pair.img")
    gm = nib.load(paths["mni_icbm152_gm_tal_nlin_sym_09a_converted.nii.gz"])
    probability = np.asanyarray(gm.dataobj)
    labels = np.zeros(probability.shape, np.uint8)
    labels[probability > 0.2] = 1
    labels[probability > 0.6] = 2
    save(nib.Nifti1Image(labels, gm.affine), "gm_labels.nii.gz")
    image = sitk.ReadImage(os.path.join(out, "t1_oblique.nii.gz"))
    for name in ("t1_oblique.nrrd", "t1_oblique.mha"):
        path = os.path.join(out, name)
        sitk.WriteImage(image, path, True)
        made.append(path)
    return made


def main():
    cache, out = sys.argv[1], sys.argv[2]
    paths = extract(cache, out)
    files = list(paths.values()) + variants(paths, out)
    json.dump([inspect(path.replace(".img", ".hdr") if path.endswith(".img") else path) for path in files], sys.stdout)


if __name__ == "__main__":
    main()
