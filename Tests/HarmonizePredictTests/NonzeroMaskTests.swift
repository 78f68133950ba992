import Testing

@testable import HarmonizePredict

@Suite("predict: nnU-Net's filled non-zero mask")
struct NonzeroMaskTests {
  /// A hollow 5x5x5 shell with an enclosed cavity is filled; a cavity opened to a face by one voxel is not; a zero
  /// voxel touching the cavity only diagonally is not a way out (6-connectivity, as scipy's default structure).
  @Test(arguments: ["closed", "open", "diagonal"])
  func fillsOnlyEnclosedZeros(_ shape: String) {
    let n = [5, 5, 5]
    var nonzero = [Bool](repeating: true, count: 125)
    func index(_ i: Int, _ j: Int, _ k: Int) -> Int { i + 5 * (j + 5 * k) }
    for k in 1...3 { for j in 1...3 { for i in 1...3 { nonzero[index(i, j, k)] = false } } }
    if shape == "open" { nonzero[index(0, 2, 2)] = false }
    if shape == "diagonal" {
      // Restore the cavity's corner and open the shell's edge voxel next to it only diagonally.
      nonzero[index(0, 0, 2)] = false
    }
    let filled = NonzeroMask.filled(nonzero, size: n)
    let cavity = filled[index(2, 2, 2)]
    #expect(cavity == (shape != "open"), "\(shape)")
    #expect(filled[index(0, 0, 0)], "the shell itself")
    if shape == "diagonal" { #expect(!filled[index(0, 0, 2)], "the face voxel is background") }
  }
}
