import Foundation
import HarmonizePredict
import Testing

@Suite("predict: nnUNetv2_predict options")
struct RunnerSettingsTests {
  @Test func readsNNUNetsSpellings() throws {
    let s = try RunnerSettings.parse(
      [
        "-f", "0", "2", "-step_size", "0.7", "--disable_tta", "-device", "cpu", "-chk", "checkpoint_best.pth", "-npp",
        "1", "-nps", "4", "--disable_progress_bar",
      ])
    #expect(s.folds == ["0", "2"])
    #expect(s.stepSize == 0.7)
    #expect(!s.mirroring)
    #expect(s.checkpoint == "checkpoint_best.pth")
    #expect(s.preprocessWorkers == 1)
    #expect(try RunnerSettings.parse(["-f", "all"]).folds == ["all"])
    #expect(try RunnerSettings.parse([]).mirroring)
  }

  @Test(arguments: [
    ["-step_size", "0"], ["-step_size", "nan"], ["-step_size"], ["-f"], ["-f", "-1"], ["-device", "tpu"],
    ["-chk", "../x.pth"], ["-npp", "-3"], ["--save_probabilities"], ["-o", "x"], ["--frobnicate"],
  ])
  func refusesWhatItCannotPass(_ arguments: [String]) {
    #expect(throws: PredictError.self, "\(arguments)") { try RunnerSettings.parse(arguments) }
  }
}
