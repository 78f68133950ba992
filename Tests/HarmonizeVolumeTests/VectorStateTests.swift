import Foundation
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeVolume

/// ISA-L's assembly returns with the upper halves of the vector registers in use. Swift's code is SSE, and SSE
/// instructions after that run with a false dependency on those halves: W1's linear resample took 0.20 s after a
/// `.nii.gz` read against 0.09 s after a `.nii` read of the same pixels. Every CNifti call must leave the thread's
/// upper state clean; the processor says whether it is (XGETBV's XINUSE bits). These tests fail without the
/// `vzeroupper` after each ISA-L call.
@Suite("Vector state after inflate and deflate")
struct VectorStateTests {
  @Test func readingNiftiGzLeavesTheUpperStateClean() throws {
    guard NiftiBridge.upperVectorStateInUse() != nil else { return }  // no AVX: ISA-L cannot dirty what is not there
    let folder = TemporaryFolder("vector-state")
    let path = folder.file("noisy.nii.gz")
    // Noisy enough that the members are real Huffman blocks, large enough that igzip (not libdeflate) writes them.
    try ImageFile.write(SyntheticVolume.make(size: [96, 96, 24], pixelType: .i16), to: path)
    let volume = try ImageFile.read(at: path)
    #expect(volume.byteCount == 96 * 96 * 24 * 2)
    #expect(NiftiBridge.upperVectorStateInUse() == false, "after inflating \(path)")
  }

  @Test func compressingAMemberLeavesTheUpperStateClean() {
    guard NiftiBridge.upperVectorStateInUse() != nil else { return }
    let input = (0..<(256 * 1024)).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }
    var output = [UInt8](repeating: 0, count: NiftiBridge.gzipBound(input.count))
    let size = input.withUnsafeBytes { source in
      output.withUnsafeMutableBytes {
        NiftiBridge.gzipMember(source.baseAddress, source.count, level: 1, into: $0.baseAddress!, capacity: $0.count)
      }
    }
    #expect(size > 0)
    #expect(NiftiBridge.upperVectorStateInUse() == false, "after igzip level 1 of \(input.count) bytes")
  }
}
