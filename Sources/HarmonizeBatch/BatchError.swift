import HarmonizeVolume

/// A batch that cannot start: a missing input folder, an output folder inside the input, bad options; exit 2.
public typealias BatchError = PathError
