#include "stages/rasterize.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "models/errors.h"
#include "stages/rasterize_internal.h"

namespace qikan {
namespace fs = std::filesystem;

namespace {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// The first bytes of a file, or why it could not be read (an errno value).
struct FileHead {
  std::string bytes;
  int error = 0;
};

// A PDF header may sit anywhere in the first 1024 bytes; everything else is at offset 0.
constexpr size_t kHeadSize = 1024;

FileHead ReadHead(const fs::path& file) {
  std::unique_ptr<std::FILE, FileCloser> stream(std::fopen(file.c_str(), "rb"));
  if (!stream) return {.error = errno};
  std::string bytes(kHeadSize, '\0');
  bytes.resize(std::fread(bytes.data(), 1, bytes.size(), stream.get()));
  if (std::ferror(stream.get())) return {.error = errno != 0 ? errno : EIO};
  return {.bytes = std::move(bytes)};
}

std::string UnreadableReason(int error) {
  if (error == ENOENT) return "no such file or directory";
  if (error == EACCES || error == EPERM) return "permission denied";
  return "cannot be read (" + std::generic_category().message(error) + ")";
}

// "BM" alone would also match text; the DIB header sizes that follow it are few and fixed.
bool IsBmp(std::string_view bytes) {
  if (bytes.size() < 18 || !bytes.starts_with("BM")) return false;
  const auto byte = [&](size_t i) -> unsigned { return static_cast<unsigned char>(bytes[i]); };
  const unsigned dib_size = byte(14) | byte(15) << 8 | byte(16) << 16 | byte(17) << 24;
  constexpr std::array<unsigned, 6> kDibSizes = {12, 40, 52, 56, 108, 124};
  return std::find(kDibSizes.begin(), kDibSizes.end(), dib_size) != kDibSizes.end();
}

bool IsPnm(std::string_view bytes) {
  return bytes.size() >= 3 && bytes[0] == 'P' && bytes[1] >= '1' && bytes[1] <= '7' &&
         std::isspace(static_cast<unsigned char>(bytes[2]));
}

ScanFormat SniffFormat(std::string_view bytes) {
  using namespace std::string_view_literals;
  if (bytes.starts_with("II*\0"sv) || bytes.starts_with("MM\0*"sv) ||
      bytes.starts_with("II+\0"sv) || bytes.starts_with("MM\0+"sv)) {
    return ScanFormat::kTiff;
  }
  if (bytes.starts_with("\x89PNG\r\n\x1a\n"sv)) return ScanFormat::kPng;
  if (bytes.starts_with("\xff\xd8\xff"sv)) return ScanFormat::kJpeg;
  if (bytes.starts_with("\0\0\0\x0cjP  \r\n\x87\n"sv) ||  // JP2 file
      bytes.starts_with("\xff\x4f\xff\x51"sv)) {           // bare JPEG 2000 codestream
    return ScanFormat::kJp2;
  }
  if (IsBmp(bytes)) return ScanFormat::kBmp;
  if (IsPnm(bytes)) return ScanFormat::kPnm;
  if (bytes.size() >= 12 && bytes.starts_with("RIFF") && bytes.substr(8, 4) == "WEBP") {
    return ScanFormat::kWebp;
  }
  if (bytes.starts_with("GIF87a") || bytes.starts_with("GIF89a")) return ScanFormat::kGif;
  if (bytes.find("%PDF-") != std::string_view::npos) return ScanFormat::kPdf;
  return ScanFormat::kUnknown;
}

// The first bytes of an unrecognised file, quoted, so a user can see it is HTML, a ZIP, ...
std::string QuotedStart(std::string_view bytes) {
  std::string quoted = "\"";
  for (const char c : bytes.substr(0, 4)) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isprint(u) && c != '"' && c != '\\') {
      quoted += c;
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      quoted += {'\\', 'x', kHex[u >> 4], kHex[u & 15]};
    }
  }
  return quoted + "\"";
}

// Scanners number pages without leading zeros, so "page10" must come after "page2".
bool NaturalLess(const std::string& a, const std::string& b) {
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      const size_t a_end = std::find_if_not(a.begin() + i, a.end(), is_digit) - a.begin();
      const size_t b_end = std::find_if_not(b.begin() + j, b.end(), is_digit) - b.begin();
      std::string_view a_num = std::string_view(a).substr(i, a_end - i);
      std::string_view b_num = std::string_view(b).substr(j, b_end - j);
      a_num.remove_prefix(std::min(a_num.find_first_not_of('0'), a_num.size()));
      b_num.remove_prefix(std::min(b_num.find_first_not_of('0'), b_num.size()));
      if (a_num.size() != b_num.size()) return a_num.size() < b_num.size();
      if (a_num != b_num) return a_num < b_num;
      i = a_end;
      j = b_end;
      continue;
    }
    const int ca = std::tolower(static_cast<unsigned char>(a[i]));
    const int cb = std::tolower(static_cast<unsigned char>(b[j]));
    if (ca != cb) return ca < cb;
    ++i;
    ++j;
  }
  if (a.size() - i != b.size() - j) return a.size() - i < b.size() - j;
  return a < b;  // "page01" and "page1": any fixed order
}

