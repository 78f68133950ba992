import Foundation
import HarmonizeResample
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// Input streaming on files nibabel wrote, big-endian ones included (the plane reader swaps bytes itself): the planes
/// are nibabel's voxels, and a streamed resample equals the whole-volume one.
@Suite("Plane reading what nibabel wrote")
struct StreamConformanceTests {
  static let script = """
    import sys, numpy as np, nibabel as nib
    folder = sys.argv[1]
    z, y, x = np.mgrid[0:19, 0:23, 0:29]
    data = (300 * np.sin(x / 5.0) + 7 * y - 11 * z).astype(np.int16)
    affine = np.diag([-0.8, -0.9, 2.5, 1.0]); affine[:3, 3] = [10, -20, 30]
    for name, dtype in [("big.nii.gz", ">i2"), ("big.nii", ">i2"), ("little.nii.gz", "<i2"), ("bigf.nii.gz", ">f4")]:
        array = np.asarray(data.transpose(2, 1, 0), dtype=dtype)
        image = nib.Nifti1Image(array, affine, header=nib.Nifti1Header(endianness=dtype[0]))
        image.set_data_dtype(dtype)
        nib.save(image, folder + "/" + name)
        loaded = nib.load(folder + "/" + name)
        assert loaded.header.endianness == dtype[0], (name, loaded.header.endianness)
        np.asarray(loaded.dataobj).astype("<" + dtype[1:]).transpose(2, 1, 0).tofile(folder + "/" + name + ".raw")
    """

  @Test func bigAndLittleEndianPlanesAreNibabelsVoxels() throws {
    let folder = TemporaryFolder("stream-nibabel")
    let made = try run(TestEnvironment.python, ["-c", Self.script, folder.path])
    try #require(made.status == 0, "\(made.stderr)")
    for name in ["big.nii.gz", "big.nii", "little.nii.gz", "bigf.nii.gz"] {
      let path = folder.file(name)
      let header = try ImageFile.readHeader(at: path)
      let reader = try #require(try PlaneReader.open(at: path, header: header), "\(name) should stream")
      var planes = [UInt8](repeating: 0, count: reader.planeBytes * reader.planeCount)
      try planes.withUnsafeMutableBytes { bytes in
        try reader.read(planes: reader.planeCount, into: bytes)
        try reader.finish(scratch: bytes)
      }
      let raw = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path + ".raw")))
      #expect(planes == raw, "\(name): planes differ from nibabel's voxels")
      #expect(try ImageFile.read(at: path).withUnsafeBytes { Array($0) } == raw, "\(name): whole read differs")

      let request = ResampleRequest(target: .spacing([0.6, 0.7, 1.1]))
      _ = try FileResampler.resample(
        input: path, output: folder.file("whole-" + name), request: request, streaming: .never)
      let streamed = try FileResampler.resample(
        input: path, output: folder.file("streamed-" + name), request: request,
        streaming: .always(slabBytes: 5000))
      #expect(streamed.inputStreamed, "\(name): \(streamed.notes)")
      #expect(
        try ImageFile.read(at: folder.file("whole-" + name)).allValues
          == ImageFile.read(at: folder.file("streamed-" + name)).allValues, "\(name): streamed resample differs")
    }
  }
}
