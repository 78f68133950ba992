/// A number as users read it in reports: Swift's shortest round-trip form (or 12 significant digits where that is
/// within 1e-12 of it), without a trailing ".0",
/// and -0 shown as 0. A value that is exactly a 32-bit float (NIfTI stores spacing and origin as float32) is
/// shown in float32's shortest form, `0.85` rather than `0.8500000238418579`; JSON output keeps every digit.
public func formatNumber(_ value: Double) -> String {
  if value == 0 { return "0" }
  if value.isNaN { return "nan" }
  if value.isInfinite { return value < 0 ? "-inf" : "inf" }
  let single = Float(value)
  var text = Double(single) == value ? "\(single)" : "\(value)"
  // Arithmetic leaves values one ulp off a short decimal (0.7812499999999999 for 0.78125): shown with 12 significant
  // digits when that is within 1e-12 of the value. Reports only; JSON keeps every digit.
  if text.count > 14, let short = Double(String(format: "%.12g", value)), abs(short - value) <= 1e-12 * abs(value) {
    let shortText = "\(short)"
    if shortText.count < text.count { text = shortText }
  }
  if text.hasSuffix(".0") { text.removeLast(2) }
  return text
}

/// A measured value with at most four significant digits, for messages: `0.001075`, `44500`, `2.214`.
public func formatSignificant(_ value: Double) -> String {
  formatNumber(Double(String(format: "%.4g", value)) ?? value)
}

/// A fraction as a whole percentage: `0.254` → `25%`.
public func formatPercent(_ fraction: Double) -> String {
  "\(Int((fraction * 100).rounded()))%"
}

/// Values in parentheses, comma separated: `(0.7, 0.7, 2.5)`.
public func formatList(_ values: [Double]) -> String {
  "(" + values.map(formatNumber).joined(separator: ", ") + ")"
}

/// Values in parentheses, comma separated: `(512, 512, 300)`.
public func formatList(_ values: [Int]) -> String {
  "(" + values.map(String.init).joined(separator: ", ") + ")"
}

/// A byte count with a binary unit: `1.5 MiB`, `312 B`.
public func formatBytes(_ bytes: Int) -> String {
  let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
  var value = Double(bytes)
  var unit = 0
  while value >= 1024 && unit < units.count - 1 {
    value /= 1024
    unit += 1
  }
  if unit == 0 { return "\(bytes) B" }
  let rounded = (value * 10).rounded() / 10
  return "\(formatNumber(rounded)) \(units[unit])"
}
