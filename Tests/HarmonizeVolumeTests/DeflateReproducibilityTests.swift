import Foundation
import Testing

@testable import HarmonizeVolume

/// The same bytes compress to the same gzip member whatever the stack held before. ISA-L 2.30's
/// `isal_deflate_stateless_init` leaves `hist_bits` alone: our uninitialised stream read a small leftover value (1 to
/// 15) as a shorter history window and wrote other, valid, bytes: one cause of a resample giving another file now and
/// then under the full test suite (CI's link test, stop 24; the other cause is in `ReproducibleOutputTests`). This test
/// fails with the stream uninitialised.
@Suite("Deflate reproducibility")
struct DeflateReproducibilityTests {
  /// 96 KiB (igzip takes members from 64 KiB on) with repetition at distances a short history window misses.
  let input: [UInt8] = (0..<98_304).map { UInt8(truncatingIfNeeded: ($0 % 48) * 7 + ($0 / 96)) }

  func compress() -> [UInt8] {
    var output = [UInt8](repeating: 0, count: NiftiBridge.gzipBound(input.count))
    let size = input.withUnsafeBytes { source in
      output.withUnsafeMutableBytes {
        NiftiBridge.gzipMember(source.baseAddress, source.count, level: 1, into: $0.baseAddress!, capacity: $0.count)
      }
    }
    return Array(output.prefix(size))
  }

  /// Leaves about 200 KiB of stack below this frame full of small 16-bit values, as earlier calls may: recursive
  /// frames, each holding 512 bytes of `value`.
  @inline(never)
  func dirtyStack(_ value: UInt16, depth: Int) -> Int {
    var block = (
      SIMD64<UInt16>(repeating: value), SIMD64<UInt16>(repeating: value), SIMD64<UInt16>(repeating: value),
      SIMD64<UInt16>(repeating: value)
    )
    let here = withUnsafeMutableBytes(of: &block) { Int($0.load(fromByteOffset: 2 * depth % 500, as: UInt16.self)) }
    return depth == 0 ? here : here &+ dirtyStack(value, depth: depth - 1)
  }

  @Test func sameInputSameBytesWhateverTheStackHeld() {
    let clean = compress()
    #expect(clean.count > 18)
    for value in UInt16(1)...15 {
      _ = dirtyStack(value, depth: 400)
      let again = compress()
      #expect(Bool(again == clean), "after a stack full of \(value)s: \(again.count) bytes, not \(clean.count)")
    }
  }
}
