import Foundation
import HarmonizeVolume

extension CaseChecks {
  /// Channel files per case against `channel_names`, and the file ending against `file_ending`.
  func checkNaming(into out: inout [Finding]) {
    // A plain folder of images as reference: nnU-Net's naming rules do not apply.
    guard reference.isNNUNet else { return }
    let dicom = files.paths.contains(where: { DicomReference(path: $0) != nil })
    if dicom && !options.harmonizeReads {
      // nnU-Net reads no DICOM series (SimpleITKIO would take one file of it as a 2D image); harmonize predict does.
      let ending = reference.fileEnding ?? ".nii.gz"
      out.append(
        Finding(
          .error, "dicom",
          "a DICOM series: nnU-Net reads only \(ending) files; convert it (or run harmonize predict, which reads series)",
          measured: "DICOM series", expected: ending,
          fix: commands(into: "converted", ending: ending) { "harmonize convert \(quote($0)) \(quote($1))" }))
      return
    }
    checkShadowedChannels(into: &out)
    let names = reference.channelNames
    let expected = Array(0..<names.count)
    let found = files.channelIndices
    let suffixes = found.map { String(format: "_%04d", $0) }.joined(separator: ", ")
    let expectedSuffixes = expected.map { String(format: "_%04d", $0) }.joined(separator: ", ")
    let expectedText = "\(expectedSuffixes) (\(names.joined(separator: ", ")))"
    if !files.hasChannelSuffix {
      out.append(
        Finding(
          .error, "channels",
          "the file name has no _XXXX channel suffix; nnU-Net takes the case name from the characters before the last 5 + ending and would mis-group it",
          measured: files.paths.map { PathText.name($0) }.joined(separator: ", "), expected: expectedText,
          fix: "rename to \(files.id)_0000\(reference.fileEnding ?? files.fileEnding)"))
    } else if found.count > expected.count {
      out.append(
        Finding(
          .error, "channels",
          "\(found.count) channel files but the model takes \(names.count): nnU-Net's preprocessing worker raises IndexError: list index out of range at normalization_schemes[c] (default_preprocessor.py), reported only as \"Background workers died\"",
          measured: suffixes, expected: expectedText,
          fix: {
            let extra = found.filter { !expected.contains($0) }.compactMap { files.channels[$0] }
            let aside = PathText.join(PathText.parent(files.paths[0]), "extra-channels")
            return "mkdir -p \(quote(aside)) && mv \(extra.map(quote).joined(separator: " ")) \(quote(aside))/"
          }()))
    } else if found.count < expected.count {
      out.append(
        Finding(
          .error, "channels",
          "\(found.count) channel file(s) but the model takes \(names.count): the first convolution fails with \"expected input … to have \(names.count) channels, but got \(found.count) channels instead\"",
          measured: suffixes, expected: expectedText,
          fix: "add \(expected.filter { !found.contains($0) }.map { channelFileName($0) }.joined(separator: ", "))"))
    } else if found != expected {
      out.append(
        Finding(
          .error, "channels",
          "the channel suffixes are not \(expectedSuffixes): nnU-Net counts files, not suffixes, so the channels would silently be fed in the wrong order",
          measured: suffixes, expected: expectedText, fix: "rename the files to \(expectedSuffixes)"))
    }
    // harmonize reads a series (CASE_0000/, CASE_0001/ folders are its channels): no file ending to match.
    if let ending = reference.fileEnding, files.endings != [ending], !dicom {
      let wrong = files.paths.filter { !$0.hasSuffix(ending) }
      out.append(
        Finding(
          .error, "file-ending",
          "nnU-Net only looks for *\(ending) files and would silently skip \(wrong.count == files.paths.count ? "this case" : "these channel files")",
          measured: files.endings.sorted().joined(separator: ", "), expected: ending,
          fix: commands(into: "converted", ending: ending) {
            "harmonize reorient \(quote($0)) \(quote($1)) --like \(quote($0))"
          }))
    }
  }

  /// Two files for one channel. Where they are a NIfTI name and its neighbour (`.nii` and `.nii.gz`, `.img` and
  /// `.img.gz`), nnU-Net's reader is fooled: SimpleITK (ITK's NIfTI library) asked for `CASE_0000.nii.gz` reads
  /// `CASE_0000.nii`'s pixels when both exist, under the `.nii.gz`'s header; harmonize reads the file named.
  func checkShadowedChannels(into out: inout [Finding]) {
    for extra in files.shadowed {
      let stem = replaceEnding(extra, with: "")
      guard let kept = files.channels.values.first(where: { replaceEnding($0, with: "") == stem }) else { continue }
      let pair = Set([extra, kept].compactMap { CaseScanner.ending(of: PathText.name($0)) })
      let neighbours = pair == [".nii", ".nii.gz"] || pair == [".img", ".img.gz"] || pair == [".hdr", ".hdr.gz"]
      out.append(
        Finding(
          .error, "duplicate-channel",
          neighbours
            ? "two files for one channel: nnU-Net lists \(PathText.name(kept)), but SimpleITK, its reader, then reads \(PathText.name(extra))'s pixels (ITK's NIfTI library opens the uncompressed neighbour first) under the other file's header"
            : "two files for one channel: nnU-Net takes one by its file ending and ignores the other",
          measured: [extra, kept].map { PathText.name($0) }.sorted().joined(separator: ", "),
          expected: "one file per channel",
          fix:
            "mkdir -p \(quote(PathText.join(PathText.parent(extra), "set-aside"))) && mv \(quote(extra)) \(quote(PathText.join(PathText.parent(extra), "set-aside")))/"
        ))
    }
  }

  /// `CASE_0003.nii.gz` for channel 3 of this case.
  func channelFileName(_ channel: Int) -> String { files.id + String(format: "_%04d", channel) + files.fileEnding }

  /// The path with its image ending replaced.
  func replaceEnding(_ path: String, with ending: String) -> String {
    guard let old = CaseScanner.ending(of: PathText.name(path)) else { return path + ending }
    return String(path.dropLast(old.count)) + ending
  }
}

/// A path quoted for a shell when it needs it.
func quote(_ path: String) -> String {
  let safe = path.allSatisfy { $0.isLetter || $0.isNumber || "/._-+,=:@%".contains($0) }
  return safe ? path : "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
