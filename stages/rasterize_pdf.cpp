// qpdf 11 deprecates its PointerHolder in favour of std::shared_ptr; opt in to the new API.
#define POINTERHOLDER_TRANSITION 4

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/imgproc.hpp>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>

#include "models/errors.h"
#include "stages/rasterize_internal.h"

namespace qikan {
namespace fs = std::filesystem;

namespace {

static_assert(std::endian::native == std::endian::little,
              "Poppler's ARGB32 is B,G,R,A in memory only on little-endian machines");

// A page image smaller than this at the page's size is a logo or thumbnail, not a scan.
constexpr double kMinNativeDpi = 70;
// How far an image's aspect ratio may differ from its page's and still count as covering it.
constexpr double kAspectTolerance = 0.02;

// Poppler reports through one process-wide callback. Keeping the last message per thread lets
// each source explain its own failure while other threads read other files, and keeps Poppler
// from printing to stderr.
thread_local std::string poppler_last_error;

void RememberPopplerError(const std::string& message, void*) { poppler_last_error = message; }

void RoutePopplerErrors() {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function(RememberPopplerError, nullptr); });
}

std::string TakePopplerError() {
  std::string message = std::move(poppler_last_error);
  poppler_last_error.clear();
  if (message.starts_with("error: ")) message.erase(0, 7);
  return message;
}

constexpr const char* kTruncated = "PDF is damaged: file is truncated (no %%EOF at the end)";

// A PDF ends with %%EOF, which readers look for in the last 1024 bytes; a file without one was
// cut short, usually by an interrupted download or copy.
bool LooksTruncated(const fs::path& pdf) {
  std::ifstream in(pdf, std::ios::binary | std::ios::ate);
  const std::streamoff size = in.tellg();
  if (size <= 0) return false;
  const std::streamoff tail = std::min<std::streamoff>(size, 1024);
  std::string bytes(static_cast<size_t>(tail), '\0');
  in.seekg(size - tail);
  in.read(bytes.data(), tail);
  return bytes.find("%%EOF") == std::string::npos;
}

std::unique_ptr<QPDF> OpenWithQpdf(const fs::path& pdf) {
  auto qpdf = std::make_unique<QPDF>();
  qpdf->setSuppressWarnings(true);
  qpdf->processFile(pdf.c_str());
  return qpdf;
}

// Poppler says only that it failed; QPDF tells a password-protected file from a broken one and
// says what is broken.
[[noreturn]] void ThrowUnopenable(const fs::path& pdf, const std::string& poppler_error) {
  std::string reason = poppler_error.empty() ? "Poppler cannot read it" : poppler_error;
  try {
    OpenWithQpdf(pdf);
  } catch (const QPDFExc& e) {
    if (e.getErrorCode() == qpdf_e_password) {
      throw QikanError(ExitStatus::kInputEncrypted, pdf.string(),
                       "PDF is encrypted (password required)");
    }
    reason = e.getMessageDetail();
  } catch (const std::exception& e) {
    reason = e.what();
  }
  if (LooksTruncated(pdf)) throw QikanError(ExitStatus::kInputInvalid, pdf.string(), kTruncated);
  throw QikanError(ExitStatus::kInputInvalid, pdf.string(), "PDF is damaged: " + reason);
}

// A page's only image, or the images it is tiled from (strips or tiles of one resolution): the
// pixel size of the whole they make, and whether it is gray (or 1-bit) and so can be rendered
// straight to gray.
struct SoleImage {
  cv::Size size;
  bool gray = false;
};

bool IsGrayImage(QPDFObjectHandle dict) {
  if (dict.getKey("/ImageMask").isBool() && dict.getKey("/ImageMask").getBoolValue()) return true;
  QPDFObjectHandle space = dict.getKey("/ColorSpace");
  return space.isName() && (space.getName() == "/DeviceGray" || space.getName() == "/G");
}

std::optional<cv::Size> ImageSize(QPDFObjectHandle image) {
  QPDFObjectHandle dict = image.getDict();
  QPDFObjectHandle width = dict.getKey("/Width");
  QPDFObjectHandle height = dict.getKey("/Height");
  if (!width.isInteger() || !height.isInteger() || width.getIntValue() <= 0 ||
      height.getIntValue() <= 0) {
    return std::nullopt;
  }
  return cv::Size(width.getIntValueAsInt(), height.getIntValueAsInt());
}