// A file named like a page image that is not one is a lost page, not a stray file to skip.
bool HasImageExtension(const fs::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const std::array<std::string_view, 15> kImageExtensions = {
      ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".jp2", ".j2k", ".jpx",
      ".bmp", ".pnm", ".pbm", ".pgm", ".ppm", ".webp", ".gif"};
  return std::find(kImageExtensions.begin(), kImageExtensions.end(), ext) !=
         kImageExtensions.end();
}

std::vector<ImageFile> ListPageImages(const fs::path& folder) {
  const auto fail = [&](ExitStatus status, const std::string& reason) {
    return QikanError(status, folder.string(), reason);
  };
  std::error_code error;
  fs::directory_iterator entries(folder, error);
  if (error) throw fail(ExitStatus::kInputMissing, UnreadableReason(error.value()));
  std::vector<ImageFile> images;
  for (const fs::directory_entry& entry : entries) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with('.') || !entry.is_regular_file(error)) continue;
    const FileHead head = ReadHead(entry.path());
    if (head.error != 0) {
      throw fail(ExitStatus::kInputMissing, name + ": " + UnreadableReason(head.error));
    }
    const ScanFormat format = SniffFormat(head.bytes);
    if (format != ScanFormat::kUnknown && format != ScanFormat::kPdf) {
      images.push_back({.path = entry.path(), .format = format});
    } else if (HasImageExtension(entry.path())) {
      throw fail(ExitStatus::kInputInvalid,
                 head.bytes.empty() ? name + " is empty"
                                    : name + " is not an image (starts with " +
                                          QuotedStart(head.bytes) + ")");
    }
  }
  if (images.empty()) throw fail(ExitStatus::kInputEmpty, "folder contains no page images");
  std::sort(images.begin(), images.end(), [](const ImageFile& a, const ImageFile& b) {
    return NaturalLess(a.path.filename().string(), b.path.filename().string());
  });
  return images;
}

}  // namespace

void CheckPageSize(const fs::path& input, const std::string& page, double width, double height,
                   const RasterizeOptions& options) {
  if (width * height <= options.max_page_megapixels * 1e6) return;
  std::ostringstream reason;
  reason << page << " is " << static_cast<long long>(width) << "x"
         << static_cast<long long>(height) << " px, over the " << options.max_page_megapixels
         << " Mpx limit";
  throw QikanError(ExitStatus::kPageTooLarge, input.string(), reason.str());
}

std::unique_ptr<PageSource> OpenScan(const fs::path& input, const RasterizeOptions& options) {
  const auto fail = [&](ExitStatus status, const std::string& reason) {
    return QikanError(status, input.string(), reason);
  };
  std::error_code error;
  const fs::file_status status = fs::status(input, error);
  if (status.type() == fs::file_type::not_found || input.empty()) {
    throw fail(ExitStatus::kInputMissing, UnreadableReason(ENOENT));
  }
  if (error) throw fail(ExitStatus::kInputMissing, UnreadableReason(error.value()));
  if (fs::is_directory(status)) return OpenImageScan(input, ListPageImages(input), options);
  // Opening a FIFO or device would block or read forever.
  if (!fs::is_regular_file(status)) {
    throw fail(ExitStatus::kInputInvalid, "not a regular file or folder");
  }
  const FileHead head = ReadHead(input);
  if (head.error != 0) throw fail(ExitStatus::kInputMissing, UnreadableReason(head.error));
  if (head.bytes.empty()) throw fail(ExitStatus::kInputInvalid, "file is empty");
  switch (const ScanFormat format = SniffFormat(head.bytes)) {
    case ScanFormat::kUnknown:
      throw fail(ExitStatus::kInputInvalid,
                 "not a PDF or image file (starts with " + QuotedStart(head.bytes) + ")");
    case ScanFormat::kPdf:
      return OpenPdfScan(input, options);
    default:
      return OpenImageScan(input, {{.path = input, .format = format}}, options);
  }
}

}  // namespace qikan
