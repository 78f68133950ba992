/// The Python program `harmonize predict` runs in the user's Python: nnU-Net v2's own preprocessing and network
/// through its public classes (`nnUNetPredictor`, the configuration's preprocessor), no export. It is written into
/// the run's work folder and started as `python RUNNER JOB.json`; its protocol is in its docstring.
enum RunnerScript {
  static let fileName = "harmonize_nnunet_runner.py"

  static let source = #"""
    """harmonize's nnU-Net runner: nnU-Net v2's own preprocessing and network through its public classes, no export.

    Run by `harmonize predict` as `python RUNNER JOB.json`. For each case it writes the network's logits at the network's
    grid (what nnUNetPredictor.predict_logits_from_preprocessed_data returns, K x the preprocessed shape, C order) to
    OUT.logits and nnU-Net's properties of the case to OUT.json (both through a temporary name and a rename), then tells
    harmonize on stdout. harmonize resamples the logits back onto the original grid as nnU-Net's export does.

    A case is either {"id", "files", "out"}: nnU-Net's own preprocessor reads the channel files (in -npp worker processes
    when asked); or {"id", "data", "out"}: harmonize preprocessed it as nnU-Net does and writes DATA (float32, C order,
    channels x shape_after_resampling) then DATA.json (nnU-Net's properties), or DATA.failed with the reason; the runner
    waits for them in order.

    Protocol: one line per event on stdout, `HARMONIZE ` and a JSON object: {"event": "model", ...} once the model is
    loaded; {"event": "case", "id"} when a case's logits are written; {"event": "failed", "id", "error"} when a case
    cannot be predicted (the others go on); {"event": "fatal", "error"} when nothing can run (nnunetv2 missing, a model
    that does not load). Everything nnU-Net prints goes to stderr.
    """
    import json
    import os
    import sys
    import time
    import traceback

    PROTOCOL = sys.stdout


    def say(**fields):
        PROTOCOL.write("HARMONIZE " + json.dumps(fields) + "\n")
        PROTOCOL.flush()


    def preprocess(args):
        """One case through the configuration's own preprocessor (in a worker process or in this one)."""
        files, plans, configuration, dataset_json = args
        try:
            from nnunetv2.utilities.plans_handling.plans_handler import PlansManager
            manager = PlansManager(plans)
            config = manager.get_configuration(configuration)
            preprocessor = config.preprocessor_class(verbose=False)
            data, _, properties = preprocessor.run_case(files, None, manager, config, dataset_json)
            return data, properties, None
        except Exception as error:  # a case that cannot be read stops that case, not the run
            return None, None, f"{type(error).__name__}: {error}"


    def wait_for_input(case, channels):
        """A case harmonize preprocessed: wait until its array and properties are written (or its failure is)."""
        import numpy as np
        base = case["data"]
        while True:
            if os.path.exists(base + ".json"):
                with open(base + ".json") as f:
                    properties = json.load(f)
                shape = [channels] + [int(v) for v in properties["shape_after_resampling"]]
                data = np.fromfile(base, dtype=np.float32)
                if data.size != int(np.prod(shape)):
                    return None, None, f"{base}: {data.size} values, not {shape}"
                return data.reshape(shape), properties, None
            if os.path.exists(base + ".failed"):
                with open(base + ".failed") as f:
                    return None, None, f.read().strip()
            time.sleep(0.05)