// Where a page's content stream draws each of its images: the current transformation matrix
// at each `Do` of an image XObject, followed through q/Q/cm. Anything it cannot follow (an image
// drawn turned or skewed, inline images, a form XObject) makes the page not a tiling.
class ImagePlacements : public QPDFObjectHandle::ParserCallbacks {
 public:
  struct Placed {
    QPDFObjectHandle image;
    double x = 0, y = 0, width = 0, height = 0;  // in points, on the page
  };
  explicit ImagePlacements(std::map<std::string, QPDFObjectHandle> images)
      : images_(std::move(images)) {}

  void handleObject(QPDFObjectHandle object) override {
    if (!object.isOperator()) {
      operands_.push_back(object);
      return;
    }
    const std::string op = object.getOperatorValue();
    if (op == "q") {
      stack_.push_back(ctm_);
    } else if (op == "Q") {
      if (!stack_.empty()) {
        ctm_ = stack_.back();
        stack_.pop_back();
      }
    } else if (op == "cm" && operands_.size() == 6) {
      double m[6];
      for (int i = 0; i < 6; ++i) {
        if (!operands_[static_cast<size_t>(i)].isNumber()) {
          followed_ = false;
          break;
        }
        m[i] = operands_[static_cast<size_t>(i)].getNumericValue();
      }
      if (followed_) ctm_ = Multiply(m, ctm_);
    } else if (op == "Do" && operands_.size() == 1 && operands_[0].isName()) {
      const auto image = images_.find(operands_[0].getName());
      if (image == images_.end()) {
        followed_ = false;  // a form XObject: its images are not looked into
      } else if (std::abs(ctm_[1]) > 1e-6 || std::abs(ctm_[2]) > 1e-6) {
        followed_ = false;  // turned or skewed
      } else {
        // The unit square the image fills, mapped by the matrix (either axis may be flipped).
        placed_.push_back(Placed{.image = image->second,
                                 .x = std::min(ctm_[4], ctm_[4] + ctm_[0]),
                                 .y = std::min(ctm_[5], ctm_[5] + ctm_[3]),
                                 .width = std::abs(ctm_[0]),
                                 .height = std::abs(ctm_[3])});
      }
    } else if (op == "BI" || op == "ID" || op == "EI") {
      followed_ = false;
    }
    operands_.clear();
  }
  void handleEOF() override {}

  bool followed() const { return followed_; }
  const std::vector<Placed>& placed() const { return placed_; }

 private:
  using Matrix = std::array<double, 6>;
  // m x ctm, PDF's row-vector convention.
  static Matrix Multiply(const double m[6], const Matrix& t) {
    return {m[0] * t[0] + m[1] * t[2],        m[0] * t[1] + m[1] * t[3],
            m[2] * t[0] + m[3] * t[2],        m[2] * t[1] + m[3] * t[3],
            m[4] * t[0] + m[5] * t[2] + t[4], m[4] * t[1] + m[5] * t[3] + t[5]};
  }

  std::map<std::string, QPDFObjectHandle> images_;
  std::vector<QPDFObjectHandle> operands_;
  Matrix ctm_ = {1, 0, 0, 1, 0, 0};
  std::vector<Matrix> stack_;
  std::vector<Placed> placed_;
  bool followed_ = true;
};

// A page tiled from several images (a scanner's strips, or tiles) that all have one resolution
// and together cover the page box: the size the whole would have as one image at that
// resolution. A scanner that writes a page as strips still scanned it at one resolution.
std::optional<SoleImage> FindTiling(QPDFPageObjectHelper& page,
                                    std::map<std::string, QPDFObjectHandle> images) {
  ImagePlacements placements(std::move(images));
  page.parseContents(&placements);
  if (!placements.followed() || placements.placed().size() < 2) return std::nullopt;
  double x_dpi = 0, y_dpi = 0;
  double left = 1e300, bottom = 1e300, right = -1e300, top = -1e300, area = 0;
  bool gray = true;
  for (auto placed : placements.placed()) {  // QPDFObjectHandle's getters are not const
    const std::optional<cv::Size> size = ImageSize(placed.image);
    if (!size || placed.width <= 0 || placed.height <= 0) return std::nullopt;
    const double tile_x_dpi = size->width * 72.0 / placed.width;
    const double tile_y_dpi = size->height * 72.0 / placed.height;
    if (x_dpi == 0) {
      x_dpi = tile_x_dpi;
      y_dpi = tile_y_dpi;
    } else if (std::abs(tile_x_dpi / x_dpi - 1) > kAspectTolerance ||
               std::abs(tile_y_dpi / y_dpi - 1) > kAspectTolerance) {
      return std::nullopt;  // tiles of different resolutions: rendered at render_dpi
    }
    gray = gray && IsGrayImage(placed.image.getDict());
    left = std::min(left, placed.x);
    bottom = std::min(bottom, placed.y);
    right = std::max(right, placed.x + placed.width);
    top = std::max(top, placed.y + placed.height);
    area += placed.width * placed.height;
  }
  // The tiles must cover the page box: their union spans it, and they do not leave holes (their
  // areas add up to it; overlaps of a row of pixels at the seams are allowed for).
  const QPDFObjectHandle::Rectangle box = page.getCropBox().getArrayAsRectangle();
  const double box_width = box.urx - box.llx;
  const double box_height = box.ury - box.lly;
  if (box_width <= 0 || box_height <= 0) return std::nullopt;
  const double tolerance_x = kAspectTolerance * box_width;
  const double tolerance_y = kAspectTolerance * box_height;
  if (std::abs(left - box.llx) > tolerance_x || std::abs(right - box.urx) > tolerance_x ||
      std::abs(bottom - box.lly) > tolerance_y || std::abs(top - box.ury) > tolerance_y ||
      std::abs(area / (box_width * box_height) - 1) > 2 * kAspectTolerance) {
    return std::nullopt;
  }
  return SoleImage{.size = cv::Size(static_cast<int>(std::lround(box_width * x_dpi / 72)),
                                    static_cast<int>(std::lround(box_height * y_dpi / 72))),
                   .gray = gray};
}

