import Foundation
import HarmonizeCheck
import Testing
import _HarmonizeTestSupport

/// `harmonize plan` on a dataset with known spacings, against hand-computed nnU-Net target spacing and sizes.
@Suite("spacing plan")
struct SpacingPlanTests {
  @Test func sizesCapsAndTargetSpacingByHand() throws {
    let folder = TemporaryFolder("plan")
    // Three cases of 24 x 20 x 10 at (0.8, 0.8, 2.5), (0.84, 0.84, 2.5), (0.88, 0.88, 2.5) mm.
    try DatasetFixture.write(at: folder.path)
    let f = try Fingerprinter.fingerprint(folder: folder.path, readPixels: false, tool: "test").fingerprint
    let plan = SpacingPlan.make(f, candidates: [0.5, 1.0], maxSize: [40, 40, 50], memory: 64 * 1_073_741_824)
    // nnU-Net: medians (0.84, 0.84, 2.5); 2.5 is not > 3 x 0.84, so no anisotropic correction.
    #expect(plan.nnunetTargetSpacing.map { ($0 * 1e6).rounded() / 1e6 } == [0.84, 0.84, 2.5])
    #expect(abs(plan.anisotropy - 2.5 / 0.84) < 1e-6)  // NIfTI stores spacing as float32
    #expect(plan.throughPlaneSpacing == 2.5)
    let half = plan.rows[0]
    // round(24·0.8/0.5) = 38, round(20·0.8/0.5) = 32, round(10·2.5/0.5) = 50; 0.84: 40.32 → 40, 33.6 → 34;
    // 0.88: 42.24 → 42 > 40 (cap 40, 40, 50), so the cap coarsens case 3 (to 21.12/40 = 0.528 mm: 40, round(17.6/0.528) = 33, round(25/0.528) = 47).
    #expect(half.sizes["case_001"] == [38, 32, 50])
    #expect(half.sizes["case_002"] == [40, 34, 50])
    #expect(half.sizes["case_003"] == [40, 33, 47])
    #expect(half.cappedCases == 1)
    #expect(half.totalVoxels == 38 * 32 * 50 + 40 * 34 * 50 + 40 * 33 * 47)
    // Two i16 channels and a u8 label per voxel.
    #expect(half.bytes == half.totalVoxels * 5)
    #expect(half.largestCase == "case_002" && half.largestSize == [40, 34, 50])
    // 0.5 < 2.5 / 3: slices invented; 1.0 is not.
    #expect(half.warnings.contains { $0.contains("slices would be invented") })
    let one = plan.rows[1]
    #expect(one.sizes["case_001"] == [19, 16, 25] && one.cappedCases == 0 && one.warnings.isEmpty)
    #expect(plan.suggested == 1)
    #expect(
      plan.text(dataset: folder.path).contains(
        "suggested (*): harmonize batch \(folder.path) OUTPUT --spacing 1 --max-size 40,40,50"))
  }
}
