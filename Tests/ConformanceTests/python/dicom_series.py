"""DICOM series written with pydicom from real volumes, and what SimpleITK and dcm2niix make of them.

    dicom_series.py build CACHE OUT     writes one folder per case under OUT; prints JSON: for each case its folder,
                                        the series to pick (or null) and the problem words harmonize must report
                                        (empty when the series must convert)
    dicom_series.py from-image IMAGE FOLDER MODALITY
                                        writes an integer image as a series on its own grid (int16, no rescale)
    dicom_series.py compare SERIES_PATH UID OURS.nii[.gz]
                                        reads the series with SimpleITK's series reader (GDCM) and with dcm2niix
                                        (Debian's), compares each with OURS in physical space; prints JSON

The volumes are real: TotalSegmentator's 1 mm CT atlas (Hounsfield units) and nilearn's MNI152 T1 template, both
shipped inside PyPI wheels in CACHE. Slices are written in shuffled file order with InstanceNumber reversed, so that
order can only come from ImagePositionPatient.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile
import zipfile

import nibabel as nib
import numpy as np
import pydicom
import SimpleITK as sitk
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

CT_STORAGE = "1.2.840.10008.5.1.4.1.1.2"
MR_STORAGE = "1.2.840.10008.5.1.4.1.1.4"


def member(cache, package, name, out):
    wheel = sorted(glob.glob(os.path.join(cache, package + "-*.whl")))[-1]
    with zipfile.ZipFile(wheel) as archive, open(out, "wb") as f:
        f.write(archive.read(name))
    return out


def real_volumes(cache, scratch):
    ct = sitk.ReadImage(member(cache, "totalsegmentator", "totalsegmentator/resources/ct_brain_atlas_1mm.nii.gz",
                               os.path.join(scratch, "ct.nii.gz")))
    ct_array = sitk.GetArrayFromImage(ct)[60:84:2, 60:124, 50:130].astype(np.int16)  # z, y, x: 12 x 64 x 80, 2 mm
    mr = sitk.ReadImage(member(cache, "nilearn",
                               "nilearn/datasets/data/mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz",
                               os.path.join(scratch, "mr.nii.gz")))
    mr_array = sitk.GetArrayFromImage(mr)[70:100:3, 60:140, 50:130].astype(np.float64)  # 10 x 80 x 80
    return ct_array, mr_array


def rotation(deg_z, deg_x):
    a, b = np.deg2rad(deg_z), np.deg2rad(deg_x)
    rz = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, np.cos(b), -np.sin(b)], [0, np.sin(b), np.cos(b)]])
    return rz @ rx


def ds_text(values):
    return [float(f"{v:.6f}") for v in values]


class Series:
    """A series to write: per-slice stored arrays and positions, shared orientation and tags."""

    def __init__(self, modality, description, number, spacing_xy, direction, study=None):
        self.modality, self.description, self.number = modality, description, number
        self.spacing_xy = spacing_xy
        self.direction = np.asarray(direction, dtype=float)
        self.uid = generate_uid()
        self.study = study or generate_uid()
        self.frame = generate_uid()
        self.slices = []  # (stored array, position, extra tags)

    def add(self, stored, position, **extra):
        self.slices.append((stored, np.asarray(position, dtype=float), extra))

    def write(self, folder, rng, bits_stored=None, signed=False, slope=1.0, intercept=0.0, tilt=None):
        os.makedirs(folder, exist_ok=True)
        order = rng.permutation(len(self.slices))
        count = len(self.slices)
        for written, index in enumerate(order):
            stored, position, extra = self.slices[index]
            meta = FileMetaDataset()
            meta.MediaStorageSOPClassUID = CT_STORAGE if self.modality == "CT" else MR_STORAGE
            meta.MediaStorageSOPInstanceUID = generate_uid()
            meta.TransferSyntaxUID = ExplicitVRLittleEndian
            ds = Dataset()
            ds.file_meta = meta
            ds.SOPClassUID = meta.MediaStorageSOPClassUID
            ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
            ds.PatientName = "Doe^Jane"
            ds.PatientID = "PID-0001"
            ds.Modality = self.modality
            ds.SeriesDescription = self.description
            ds.StudyInstanceUID = self.study
            ds.SeriesInstanceUID = self.uid
            ds.FrameOfReferenceUID = self.frame
            ds.SeriesNumber = self.number
            ds.InstanceNumber = count - index  # reversed: order must come from the positions
            ds.ImageType = extra.get("image_type", ["ORIGINAL", "PRIMARY", "AXIAL"])
            direction = extra.get("direction", self.direction)
            ds.ImageOrientationPatient = ds_text(list(direction[:, 0]) + list(direction[:, 1]))
            ds.ImagePositionPatient = ds_text(position)
            ds.PixelSpacing = ds_text([self.spacing_xy[1], self.spacing_xy[0]])
            ds.SliceThickness = 2.0
            if tilt is not None:
                ds.GantryDetectorTilt = tilt
            ds.Rows, ds.Columns = stored.shape
            ds.SamplesPerPixel = 1
            ds.PhotometricInterpretation = "MONOCHROME2"
            ds.BitsAllocated = 16
            ds.BitsStored = bits_stored or 16
            ds.HighBit = ds.BitsStored - 1
            ds.PixelRepresentation = 1 if signed else 0
            if slope != 1.0 or intercept != 0.0:
                ds.RescaleSlope = f"{slope:g}"
                ds.RescaleIntercept = f"{intercept:g}"
            ds.PixelData = stored.astype(np.int16 if signed else np.uint16).tobytes()
            ds.save_as(os.path.join(folder, f"IM{written:04d}_{rng.integers(1 << 30):x}"), enforce_file_format=True)


def stack(series, array, origin, spacing_z, stored_of, skip=(), shear=0.0, steps=None):
    """Adds every plane of `array` (z, y, x) to `series`, along its normal, with positions from `steps`."""
    d = series.direction
    z = 0.0
    for k in range(array.shape[0]):
        if k > 0:
            z += steps[k - 1] if steps is not None else spacing_z
        if k in skip:
            continue
        position = np.asarray(origin) + d[:, 2] * z + d[:, 1] * (z * np.tan(np.deg2rad(shear)))
        series.add(stored_of(array[k]), position)


def build(cache, out):
    rng = np.random.default_rng(17)
    scratch = tempfile.mkdtemp()
    ct, mr = real_volumes(cache, scratch)
    cases = []

    def case(name, problems=(), series=None):
        cases.append({"name": name, "folder": os.path.join(out, name), "series": series, "problems": list(problems)})

    identity = np.eye(3)
    # CT stored unsigned, 12 bits, HU = stored - 1024.
    s = Series("CT", "CT u12 intercept", 3, (0.8, 0.8), identity)
    stack(s, ct, (-30.0, -20.0, 40.0), 2.0, lambda p: p + 1024)
    s.write(os.path.join(out, "ct_unsigned"), rng, bits_stored=12, intercept=-1024)
    case("ct_unsigned")
    # CT stored signed, HU as is, feet-first order (normal pointing down).
    flipped = np.diag([1.0, 1.0, -1.0]) @ np.array([[1, 0, 0], [0, -1, 0], [0, 0, 1.0]])
    s = Series("CT", "CT signed", 4, (0.7, 0.7), flipped)
    stack(s, ct, (10.0, 5.0, -12.0), 2.0, lambda p: p)
    s.write(os.path.join(out, "ct_signed"), rng, signed=True)
    case("ct_signed")
    # MR, oblique, with a fractional slope and intercept.
    s = Series("MR", "T1 oblique", 7, (1.0, 1.25), rotation(20, 8))  # x 1 mm, y 1.25 mm: PixelSpacing order
    stack(s, mr, (12.5, -40.0, 33.0), 3.0, lambda p: np.round((p - 10.5) / 0.5))
    s.write(os.path.join(out, "mr_oblique"), rng, slope=0.5, intercept=10.5)
    case("mr_oblique")
    # Seeded faults.
    s = Series("CT", "tilted", 2, (0.8, 0.8), identity)
    stack(s, ct, (0.0, 0.0, 0.0), 2.0, lambda p: p + 1024, shear=15.0)
    s.write(os.path.join(out, "tilt"), rng, intercept=-1024, tilt=15.0)
    case("tilt", ["gantry tilt"])
    s = Series("CT", "gap", 2, (0.8, 0.8), identity)
    stack(s, ct, (0.0, 0.0, 0.0), 2.0, lambda p: p + 1024, skip={5})
    s.write(os.path.join(out, "gap"), rng, intercept=-1024)
    case("gap", ["missing slices"])
    s = Series("CT", "uneven", 2, (0.8, 0.8), identity)
    stack(s, ct, (0.0, 0.0, 0.0), 2.0, lambda p: p + 1024, steps=[2.0] * 5 + [2.7] + [2.0] * 5)
    s.write(os.path.join(out, "uneven"), rng, intercept=-1024)
    case("uneven", ["non-uniform slice spacing"])
    s = Series("CT", "duplicate", 2, (0.8, 0.8), identity)
    stack(s, ct, (0.0, 0.0, 0.0), 2.0, lambda p: p + 1024)
    s.add(ct[4] + 1024, s.slices[4][1])
    s.write(os.path.join(out, "duplicate"), rng, intercept=-1024)
    case("duplicate", ["a slice position"])
    s = Series("CT", "sizes", 2, (0.8, 0.8), identity)
    stack(s, ct, (0.0, 0.0, 0.0), 2.0, lambda p: p + 1024)
    stored, position, extra = s.slices[3]
    s.slices[3] = (stored[:48, :48], position, extra)
    s.write(os.path.join(out, "sizes"), rng, intercept=-1024)
    case("sizes", ["inconsistent image sizes"])
    s = Series("CT", "orientations", 2, (0.8, 0.8), identity)
    stack(s, ct, (0.0, 0.0, 0.0), 2.0, lambda p: p + 1024)
    stored, position, extra = s.slices[6]
    s.slices[6] = (stored, position, {"direction": np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0.0]])})
    s.write(os.path.join(out, "orientations"), rng, intercept=-1024)
    case("orientations", ["slice orientations"])
    # A scout in the series: left out, the rest converts.
    s = Series("CT", "with scout", 2, (0.8, 0.8), identity)
    stack(s, ct, (-30.0, -20.0, 40.0), 2.0, lambda p: p + 1024)
    s.add(ct[:, 30, :].repeat(5, axis=0)[:48] + 1024, (-30.0, 5.0, 80.0),
          direction=np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0.0]]), image_type=["ORIGINAL", "PRIMARY", "LOCALIZER"])
    s.write(os.path.join(out, "scout"), rng, intercept=-1024)
    case("scout")
    # Two series in one folder: refused without a choice, each converts when chosen.
    study = generate_uid()
    a = Series("CT", "CT part", 5, (0.8, 0.8), identity, study=study)
    stack(a, ct, (0.0, 0.0, 0.0), 2.0, lambda p: p + 1024)
    a.write(os.path.join(out, "two_series"), rng, intercept=-1024)
    b = Series("MR", "MR part", 6, (1.0, 1.0), identity, study=study)
    stack(b, mr, (0.0, 0.0, 0.0), 3.0, lambda p: np.round(p))
    b.write(os.path.join(out, "two_series"), rng)
    case("two_series", ["holds 2 DICOM series"])
    case("two_series", [], series="6")
    case("two_series", [], series=a.uid)
    json.dump(cases, sys.stdout)


def physical(image):
    """SimpleITK image -> canonical (RAS, nibabel) array and affine, for comparisons that ignore axis order."""
    direction = np.array(image.GetDirection()).reshape(3, 3)
    affine = np.eye(4)
    affine[:3, :3] = direction * np.array(image.GetSpacing())
    affine[:3, 3] = image.GetOrigin()
    affine = np.diag([-1, -1, 1, 1]) @ affine  # LPS -> RAS
    array = sitk.GetArrayFromImage(image).transpose(2, 1, 0).astype(np.float64)
    return canonical(nib.Nifti1Image(array, affine))


def canonical(img):
    img = nib.as_closest_canonical(img)
    return np.asarray(img.get_fdata(dtype=np.float64)), img.affine


def differences(name, theirs, ours):
    (a, affine_a), (b, affine_b) = theirs, ours
    out = []
    if a.shape != b.shape:
        return [f"{name}: shape {a.shape} vs ours {b.shape}"]
    corners = [np.array([i, j, k, 1]) for i in (0, a.shape[0] - 1) for j in (0, a.shape[1] - 1)
               for k in (0, a.shape[2] - 1)]
    worst = max(np.abs(affine_a @ c - affine_b @ c).max() for c in corners)
    if worst > 1e-4 * max(1, np.abs(affine_a[:3, 3]).max()):
        out.append(f"{name}: voxel centres differ by up to {worst:.3g} mm")
    differing = int(np.count_nonzero(np.abs(a - b) > 1e-3 * np.maximum(1, np.abs(a))))
    if differing:
        out.append(f"{name}: {differing} of {a.size} voxels differ (largest {np.abs(a - b).max():.4g})")
    return out


def compare(folder, uid, ours_path):
    ours = canonical(nib.load(ours_path))
    reader = sitk.ImageSeriesReader()
    files = reader.GetGDCMSeriesFileNames(folder, uid)
    # SimpleITK stacks every file of the series; a localizer is left out by us, so by it too.
    files = [f for f in files if "LOCALIZER" not in str(pydicom.dcmread(f, stop_before_pixels=True).ImageType)]
    reader.SetFileNames(files)
    report = {"sitk_files": len(files), "problems": []}
    report["problems"] += differences("SimpleITK", physical(reader.Execute()), ours)
    with tempfile.TemporaryDirectory() as work:
        source = os.path.join(work, "in")
        os.makedirs(source)
        for f in files:
            os.symlink(os.path.abspath(f), os.path.join(source, os.path.basename(f)))
        run = subprocess.run(["dcm2niix", "-z", "n", "-f", "out", "-o", work, source], capture_output=True, text=True)
        made = sorted(glob.glob(os.path.join(work, "out*.nii")))
        if run.returncode != 0 or len(made) != 1:
            report["problems"].append(f"dcm2niix: exit {run.returncode}, {len(made)} outputs: {run.stdout[-500:]}")
        else:
            report["problems"] += differences("dcm2niix", canonical(nib.load(made[0])), ours)
            header = nib.load(ours_path).header
            # Free-text header fields, where converters put patient or protocol text: ours stay empty.
            report["descrip"] = (header["descrip"].tobytes() + header["aux_file"].tobytes()).rstrip(b"\0").decode(
                "latin-1")
    json.dump(report, sys.stdout)


def from_image(image_path, folder, modality):
    """Writes an integer image as a DICOM series on its own grid (signed 16-bit, no rescale)."""
    image = sitk.ReadImage(image_path)
    array = sitk.GetArrayFromImage(image)
    direction = np.array(image.GetDirection()).reshape(3, 3)
    spacing = image.GetSpacing()
    series = Series(modality, "from " + os.path.basename(image_path), 1, spacing[:2], direction)
    for k in range(array.shape[0]):
        series.add(array[k].astype(np.int16), np.array(image.GetOrigin()) + direction[:, 2] * spacing[2] * k)
    series.write(folder, np.random.default_rng(5), signed=True)


if __name__ == "__main__":
    if sys.argv[1] == "build":
        build(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "from-image":
        from_image(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        raise SystemExit(__doc__)