// Each page's only image, or the tiling its images make, or nothing for a page with none or
// with several that do not tile it at one resolution. Empty when QPDF does not see the pages
// Poppler sees (a repaired file); all pages are then rendered.
// Images inside form XObjects and inline images are not looked for: such pages are rendered.
std::vector<std::optional<SoleImage>> FindSoleImages(const fs::path& pdf, int page_count) {
  try {
    const std::unique_ptr<QPDF> qpdf = OpenWithQpdf(pdf);
    std::vector<QPDFPageObjectHelper> pages = QPDFPageDocumentHelper(*qpdf).getAllPages();
    if (static_cast<int>(pages.size()) != page_count) return {};
    std::vector<std::optional<SoleImage>> sizes;
    for (QPDFPageObjectHelper& page : pages) {
      std::map<std::string, QPDFObjectHandle> images = page.getImages();
      std::optional<SoleImage> size;
      if (images.size() == 1) {
        QPDFObjectHandle image = images.begin()->second;
        if (const std::optional<cv::Size> pixels = ImageSize(image)) {
          size = SoleImage{.size = *pixels, .gray = IsGrayImage(image.getDict())};
        }
      } else if (images.size() > 1) {
        try {
          size = FindTiling(page, std::move(images));
        } catch (const std::exception&) {
          size.reset();  // a content stream QPDF cannot parse: the page is rendered
        }
      }
      sizes.push_back(size);
    }
    return sizes;
  } catch (const std::exception&) {
    return {};
  }
}

struct RenderPlan {
  double x_dpi = 0;  // horizontal and vertical resolution of the output image
  double y_dpi = 0;
  int width = 0;  // the output image's size, as Poppler will round it
  int height = 0;
  double dpi = 0;  // what the page reports
  bool native = false;
};

// A scanner's page is one image stretched over the page box. Rendering at the resolution that
// maps the box onto the image's pixels gives back the scan at its own size without resampling.
// Producers often round the box to whole points; that costs at most a pixel's drift, and is why
// x and y may differ by a hair.
std::optional<RenderPlan> PlanNative(double box_width, double box_height, bool quarter_turn,
                                     cv::Size image) {
  const double box_aspect = box_width / box_height;
  const double image_aspect = static_cast<double>(image.width) / image.height;
  double box_x_dpi = 0;  // along the page box's own (unrotated) axes
  double box_y_dpi = 0;
  if (std::abs(image_aspect / box_aspect - 1) <= kAspectTolerance) {
    box_x_dpi = image.width * 72.0 / box_width;
    box_y_dpi = image.height * 72.0 / box_height;
  } else if (std::abs(image_aspect * box_aspect - 1) <= kAspectTolerance) {
    // Drawn turned by a quarter, as some scanners store landscape pages.
    box_x_dpi = image.height * 72.0 / box_width;
    box_y_dpi = image.width * 72.0 / box_height;
  } else {
    return std::nullopt;
  }
  const double dpi = std::round((box_x_dpi + box_y_dpi) / 2);
  if (dpi < kMinNativeDpi) return std::nullopt;
  RenderPlan plan{.x_dpi = box_x_dpi, .y_dpi = box_y_dpi, .dpi = dpi, .native = true};
  if (quarter_turn) std::swap(plan.x_dpi, plan.y_dpi);
  return plan;
}

