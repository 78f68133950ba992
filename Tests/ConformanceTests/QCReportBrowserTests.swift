import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// `harmonize qc`'s report opened in a real browser (Debian's headless Chromium, driven over the DevTools protocol by
/// python/qc_browser.py): pages load without console errors, every picture decodes, every label is listed, and
/// seeded faults show as flagged rows: a label mirrored left-right, a label paired with another case's image.
@Suite("QC report in a browser")
struct QCReportBrowserTests {
  static let script = TestEnvironment.packageRoot + "/Tests/ConformanceTests/python/qc_browser.py"

  /// A body (100 ± 10) in air (0) with two organs: organ 1 (300) on the patient's right, organ 2 (200) on the left.
  /// `shift` moves the organs posteriorly by that many voxels; `jitter` moves them a little between cases.
  static func volumes(jitter: Int, shift: Int = 0) throws -> (image: Volume, label: Volume) {
    let geometry = Geometry(size: [48, 40, 24], spacing: [1, 1, 2])
    var image = try Volume(geometry: geometry, pixelType: .i16)
    var label = try Volume(geometry: geometry, pixelType: .u8)
    var seed: UInt32 = UInt32(17 + jitter)
    for k in 0..<24 {
      for j in 0..<40 {
        for i in 0..<48 {
          let index = i + 48 * (j + 40 * k)
          let body = pow(Double(i - 24) / 21, 2) + pow(Double(j - 20) / 16, 2) < 1
          seed = seed &* 1_103_515_245 &+ 12345
          var value = body ? 100 + Double(seed >> 16 % 21) - 10 : 0
          var organ = 0
          for (number, centreX, intensity) in [(1, 14, 300.0), (2, 34, 200.0)] {
            let d =
              pow(Double(i - centreX - jitter), 2) + pow(Double(j - 18 - shift), 2) + pow(Double(2 * (k - 12)), 2)
            if d < 36 {
              value = intensity
              organ = number
            }
          }
          image.setValue(value, at: index)
          label.setValue(Double(organ), at: index)
        }
      }
    }
    return (image, label)
  }

  /// A dataset of 6 clean cases and two faulty ones.
  static func dataset() throws -> TemporaryFolder {
    let folder = TemporaryFolder("qc-browser")
    for sub in ["imagesTr", "labelsTr"] {
      try FileManager.default.createDirectory(atPath: folder.file(sub), withIntermediateDirectories: true)
    }
    func write(_ id: String, _ image: Volume, _ label: Volume) throws {
      try ImageFile.write(image, to: folder.file("imagesTr/\(id)_0000.nii.gz"))
      try ImageFile.write(label, to: folder.file("labelsTr/\(id).nii.gz"))
    }
    for n in 0..<6 {
      let (image, label) = try volumes(jitter: n % 3 - 1)
      try write("case_00\(n)", image, label)
    }
    // Mirrored left-right: organ 1's label lies on organ 2 and the other way round.
    let (image, label) = try volumes(jitter: 0)
    var mirrored = label
    for k in 0..<24 {
      for j in 0..<40 {
        for i in 0..<48 { mirrored.setValue(label.value(at: (47 - i) + 48 * (j + 40 * k)), at: i + 48 * (j + 40 * k)) }
      }
    }
    try write("case_flipped", image, mirrored)
    // Another case's label: this image's organs lie 10 voxels further back.
    let shifted = try volumes(jitter: 0, shift: 10)
    try write("case_swapped", shifted.image, label)
    let json = """
      {"channel_names": {"0": "CT"}, "labels": {"background": 0, "liver": 1, "spleen": 2},
       "numTraining": 8, "file_ending": ".nii.gz"}
      """
    try Data(json.utf8).write(to: URL(fileURLWithPath: folder.file("dataset.json")))
    return folder
  }

  struct Page: Decodable {
    struct Image: Decodable {
      var src: String
      var naturalWidth: Int
    }
    struct Label: Decodable {
      var value: Int
      var flagged: Bool
      var flag: String
    }
    struct Case: Decodable {
      var id: String
      var worst: String
      var href: String
      var problems: String
    }
    var page: String
    var images: [Image]
    var labels: [Label]
    var cases: [Case]
    var errors: [String]
    var screenshot: String?
  }

  static func chromium() throws -> String {
    for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
    where FileManager.default.isExecutableFile(atPath: candidate) {
      return candidate
    }
    throw TestEnvironmentError("Debian's chromium is not installed (scripts/install.sh --python installs it)")
  }

  @Test func theReportLoadsEveryPictureListsEveryLabelAndFlagsTheSeededFaults() throws {
    let data = try Self.dataset()
    let report = TemporaryFolder("qc-browser-report")
    let qc = try run(TestEnvironment.harmonizeBinary, ["qc", data.path, "--out", report.path])
    #expect(qc.status == 0, "warnings only: \(qc.stderr)")
    #expect(qc.stderr.contains("8 cases, 2 flagged"), "\(qc.stderr)")
    let shots = TemporaryFolder("qc-browser-shots")
    let pages = [
      report.file("index.html") + "=overview.png", report.file("cases/case_flipped.html") + "=flipped.png",
      report.file("cases/case_swapped.html"), report.file("cases/case_003.html") + "=clean.png",
    ]
    let browser = try run(TestEnvironment.python, [Self.script, try Self.chromium(), shots.path] + pages)
    #expect(browser.status == 0, "\(browser.stderr)")
    let seen = try JSONDecoder().decode([Page].self, from: Data(browser.stdout.utf8))
    try #require(seen.count == 4)
    for page in seen {
      #expect(page.errors.isEmpty, "\(page.page): \(page.errors)")
      #expect(page.images.allSatisfy { $0.naturalWidth > 0 }, "\(page.page): undecoded \(page.images)")
      if let shot = page.screenshot {
        let bytes = FileManager.default.contents(atPath: shot) ?? Data()
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) && bytes.count > 10_000, "\(shot): \(bytes.count) B")
      }
    }
    // The overview: one decoded thumbnail per case, the flagged cases first.
    let overview = seen[0]
    #expect(overview.cases.count == 8 && overview.images.count == 8)
    #expect(Set(overview.cases.prefix(2).map(\.id)) == ["case_flipped", "case_swapped"], "\(overview.cases)")
    #expect(overview.cases.prefix(2).allSatisfy { $0.worst == "warning" })
    #expect(overview.cases.dropFirst(2).allSatisfy { $0.worst == "ok" }, "\(overview.cases)")
    // Case pages: three views, both labels listed, the seeded faults flagged.
    for page in seen.dropFirst() {
      #expect(page.images.count == 3, "\(page.page)")
      #expect(page.labels.map(\.value) == [1, 2], "\(page.page)")
    }
    #expect(seen[1].labels.allSatisfy { $0.flagged }, "mirrored: \(seen[1].labels)")
    #expect(seen[1].labels.contains { $0.flag.contains("left-right") }, "\(seen[1].labels)")
    #expect(seen[2].labels.contains { $0.flagged && $0.flag.contains("intensities") }, "swapped: \(seen[2].labels)")
    #expect(seen[3].labels.allSatisfy { !$0.flagged }, "clean: \(seen[3].labels)")
  }
}
