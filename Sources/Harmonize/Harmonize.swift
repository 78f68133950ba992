@_exported import HarmonizeBatch
@_exported import HarmonizeCheck
@_exported import HarmonizePredict
@_exported import HarmonizeQC
@_exported import HarmonizeResample
// The umbrella module: `import Harmonize` gives every Harmonize library.
@_exported import HarmonizeVolume