RenderPlan PlanRender(const poppler::page& page, std::optional<SoleImage> sole_image,
                      double render_dpi) {
  const poppler::rectf box = page.page_rect(poppler::crop_box);
  const poppler::page::orientation_enum orientation = page.orientation();
  const bool quarter_turn =
      orientation == poppler::page::landscape || orientation == poppler::page::seascape;
  std::optional<RenderPlan> plan;
  if (sole_image) plan = PlanNative(box.width(), box.height(), quarter_turn, sole_image->size);
  if (!plan) plan = RenderPlan{.x_dpi = render_dpi, .y_dpi = render_dpi, .dpi = render_dpi};
  const double out_width = quarter_turn ? box.height() : box.width();
  const double out_height = quarter_turn ? box.width() : box.height();
  plan->width = static_cast<int>(out_width * plan->x_dpi / 72 + 0.5);
  plan->height = static_cast<int>(out_height * plan->y_dpi / 72 + 0.5);
  return *plan;
}

class PdfSource final : public PageSource {
 public:
  PdfSource(const fs::path& pdf, const RasterizeOptions& options) : pdf_(pdf), options_(options) {
    RoutePopplerErrors();
    TakePopplerError();
    document_.reset(poppler::document::load_from_file(pdf.string()));
    if (!document_) ThrowUnopenable(pdf, TakePopplerError());
    // Checked first: Poppler crashes when asked anything else about a locked document.
    if (document_->is_locked()) {
      throw QikanError(ExitStatus::kInputEncrypted, pdf.string(),
                       "PDF is encrypted (password required)");
    }
    page_count_ = document_->pages();
    if (page_count_ <= 0) {
      if (LooksTruncated(pdf)) {
        throw QikanError(ExitStatus::kInputInvalid, pdf.string(), kTruncated);
      }
      throw QikanError(ExitStatus::kInputEmpty, pdf.string(), "PDF has no pages");
    }
    sole_images_ = FindSoleImages(pdf, page_count_);
  }

  int PageCount() const override { return page_count_; }

  RasterPage Page(int index) override {
    if (index < 1 || index > page_count_) throw std::out_of_range("no such page");
    const std::string label = "page " + std::to_string(index);
    TakePopplerError();
    const std::unique_ptr<poppler::page> page(document_->create_page(index - 1));
    if (!page) Fail(label + " cannot be read");
    const std::optional<SoleImage> sole_image =
        sole_images_.empty() ? std::nullopt : sole_images_[static_cast<size_t>(index - 1)];
    const RenderPlan plan = PlanRender(*page, sole_image, options_.render_dpi);
    if (plan.width <= 0 || plan.height <= 0) Fail(label + " has an empty page box");
    CheckPageSize(pdf_, label, plan.width, plan.height, options_);

    // A gray scan is rendered straight to gray: the same pixels as ARGB turned gray, at about
    // half the CPU (this runs on the one thread that feeds every worker). Anything else keeps
    // ARGB and OpenCV's weights, which differ from Splash's own gray by a level or two.
    const bool gray_scan = sole_image && sole_image->gray && plan.native;
    poppler::page_renderer renderer;
    renderer.set_image_format(gray_scan ? poppler::image::format_gray8
                                        : poppler::image::format_argb32);
    renderer.set_render_hint(poppler::page_renderer::antialiasing);
    renderer.set_render_hint(poppler::page_renderer::text_antialiasing);
    const poppler::image image = renderer.render_page(page.get(), plan.x_dpi, plan.y_dpi);
    if (!image.is_valid()) {
      const std::string why = TakePopplerError();
      Fail(label + " cannot be rendered" + (why.empty() ? "" : ": " + why));
    }
    const cv::Mat pixels(image.height(), image.width(), gray_scan ? CV_8UC1 : CV_8UC4,
                         const_cast<char*>(image.const_data()),
                         static_cast<size_t>(image.bytes_per_row()));
    RasterPage raster{.index = index, .dpi = plan.dpi, .native = plan.native};
    if (gray_scan) {
      raster.gray = pixels.clone();  // the poppler::image owns its pixels
    } else {
      cv::cvtColor(pixels, raster.gray, cv::COLOR_BGRA2GRAY);
    }
    return raster;
  }

 private:
  [[noreturn]] void Fail(const std::string& reason) const {
    throw QikanError(ExitStatus::kInputInvalid, pdf_.string(), reason);
  }

  fs::path pdf_;
  RasterizeOptions options_;
  std::unique_ptr<poppler::document> document_;
  int page_count_ = 0;
  std::vector<std::optional<SoleImage>> sole_images_;  // by page; empty when unknown
};

}  // namespace

std::unique_ptr<PageSource> OpenPdfScan(const fs::path& pdf, const RasterizeOptions& options) {
  return std::make_unique<PdfSource>(pdf, options);
}

}  // namespace qikan
