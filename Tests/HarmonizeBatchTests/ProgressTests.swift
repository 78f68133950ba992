import Foundation
import Testing

@testable import HarmonizeBatch

/// Progress lines (#13.14): plain off a terminal, and no first ETA of hours for a job of seconds.
@Suite("Progress")
struct ProgressTests {
  @Test func firstSmallFileGivesNoWildETA() {
    let progress = Progress(total: 100, totalBytes: 100_000_000, enabled: false)
    progress.advance(inputBytes: 10)
    #expect(progress.line(Date()).hasSuffix("ETA estimating"), "\(progress.line(Date()))")
    progress.advance(inputBytes: 10)
    #expect(!progress.line(Date()).contains("estimating"))
    #expect(progress.line(Date()).hasPrefix("2/100 files, "))
  }
}
