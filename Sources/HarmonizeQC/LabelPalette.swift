/// Distinct colours for label outlines: the label value picks one of 20 hues, so a label keeps its colour on every
/// view and every case.
public enum LabelPalette {
  static let colours: [(UInt8, UInt8, UInt8)] = [
    (230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48), (145, 30, 180), (70, 240, 240),
    (240, 50, 230), (210, 245, 60), (250, 190, 212), (0, 128, 128), (220, 190, 255), (170, 110, 40),
    (255, 250, 200), (128, 0, 0), (170, 255, 195), (128, 128, 0), (255, 215, 180), (0, 0, 128), (255, 255, 255),
  ]

  /// The colour of label `value` (non-zero).
  public static func colour(_ value: Int) -> (UInt8, UInt8, UInt8) {
    colours[((value - 1) % colours.count + colours.count) % colours.count]
  }

  /// `#rrggbb` for HTML.
  public static func hex(_ value: Int) -> String {
    let (r, g, b) = colour(value)
    return "#" + [r, g, b].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
  }
}
