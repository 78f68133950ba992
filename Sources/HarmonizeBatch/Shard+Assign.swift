import Foundation

extension Shard {
  /// Parses "I/N" (0 ≤ I < N) or "auto" (Slurm's `SLURM_ARRAY_TASK_ID` minus `SLURM_ARRAY_TASK_MIN`, and
  /// `SLURM_ARRAY_TASK_COUNT`; the whole dataset outside a job array).
  /// - Throws: `BatchError` for malformed text or an `auto` without the Slurm variables' consistent values.
  public static func parse(
    _ text: String, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(BatchError) -> Shard {
    if text == "auto" {
      guard let id = environment["SLURM_ARRAY_TASK_ID"].flatMap(Int.init),
        let count = environment["SLURM_ARRAY_TASK_COUNT"].flatMap(Int.init)
      else { return Shard(index: 0, count: 1) }
      let first = environment["SLURM_ARRAY_TASK_MIN"].flatMap(Int.init) ?? 0
      guard count >= 1, id - first >= 0, id - first < count else {
        throw BatchError(
          "--shard auto", "SLURM_ARRAY_TASK_ID \(id) is not in an array of \(count) tasks starting at \(first)")
      }
      return Shard(index: id - first, count: count)
    }
    let parts = text.split(separator: "/").map { Int($0) }
    guard parts.count == 2, let i = parts[0], let n = parts[1], n >= 1, i >= 0, i < n else {
      throw BatchError("--shard \(text)", "expected I/N with 0 ≤ I < N, or auto")
    }
    return Shard(index: i, count: n)
  }

  /// The units of this shard. Units are dealt largest first (ties by key) to the shard with the fewest bytes so
  /// far (ties: lowest index): deterministic, every unit in exactly one shard, bytes balanced within the largest unit.
  public func select(_ units: [BatchUnit]) -> [BatchUnit] {
    Shard.assign(units, count: count)[index]
  }

  /// All shards' units, by shard index.
  public static func assign(_ units: [BatchUnit], count: Int) -> [[BatchUnit]] {
    var shards = Array(repeating: [BatchUnit](), count: count)
    var load = Array(repeating: 0, count: count)
    for unit in units.sorted(by: { ($0.bytes, $1.key) > ($1.bytes, $0.key) }) {
      let target = load.indices.min { (load[$0], $0) < (load[$1], $1) }!
      shards[target].append(unit)
      load[target] += unit.bytes
    }
    return shards.map { $0.sorted { $0.key < $1.key } }
  }
}
