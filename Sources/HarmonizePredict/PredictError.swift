import HarmonizeVolume

/// A prediction that cannot start (a model folder, a Python without nnunetv2, bad options) or a case that cannot be
/// exported, with the file at fault: `path: reason` on one line.
public typealias PredictError = PathError
