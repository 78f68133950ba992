"""A CPU-sized nnU-Net v2 model with fixed random weights, and nnU-Net's own prediction with it (nnunetv2 from PyPI).

    nnunet_model.py model PRE DATASET OUT [--labels K] [--seed S] [--patch Z,Y,X]
        writes an nnU-Net model folder (dataset.json, plans.json, dataset_fingerprint.json,
        fold_0/checkpoint_final.pth) into OUT from the plans nnunetv2 made for PRE/DATASET. The 3d_fullres
        configuration keeps nnU-Net's spacing, normalization and resampling but gets a three-stage PlainConvUNet with
        4-16 features (inference on a CPU in seconds); the weights are nnU-Net's own initialisation under a fixed seed.
        --labels K replaces the dataset's labels with K classes (background + K-1), for many-class models;
        --spacing Z,Y,X sets the configuration's spacing (numpy order); --channels N keeps the first N channels.
    nnunet_model.py predict MODEL INPUT_FOLDER OUTPUT_FOLDER [--no-tta]
        runs nnUNetPredictor.predict_from_files_sequential (nnU-Net's preprocessing, sliding window and its export
        `export_prediction_from_logits`, in this process): the reference `harmonize predict --export exact` is held to.
"""
import argparse
import json
import os
import shutil
import sys


def model(pre, dataset, out, labels, seed, patch, spacing=None, channels=None):
    import torch
    from nnunetv2.utilities.plans_handling.plans_handler import PlansManager
    from nnunetv2.training.nnUNetTrainer.nnUNetTrainer import nnUNetTrainer
    from nnunetv2.utilities.label_handling.label_handling import determine_num_input_channels

    source = os.path.join(pre, dataset)
    with open(os.path.join(source, "nnUNetPlans.json")) as f:
        plans = json.load(f)
    with open(os.path.join(source, "dataset.json")) as f:
        dataset_json = json.load(f)
    if labels is not None:
        dataset_json["labels"] = {"background": 0, **{f"class_{i}": i for i in range(1, labels)}}
    configuration = plans["configurations"]["3d_fullres"]
    if spacing is not None:
        configuration["spacing"] = spacing
    if channels is not None:
        dataset_json["channel_names"] = {k: v for k, v in dataset_json["channel_names"].items() if int(k) < channels}
        configuration["normalization_schemes"] = configuration["normalization_schemes"][:channels]
        configuration["use_mask_for_norm"] = configuration["use_mask_for_norm"][:channels]
        plans["foreground_intensity_properties_per_channel"] = {
            k: v for k, v in plans["foreground_intensity_properties_per_channel"].items() if int(k) < channels}
    arch = configuration["architecture"]["arch_kwargs"]
    stages = 3
    arch["n_stages"] = stages
    arch["features_per_stage"] = [4, 8, 16]
    arch["kernel_sizes"] = arch["kernel_sizes"][:stages]
    arch["strides"] = arch["strides"][:stages]
    arch["n_conv_per_stage"] = [1] * stages
    arch["n_conv_per_stage_decoder"] = [1] * (stages - 1)
    if patch is not None:
        configuration["patch_size"] = patch
    else:
        # The plan's patch, halved on each axis while larger than 64, kept divisible by the strides.
        divisor = [1, 1, 1]
        for stride in arch["strides"]:
            divisor = [d * s for d, s in zip(divisor, stride)]
        size = configuration["patch_size"]
        while max(size) > 64:
            size = [max(d, (s // 2) // d * d) if s > 64 else s for s, d in zip(size, divisor)]
        configuration["patch_size"] = size
    os.makedirs(os.path.join(out, "fold_0"), exist_ok=True)
    for name, content in (("plans.json", plans), ("dataset.json", dataset_json)):
        with open(os.path.join(out, name), "w") as f:
            json.dump(content, f, indent=1)
    shutil.copy(os.path.join(source, "dataset_fingerprint.json"), os.path.join(out, "dataset_fingerprint.json"))
    manager = PlansManager(plans)
    config = manager.get_configuration("3d_fullres")
    torch.manual_seed(seed)
    network = nnUNetTrainer.build_network_architecture(
        manager, config, determine_num_input_channels(manager, config, dataset_json),
        manager.get_label_manager(dataset_json).num_segmentation_heads, enable_deep_supervision=False)
    checkpoint = {
        "network_weights": network.state_dict(),
        "trainer_name": "nnUNetTrainer",
        "init_args": {"plans": plans, "configuration": "3d_fullres", "fold": 0, "dataset_json": dataset_json},
        "inference_allowed_mirroring_axes": (0, 1, 2),
    }
    torch.save(checkpoint, os.path.join(out, "fold_0", "checkpoint_final.pth"))
    return {"model": out, "patch_size": configuration["patch_size"], "spacing": configuration["spacing"],
            "classes": len(dataset_json["labels"])}


def predict(model_folder, inputs, outputs, tta):
    import torch
    from nnunetv2.inference.predict_from_raw_data import nnUNetPredictor
    # nnunetv2.utilities.utils lists files with a fork Pool; forking a process that has torch's threads can deadlock
    # (seen under the test runner). Threads instead: the same files, listed the same way.
    import multiprocessing.dummy
    import nnunetv2.utilities.utils
    nnunetv2.utilities.utils.Pool = multiprocessing.dummy.Pool
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    predictor = nnUNetPredictor(tile_step_size=0.5, use_gaussian=True, use_mirroring=tta,
                                perform_everything_on_device=False, device=torch.device("cpu"), verbose=False,
                                verbose_preprocessing=False, allow_tqdm=False)
    predictor.initialize_from_trained_model_folder(model_folder, (0,), "checkpoint_final.pth")
    os.makedirs(outputs, exist_ok=True)
    predictor.predict_from_files_sequential(inputs, outputs, save_probabilities=False, overwrite=True)
    return {"outputs": sorted(f for f in os.listdir(outputs) if f.endswith(".nii.gz"))}


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("model")
    m.add_argument("pre")
    m.add_argument("dataset")
    m.add_argument("out")
    m.add_argument("--labels", type=int)
    m.add_argument("--seed", type=int, default=12345)
    m.add_argument("--patch", type=lambda s: [int(v) for v in s.split(",")])
    m.add_argument("--spacing", type=lambda s: [float(v) for v in s.split(",")])
    m.add_argument("--channels", type=int)
    p = sub.add_parser("predict")
    p.add_argument("model")
    p.add_argument("inputs")
    p.add_argument("outputs")
    p.add_argument("--no-tta", action="store_true")
    args = parser.parse_args()
    # nnU-Net prints progress on stdout: keep it off the JSON.
    stdout = sys.stdout
    sys.stdout = sys.stderr
    try:
        if args.command == "model":
            result = model(args.pre, args.dataset, args.out, args.labels, args.seed, args.patch, args.spacing,
                           args.channels)
        else:
            result = predict(args.model, args.inputs, args.outputs, not args.no_tta)
    finally:
        sys.stdout = stdout
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
