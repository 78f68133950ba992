import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// A seeded corpus of damaged files, made by the test (never committed): info, resample, check, restore and reorient
/// on each file, then batch and fingerprint over the whole corpus, give a clean one-line error (exit 1 or 2) or a
/// result (exit 0); never a crash or a hang; the input stays byte-identical and no temporary folder is left.
@Suite("Fuzzed inputs")
struct FuzzedInputTests {
  struct Generator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      return state
    }
  }

  /// Runs the binary with a time limit; nil when it had to be killed (a hang).
  private func runLimited(_ arguments: [String], seconds: Double = 30) throws -> (status: Int32, stderr: String)? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: TestEnvironment.harmonizeBinary)
    process.arguments = arguments
    let err = Pipe()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = err
    let done = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in done.signal() }
    try process.run()
    nonisolated(unsafe) var errData = Data()
    let reader = DispatchGroup()
    reader.enter()
    DispatchQueue.global().async {
      errData = err.fileHandleForReading.readDataToEndOfFile()
      reader.leave()
    }
    if done.wait(timeout: .now() + seconds) == .timedOut {
      process.terminate()
      process.waitUntilExit()
      return nil
    }
    reader.wait()
    return (process.terminationStatus, String(decoding: errData, as: UTF8.self))
  }

  @Test(arguments: [".nii", ".nii.gz", ".nrrd", ".mha"])
  func bitFlippedFilesNeverCrashOrHang(_ ending: String) throws {
    let folder = TemporaryFolder("fuzz")
    let good = folder.file("good" + ending)
    try ImageFile.write(SyntheticVolume.make(size: [12, 10, 6], spacing: [0.7, 0.8, 2.5], pixelType: .i16), to: good)
    let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: good)))
    let reference = TemporaryFolder("fuzz-reference")
    try ImageFile.write(
      SyntheticVolume.make(size: [12, 10, 6], spacing: [0.7, 0.8, 2.5], pixelType: .i16),
      to: reference.file("case_0000.nii.gz"))
    let fingerprint = reference.file("fp.json")
    #expect(try run(TestEnvironment.harmonizeBinary, ["fingerprint", reference.path, "-o", fingerprint]).status == 0)
    let corpus = TemporaryFolder("fuzz-corpus")
    var generator = Generator(state: 0x5EED_0000 &+ UInt64(ending.count))
    var outcomes: [Int32: Int] = [:]
    for index in 0..<40 {
      var bytes = original
      // Mostly the header (where sizes, types and geometry live), sometimes anywhere.
      let span = index % 4 == 3 ? bytes.count : min(bytes.count, 400)
      for _ in 0..<(1 + index % 3) {
        let at = Int(generator.next() % UInt64(span))
        bytes[at] ^= UInt8(1 << (generator.next() % 8))
      }
      let path = folder.file("f\(index)" + ending)
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      try Data(bytes).write(to: URL(fileURLWithPath: corpus.file("f\(index)_0000" + ending)))
      let commands = [
        ["info", path], ["resample", path, folder.file("out\(index).nii.gz"), "--spacing", "1.3"],
        ["check", path, "--against", fingerprint],
        ["restore", path, folder.file("back\(index).nii.gz"), "--original", good],
        ["reorient", path, folder.file("ras\(index).nii.gz"), "--to", "RAS"],
      ]
      for command in commands {
        guard let result = try runLimited(command) else {
          Issue.record("\(command[0]) \(path) hung")
          continue
        }
        outcomes[result.status, default: 0] += 1
        #expect(
          [0, 1, 2].contains(result.status),
          "\(command[0]) f\(index)\(ending): exit \(result.status): \(result.stderr.prefix(300))")
        #expect(
          !result.stderr.contains("Fatal error") && !result.stderr.contains("crashed"), "\(result.stderr.prefix(300))")
        if result.status != 0 {
          let lines = result.stderr.split(separator: "\n")
          #expect(
            lines.last?.hasPrefix("error: ") == true && lines.last?.contains("f\(index)") == true,
            "\(command[0]) f\(index)\(ending): \(result.stderr.prefix(300))")
        }
      }
      #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == bytes, "f\(index)\(ending) was modified")
    }
    #expect(!folder.contents.contains { $0.hasPrefix(".harmonize-tmp") })
    // The whole corpus through batch and fingerprint in one run each: every damaged file is a failure, not a crash.
    let batchOutput = TemporaryFolder("fuzz-batch")
    for command in [
      ["batch", corpus.path, batchOutput.path, "--spacing", "1.3"],
      ["fingerprint", corpus.path, "-o", batchOutput.file("fp.json")],
    ] {
      let result = try runLimited(command, seconds: 300)
      #expect(result != nil, "\(command[0]) over the corpus hung")
      if let result {
        outcomes[result.status, default: 0] += 1
        #expect(
          [0, 1, 2].contains(result.status), "\(command[0]) corpus: exit \(result.status): \(result.stderr.suffix(500))"
        )
        #expect(
          !result.stderr.contains("Fatal error") && !result.stderr.contains("crashed"), "\(result.stderr.suffix(500))")
      }
    }
    print("fuzzed \(ending): exit codes \(outcomes.sorted { $0.key < $1.key })")
  }
}
