import HarmonizeVolume

/// A reference (fingerprint, nnU-Net dataset or model folder) or an input that cannot be used at all; exit 2.
public typealias CheckReferenceError = PathError
