import Foundation
import HarmonizeVolume

/// What one case's files say, read once: headers, each channel's voxel summary, the label file, and nnU-Net's
/// sizes and memory for the case. Gathered before any check runs and never changed after, so every check is a
/// function of these facts and the order in which checks run cannot matter.
struct CaseFacts {
  /// One channel's pixels: what the scan found, or why they could not be read.
  struct ChannelPixels {
    var nanCount = 0
    var infinityCount = 0
    var statistics: IntensityStatistics?
    var profile: IntensityProfile?
  }

  /// The label file beside the case: its header and (when pixels are read) its values, or why they could not be read.
  struct Label {
    let path: String
    let header: Result<ImageHeader, ImageFileError>
    let summary: Result<LabelSummary, ImageFileError>?
  }

  let files: CaseFiles
  /// Headers of the channels that could be read, by channel index.
  let headers: [Int: ImageHeader]
  /// Why a channel's header could not be read, by channel index.
  let headerErrors: [Int: ImageFileError]
  /// Pixels of the channels that were read (`CheckOptions.readPixels`), by channel index.
  let pixels: [Int: Result<ChannelPixels, ImageFileError>]
  /// Union of the channels' non-zero boxes (spatial, ITK order), when pixels were read and any is non-zero.
  let nonzeroSize: [Int]?
  let label: Label?
  /// nnU-Net's sizes and memory for this case; nil without a primary header or a target spacing.
  let memory: CaseMemory?

  /// The first channel's header: the case's geometry.
  var primary: ImageHeader? { files.channelIndices.lazy.compactMap { headers[$0] }.first }

  /// Every file that could not be read, as one line each ("path: reason").
  var unreadable: [String] {
    let pixelErrors = pixels.keys.sorted().compactMap { key -> ImageFileError? in
      if case .failure(let error) = pixels[key]! { return error }
      return nil
    }
    var errors = headerErrors.keys.sorted().map { headerErrors[$0]! } + pixelErrors
    if let label {
      if case .failure(let error) = label.header { errors.append(error) }
      if case .failure(let error)? = label.summary { errors.append(error) }
    }
    return errors.map { "\($0)" }
  }

  /// Reads what the checks need, in one pass over the case's files.
  static func gather(
    files: CaseFiles, readPixels: Bool,
    memory estimate: (_ headers: [Int: ImageHeader], _ nonzero: [Int]?) -> CaseMemory?
  ) -> CaseFacts {
    var headers: [Int: ImageHeader] = [:]
    var headerErrors: [Int: ImageFileError] = [:]
    for (channel, path) in files.channels.sorted(by: { $0.key < $1.key }) {
      do { headers[channel] = try ImageFile.readHeader(at: path) } catch { headerErrors[channel] = error }
    }
    var pixels: [Int: Result<ChannelPixels, ImageFileError>] = [:]
    var box = NonzeroBox()
    if readPixels && !headers.isEmpty {
      for channel in files.channelIndices where headers[channel] != nil {
        do {
          let scan = VoxelScan.scan(try ImageFile.read(at: files.channels[channel]!), sampleLimit: 2_000_000)
          box.include(scan)
          pixels[channel] = .success(
            ChannelPixels(
              nanCount: scan.nanCount, infinityCount: scan.infinityCount,
              statistics: IntensityStatistics(sample: scan.sample),
              profile: IntensityProfile(scan)))
        } catch {
          pixels[channel] = .failure(error)
        }
      }
    }
    var label: Label?
    if let path = files.label, !headers.isEmpty {
      let header = Result { () throws(ImageFileError) in try ImageFile.readHeader(at: path) }
      let summary =
        readPixels && (try? header.get()) != nil
        ? Result { () throws(ImageFileError) in VoxelScan.labels(try ImageFile.read(at: path)) } : nil
      label = Label(path: path, header: header, summary: summary)
    }
    let nonzero = readPixels ? box.size : nil
    return CaseFacts(
      files: files, headers: headers, headerErrors: headerErrors, pixels: pixels, nonzeroSize: nonzero, label: label,
      memory: headers.isEmpty ? nil : estimate(headers, nonzero))
  }
}
