import Foundation
import HarmonizeCheck
import HarmonizeVolume

/// Preprocesses the pending cases in harmonize, in order, on a thread of its own while the runner predicts and the
/// main thread exports: each case's network input goes to `BASE.input` and then `BASE.input.json` (the runner waits
/// for the latter), or its failure to `BASE.input.failed`.
final class CaseFeeder: @unchecked Sendable {
  private let thread: Thread
  private let control: Control

  /// The cancel flag and the end signal, shared with the thread.
  final class Control: @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var cancelled = false

    var isCancelled: Bool {
      lock.lock()
      defer { lock.unlock() }
      return cancelled
    }

    func cancel() {
      lock.lock()
      cancelled = true
      lock.unlock()
    }
  }

  init(
    cases: [(id: String, files: [String])], work: String, plans: NNUNetPlans,
    configuration: NNUNetPlans.Configuration, threads: Int
  ) {
    let control = Control()
    self.control = control
    thread = Thread {
      defer { control.done.signal() }
      for item in cases {
        if control.isCancelled { return }
        let base = PathText.join(work, item.id + ".input")
        do {
          let properties = try CasePreprocessing.run(
            files: item.files, plans: plans, configuration: configuration, output: base, threads: threads)
          let encoder = JSONEncoder()
          encoder.outputFormatting = [.sortedKeys]
          let data = try encoder.encode(properties)
          try data.write(to: URL(fileURLWithPath: base + ".json.partial"))
          try FileManager.default.moveItem(atPath: base + ".json.partial", toPath: base + ".json")
        } catch {
          try? Data("\(error)".utf8).write(to: URL(fileURLWithPath: base + ".failed"))
        }
      }
    }
    thread.stackSize = 8 << 20
  }

  func start() { thread.start() }

  /// Stops after the case being preprocessed (when `cancel`) and waits for the thread.
  func finish(cancel: Bool) {
    if cancel { control.cancel() }
    control.done.wait()
  }
}
