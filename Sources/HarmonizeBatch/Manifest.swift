import Foundation
import HarmonizeVolume

/// The record of a batch in its output folder: JSON lines, one per finished file, appended as each finishes.
///
/// A whole run writes `harmonize-manifest.jsonl`; shard I of N writes `harmonize-manifest.shard-I-of-N.jsonl`, so
/// that the tasks of a job array never write the same file. Every run reads all of them (the last line about an
/// output wins), and `merge` folds the shard files into the main one. A line cut short by a crash is ignored.
public struct Manifest: Sendable {
  /// One finished file.
  /// How a file ended.
  public enum Status: String, Codable, Sendable {
    case done, failed
  }

  public struct Entry: Codable, Sendable, Equatable {
    public var input: String
    public var output: String
    public var parameters: String
    public var inputBytes: Int
    public var inputModified: Double
    /// How the file ended; written as "done" or "failed".
    public var status: Status
    public var error: String?
    /// Image or segmentation and the rule that decided it; stored as "image" or "label: RULE".
    public var kind: FileKind?
    public var outputBytes: Int?
    public var seconds: Double?
    public var finished: String
    /// The source's geometry and pixel type as stored (before any reorientation), and the output's geometry:
    /// the sidecar record `harmonize restore --manifest` maps predictions back with (LPS mm).
    public var sourceGeometry: Geometry?
    public var sourcePixelType: PixelType?
    public var outputGeometry: Geometry?
    /// For a segmentation: each label value's volume in mL, [before, after] the resample.
    public var labelVolumes: [String: [Double]]?
  }

  public static let mainName = "harmonize-manifest.jsonl"

  /// The manifest file name of a shard.
  public static func name(for shard: Shard) -> String {
    shard.isWhole ? mainName : "harmonize-manifest.shard-\(shard.index)-of-\(shard.count).jsonl"
  }

  /// The latest entry per output, from every manifest file in the folder.
  public static func read(folder: String) -> [String: Entry] { readReporting(folder: folder).entries }

  /// The latest entry per output, and the lines that could not be read (file and line number). Each line is parsed
  /// on its own: a line cut by a crash, invalid UTF-8 or a hand edit costs that line, never the whole manifest (a
  /// single bad line used to make every later run redo everything).
  public static func readReporting(folder: String) -> (entries: [String: Entry], badLines: [String]) {
    var latest: [String: Entry] = [:]
    var bad: [String] = []
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
      .filter { $0.hasPrefix("harmonize-manifest") && $0.hasSuffix(".jsonl") }
      .sorted { ($0 == mainName ? 0 : 1, $0) < ($1 == mainName ? 0 : 1, $1) }  // shards after the main file
    let decoder = JSONDecoder()
    for name in names {
      guard let data = FileManager.default.contents(atPath: PathText.join(folder, name)) else { continue }
      for (number, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() {
        guard let entry = try? decoder.decode(Entry.self, from: Data(line)) else {
          bad.append("\(name):\(number + 1)")
          continue
        }
        latest[entry.output] = entry
      }
    }
    return (latest, bad)
  }

  /// Rewrites the main manifest with the latest entry per output from all manifest files and deletes the shard files.
  /// - Returns: the number of entries.
  @discardableResult
  public static func merge(folder: String) throws(ImageFileError) -> Int {
    let entries = read(folder: folder).values.sorted { $0.output < $1.output }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    var text = ""
    for entry in entries { text += String(decoding: (try? encoder.encode(entry)) ?? Data(), as: UTF8.self) + "\n" }
    try AtomicFile.write(Data(text.utf8), to: PathText.join(folder, mainName))
    for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    where name.hasPrefix("harmonize-manifest.shard-") && name.hasSuffix(".jsonl") {
      try? FileManager.default.removeItem(atPath: PathText.join(folder, name))
    }
    return entries.count
  }
}

/// Appends entries to one JSON-lines manifest file (batch's, predict's), one `write` per line so a crash cuts at most
/// the last line; refuses a manifest that is a symbolic link or not a regular file.
public final class ManifestWriter: @unchecked Sendable {
  private let handle: FileHandle
  private let lock = NSLock()
  private let encoder: JSONEncoder = {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys]
    return e
  }()

  public init(path: String) throws(BatchError) {
    var info = stat()
    if lstat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG {
      throw BatchError(
        path, "the manifest is a symbolic link or not a regular file; harmonize appends only to its own file")
    }
    if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
    guard let handle = FileHandle(forWritingAtPath: path) else {
      throw BatchError(path, "cannot open the manifest for writing")
    }
    handle.seekToEndOfFile()
    // A previous run killed mid-line leaves no newline: start on a fresh line.
    if handle.offsetInFile > 0, let reader = FileHandle(forReadingAtPath: path) {
      reader.seek(toFileOffset: handle.offsetInFile - 1)
      if reader.readData(ofLength: 1) != Data("\n".utf8) { handle.write(Data("\n".utf8)) }
      reader.closeFile()
    }
    self.handle = handle
  }

  public func append<Entry: Encodable>(_ entry: Entry) {
    guard let data = try? encoder.encode(entry) else { return }
    lock.lock()
    defer { lock.unlock() }
    handle.write(data + Data("\n".utf8))
    handle.synchronizeFile()
  }

  deinit { handle.closeFile() }
}