    def plain(value):
        """nnU-Net's properties as JSON: numpy scalars and arrays, tuples."""
        import numpy as np
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items() if k != "sitk_stuff" and k != "nibabel_stuff"}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, np.ndarray):
            return plain(value.tolist())
        if isinstance(value, np.generic):
            return value.item()
        return value


    def write_case(out, logits, properties):
        import numpy as np
        array = np.ascontiguousarray(logits)
        temporary = out + ".logits.partial"
        with open(temporary, "wb") as f:
            array.tofile(f)
        os.replace(temporary, out + ".logits")
        record = {"dtype": str(array.dtype), "shape": list(array.shape), "properties": plain(properties)}
        with open(out + ".json.partial", "w") as f:
            json.dump(record, f)
        os.replace(out + ".json.partial", out + ".json")


    def nnunet_version():
        try:
            from importlib.metadata import version
            return version("nnunetv2")
        except Exception:
            return None


    def main():
        sys.stdout = sys.stderr
        with open(sys.argv[1]) as f:
            job = json.load(f)
        try:
            import numpy as np
            import torch
            from nnunetv2.inference.predict_from_raw_data import nnUNetPredictor
        except Exception as error:
            say(event="fatal", error=f"nnunetv2 cannot be imported in {sys.executable}: {error}",
                missing=True)
            return 3
        try:
            torch.set_num_threads(max(1, int(job["threads"])))
            device = torch.device(job["device"])
            predictor = nnUNetPredictor(tile_step_size=float(job["step_size"]), use_gaussian=True,
                                        use_mirroring=bool(job["mirroring"]), perform_everything_on_device=False,
                                        device=device, verbose=False, verbose_preprocessing=False, allow_tqdm=False)
            folds = job["folds"]
            predictor.initialize_from_trained_model_folder(job["model"], tuple(folds) if folds else None,
                                                           job["checkpoint"])
            configuration = predictor.configuration_manager
            labels = predictor.label_manager
            first = f"fold_{folds[0]}" if folds else sorted(
                d for d in os.listdir(job["model"]) if d.startswith("fold_") and d != "fold_all")[0]
            checkpoint = torch.load(os.path.join(job["model"], first, job["checkpoint"]), map_location="cpu",
                                    weights_only=False)
            configuration_name = checkpoint["init_args"]["configuration"]
            del checkpoint
            say(event="model", configuration=configuration_name,
                heads=int(labels.num_segmentation_heads), has_regions=bool(labels.has_regions),
                foreground_labels=[int(v) for v in labels.foreground_labels], spacing=list(configuration.spacing),
                transpose_forward=list(predictor.plans_manager.transpose_forward),
                resampling_fn_probabilities=configuration.configuration["resampling_fn_probabilities"],
                resampling_fn_probabilities_kwargs=configuration.configuration["resampling_fn_probabilities_kwargs"],
                previous_stage=configuration.previous_stage_name, folds=len(predictor.list_of_parameters),
                nnunetv2=nnunet_version())
        except Exception as error:
            traceback.print_exc()
            say(event="fatal", error=f"the model in {job['model']} does not load: {type(error).__name__}: {error}")
            return 4
        cases = job["cases"]
        workers = int(job.get("preprocess_workers", 0))
        pool = None
        if cases and "data" in cases[0]:
            channels = len(predictor.dataset_json["channel_names"])
            results = (wait_for_input(case, channels) for case in cases)
        else:
            work = [(case["files"], predictor.plans_manager.plans, configuration_name, predictor.dataset_json)
                    for case in cases]
            if workers > 0 and len(cases) > 1:
                import multiprocessing
                pool = multiprocessing.get_context("spawn").Pool(min(workers, len(cases)))
                results = pool.imap(preprocess, work)
            else:
                results = map(preprocess, work)
        for case, (data, properties, error) in zip(cases, results):
            try:
                if error is not None:
                    raise RuntimeError(error)
                with torch.no_grad():
                    logits = predictor.predict_logits_from_preprocessed_data(torch.from_numpy(data)).cpu()
                del data
                write_case(case["out"], logits.numpy(), properties)
                del logits
                say(event="case", id=case["id"])
            except Exception as error:
                traceback.print_exc()
                say(event="failed", id=case["id"], error=str(error).strip().splitlines()[-1] if str(error) else
                    type(error).__name__)
        if pool is not None:
            pool.close()
            pool.join()
        return 0


    if __name__ == "__main__":
        sys.exit(main())
    """#
}
