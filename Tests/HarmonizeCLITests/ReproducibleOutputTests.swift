import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// The same input gives the same `.nii.gz` bytes in every process. ISA-L 2.30's igzip compressed a few hundred bytes
/// (the NIfTI header member, a tiny image's voxels) to other valid bytes in about 1 process in 150, depending on the
/// address-space layout: a second cause of the link tests' flake (stop 24). Before the fix this test saw 2 other files
/// in 300 runs; 600 runs find one with about 98% probability.
@Suite("Reproducible output")
struct ReproducibleOutputTests {
  @Test func aTinyImageConvertsToTheSameBytesInEveryProcess() throws {
    let folder = TemporaryFolder("reproducible")
    try ImageFile.write(
      DatasetFixture.image(size: [6, 5, 4], spacing: [1, 2, 3]), to: folder.file("tiny.nrrd"))
    let runs = 600
    let outputs = LockedArray<[UInt8]?>(repeating: nil, count: runs)
    DispatchQueue.concurrentPerform(iterations: 2) { worker in
      for index in stride(from: worker, to: runs, by: 2) {
        let out = folder.file("out-\(index).nii.gz")
        let result = try? run(TestEnvironment.harmonizeBinary, ["convert", folder.file("tiny.nrrd"), out])
        if result?.status == 0, let data = FileManager.default.contents(atPath: out) {
          outputs.set(index, [UInt8](data))
          try? FileManager.default.removeItem(atPath: out)
        }
      }
    }
    let all = outputs.values
    #expect(all.allSatisfy { $0 != nil }, "every convert succeeds")
    let first = try #require(all.first ?? nil)
    let other = all.enumerated().filter { $0.element != nil && $0.element! != first }
    #expect(
      Bool(other.isEmpty),
      "\(other.count) of \(runs) processes wrote other bytes (\(other.first.map { "run \($0.offset): \($0.element!.count) vs \(first.count) bytes" } ?? ""))"
    )
  }
}

/// Results written from two worker threads.
private final class LockedArray<Element>: @unchecked Sendable {
  private let lock = NSLock()
  private var storage: [Element]
  init(repeating value: Element, count: Int) { storage = Array(repeating: value, count: count) }
  func set(_ index: Int, _ value: Element) { lock.withLock { storage[index] = value } }
  var values: [Element] { lock.withLock { storage } }
}
