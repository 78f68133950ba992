import ArgumentParser
import Foundation

/// Mistyped commands and options, said as such before anything else is checked.
///
/// Why: ArgumentParser runs a command's `validate()` before it reports unknown options, so `resample IN OUT
/// --spacng 1` said "Give exactly one of --spacing and --like" instead of naming the typo; and a mistyped command
/// was "2 unexpected arguments". This looks at the arguments first and names the nearest command or option.
enum ArgumentSpelling {
  /// The message for the first mistyped command or option in `arguments` (without the program name), or nil.
  static func diagnose(_ arguments: [String], subcommands: [ParsableCommand.Type]) -> String? {
    guard let first = arguments.first, !first.hasPrefix("-"), first != "help" else { return nil }
    let names = subcommands.map { $0._commandName }
    guard let index = names.firstIndex(of: first) else {
      let near = nearest(first, in: names)
      return
        "Error: unknown command '\(first)'\(near.map { " (did you mean '\($0)'?)" } ?? ""); commands: \(names.joined(separator: ", "))."
    }
    let help = subcommands[index].helpMessage(columns: 10_000)
    let known = Set(matches(of: #"--[a-z0-9][a-z0-9-]*"#, in: help) + ["--help", "--version"])
    for argument in arguments.dropFirst() {
      if argument == "--" { break }
      guard argument.hasPrefix("--"), argument.count > 2 else { continue }
      let name = String(argument.split(separator: "=", maxSplits: 1).first ?? "")
      if known.contains(name) { continue }
      let near = nearest(name, in: Array(known))
      return "Error: unknown option '\(name)' for '\(first)'\(near.map { "; did you mean '\($0)'?" } ?? "")\n"
        + "Usage: see 'harmonize \(first) --help'."
    }
    return nil
  }

  /// The candidate closest to `word` by edit distance, when it is close enough to be a typo.
  static func nearest(_ word: String, in candidates: [String]) -> String? {
    let scored = candidates.map { ($0, distance(word, $0)) }.min { ($0.1, $0.0) < ($1.1, $1.0) }
    guard let (best, d) = scored, d <= max(2, word.count / 3) else { return nil }
    return best
  }

  /// Levenshtein distance.
  static func distance(_ a: String, _ b: String) -> Int {
    let x = Array(a), y = Array(b)
    var row = Array(0...y.count)
    for i in 1...max(1, x.count) where !x.isEmpty {
      var previous = row[0]
      row[0] = i
      for j in 1...max(1, y.count) where !y.isEmpty {
        let saved = row[j]
        row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (x[i - 1] == y[j - 1] ? 0 : 1))
        previous = saved
      }
    }
    return x.isEmpty ? y.count : row[y.count]
  }

  private static func matches(of pattern: String, in text: String) -> [String] {
    guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
    let range = NSRange(text.startIndex..., in: text)
    return regex.matches(in: text, range: range).compactMap { Range($0.range, in: text).map { String(text[$0]) } }
  }
}
