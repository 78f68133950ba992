import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// DICOM through the command line without Python: a series written byte by byte (`DicomFixture`) reads with the
/// values and grid its tags give, and a seeded corpus of damaged copies never crashes, hangs or writes a partial file.
@Suite("DICOM inputs")
struct DicomInputTests {
  @Test func aSeriesReadsAsItsTagsSay() throws {
    let folder = TemporaryFolder("dicom-fixture")
    try DicomFixture.writeSeries(at: folder.file("series"))
    let volume = try ImageFile.read(at: folder.file("series"))
    #expect(volume.geometry.size == [8, 6, 3] && volume.pixelType == .i16)
    #expect(volume.geometry.spacing[0] == 0.8 && volume.geometry.spacing[1] == 0.7 && volume.geometry.spacing[2] == 2.5)
    #expect(volume.geometry.origin == [-20, -15, 0])
    // HU = stored - 1024, stored = 1000 + x + 10 y + 100 z.
    #expect(volume.value(at: 0) == -24 && volume.value(at: 8 * 6 * 2 + 8 * 5 + 7) == 1000 + 7 + 50 + 200 - 1024)
  }

  @Test func batchWithoutDicomNamesTheFlag() throws {
    let folder = TemporaryFolder("dicom-tree")
    try DicomFixture.writeSeries(at: folder.file("patient/ct"))
    let out = TemporaryFolder("dicom-tree-out")
    let plain = try run(TestEnvironment.harmonizeBinary, ["batch", folder.path, out.file("o"), "--spacing", "1"])
    #expect(plain.status == 2 && plain.stderr.contains("add --dicom"), "\(plain.stdout)\(plain.stderr)")
    let dataset = try run(TestEnvironment.harmonizeBinary, ["batch", folder.path, out.file("d"), "--dicom"])
    #expect(dataset.status == 0, "\(dataset.stdout)\(dataset.stderr)")
    let image = try ImageFile.read(at: out.file("d/imagesTr/case_001_0000.nii.gz"))
    #expect(image.geometry.size == [8, 6, 3] && image.value(at: 0) == -24)
    let json = try JSONSerialization.jsonObject(
      with: Data(contentsOf: URL(fileURLWithPath: out.file("d/dataset.json"))))
    #expect((json as? [String: Any])?["channel_names"] as? [String: String] == ["0": "CT"])
  }

  @Test func damagedSeriesNeverCrashOrHang() throws {
    let folder = TemporaryFolder("dicom-fuzz")
    let good = folder.file("good")
    try DicomFixture.writeSeries(at: good)
    let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: good + "/IM1")))
    var generator = FuzzedInputTests.Generator(state: 0xD1C0_5EED)
    var outcomes: [Int32: Int] = [:]
    for index in 0..<30 {
      let series = folder.file("s\(index)")
      try DicomFixture.writeSeries(at: series)
      var bytes = original
      let span = index % 3 == 2 ? bytes.count : min(bytes.count, 700)
      for _ in 0..<(1 + index % 3) {
        let at = 128 + Int(generator.next() % UInt64(span - 128))
        bytes[at] ^= UInt8(1 << (generator.next() % 8))
      }
      try Data(bytes).write(to: URL(fileURLWithPath: series + "/IM1"))
      for command in [["info", series], ["convert", series, folder.file("out\(index).nii.gz")]] {
        let result = try run(TestEnvironment.harmonizeBinary, command)
        outcomes[result.status, default: 0] += 1
        #expect([0, 1, 2].contains(result.status), "\(command[0]) s\(index): exit \(result.status): \(result.stderr)")
        #expect(
          !result.stderr.contains("Program crashed") && !result.stderr.contains("Fatal error"), "\(result.stderr)")
        if result.status != 0 {
          #expect(
            result.stderr.split(separator: "\n").count == 1 && result.stderr.contains("s\(index)"),
            "\(command[0]) s\(index): \(result.stderr)")
          #expect(command[0] == "info" || !FileManager.default.fileExists(atPath: command[2]))
        }
      }
      #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: series + "/IM1"))) == bytes, "s\(index) was modified")
    }
    print("fuzzed DICOM: exit codes \(outcomes.sorted { $0.key < $1.key })")
    #expect(outcomes[0, default: 0] > 0 && outcomes[2, default: 0] > 0, "\(outcomes)")
  }
}
