/// One record per label value of a label map: values 1..<4096 (nearly every label map) in an array, others in a
/// dictionary, so that the per-voxel passes of `LabelStatistics` and `ImagePass` update records in place.
struct LabelTable<Entry> {
  private var small: [Entry]
  private var large: [Int: Entry] = [:]
  private let empty: Entry

  init(empty: Entry) {
    small = Array(repeating: empty, count: 4096)
    self.empty = empty
  }

  /// The label value a stored voxel value stands for: nil for 0 (background), a value that truncates to 0,
  /// non-finite values and magnitudes of 1e9 or more.
  @inline(__always) static func key(_ raw: Double) -> Int? {
    guard raw.isFinite, abs(raw) < 1e9 else { return nil }
    let key = Int(raw)
    return key == 0 ? nil : key
  }

  @inline(__always) mutating func update(_ key: Int, _ body: (inout Entry) -> Void) {
    if key > 0 && key < small.count {
      body(&small[key])
    } else {
      let empty = empty
      body(&large[key, default: empty])
    }
  }

  /// The records for which `used` holds, by label value.
  func entries(where used: (Entry) -> Bool) -> [Int: Entry] {
    var result = large.filter { used($0.value) }
    for key in small.indices where used(small[key]) { result[key] = small[key] }
    return result
  }

  /// Both tables' records, combined where both hold one for a value outside 1..<4096 and for every value inside.
  func merged(with other: LabelTable, _ combine: (Entry, Entry) -> Entry) -> LabelTable {
    var result = self
    for key in small.indices { result.small[key] = combine(small[key], other.small[key]) }
    result.large = large.merging(other.large, uniquingKeysWith: combine)
    return result
  }
}
