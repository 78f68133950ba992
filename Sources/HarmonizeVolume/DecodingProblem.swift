/// One line for a JSON decoding error: the key path and what was wrong (`sourceGeometry: invalid geometry: origin must
/// be finite ...`), instead of Foundation's multi-part `DecodingError` description.
public func describe(_ error: any Error) -> String {
  guard let error = error as? DecodingError else { return "\(error)" }
  func path(_ context: DecodingError.Context) -> String {
    context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
  }
  switch error {
  case .keyNotFound(let key, let context):
    return "missing \(path(context).isEmpty ? "" : path(context) + ".")\(key.stringValue)"
  case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
    return "\(path(context)): \(context.debugDescription)"
  @unknown default: return "\(error)"
  }
}
