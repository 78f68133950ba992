// The umbrella module: `import Harmonize` gives every Harmonize library.
@_exported import HarmonizeVolume
@_exported import HarmonizeResample
@_exported import HarmonizeCheck
@_exported import HarmonizeBatch
