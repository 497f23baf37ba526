// qpdf 11 deprecates its PointerHolder in favour of std::shared_ptr; opt in to the new API.
#define POINTERHOLDER_TRANSITION 4

#include "pipeline/deliverables/searchable_pdf.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>
#include <qpdf/QUtil.hh>
#include <spdlog/spdlog.h>

#include "models/text.h"
#include "pipeline/version.h"
#include "stages/deskew.h"
#include "stages/rasterize.h"

namespace qikan {
namespace fs = std::filesystem;

namespace {

// Tesseract's glyph-less font (one empty glyph every character maps to), which its own PDF
// renderer embeds; Debian's libtesseract5 ships it with the tessdata.
const std::vector<fs::path>& GlyphlessFontPlaces() {
  static const std::vector<fs::path> places = {
      "/usr/share/tesseract-ocr/5/tessdata/pdf.ttf",
      "/usr/share/tesseract-ocr/4.00/tessdata/pdf.ttf",
  };
  return places;
}
// The output intent's profile, from Debian's icc-profiles-free.
constexpr const char* kSrgbProfile = "/usr/share/color/icc/sRGB.icc";

// Every glyph of the font advances half an em (its /DW); a word is stretched to its box with Tz.
constexpr double kGlyphAdvanceEm = 0.5;
// Marks the content streams this writer adds to a page (the text layer and the q/Q around the
// scan's own content), so that a rebuild can take them out again.
constexpr const char* kLayerKey = "/QikanTextLayer";
constexpr const char* kFontName = "/FQikanGlyphless";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::string GlyphlessFont() {
  if (const char* prefix = std::getenv("TESSDATA_PREFIX")) {
    const fs::path path = fs::path(prefix) / "pdf.ttf";
    if (fs::exists(path)) return ReadFile(path);
  }
  for (const auto& path : GlyphlessFontPlaces()) {
    if (fs::exists(path)) return ReadFile(path);
  }
  throw std::runtime_error("Tesseract's glyph-less font pdf.ttf not found (package libtesseract5)");
}

// A PDF matrix [a b c d e f]: x' = a x + c y + e, y' = b x + d y + f.
using Matrix = std::array<double, 6>;

// `outer` applied after `inner`.
Matrix Then(const Matrix& inner, const Matrix& outer) {
  const auto& [a, b, c, d, e, f] = inner;
  const auto& [A, B, C, D, E, F] = outer;
  return {A * a + C * b, B * a + D * b, A * c + C * d, B * c + D * d, A * e + C * f + E,
          B * e + D * f + F};
}

std::array<double, 2> Apply(const Matrix& m, double x, double y) {
  return {m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]};
}

// What a page of the output shows, in the page's default user space: its crop box and /Rotate.
struct PageFrame {
  double llx = 0, lly = 0, urx = 0, ury = 0;
  int rotate = 0;  // 0, 90, 180, 270
};

// From the pixels of pages/NNNN.jpg (the page as OCR read it: turned upright, then deskewed, the
// size kept) to the page's user space. The page job turned the scanner's image `rotation`
// degrees clockwise, then rotated it about its centre by -skew_degrees (stages/deskew); the
// scanner's image covers the page as shown (crop box and /Rotate applied), as rasterize found it.
Matrix LevelToUser(const PageRecord& page, const PageFrame& frame) {
  const double w = page.width, h = page.height;
  Matrix m = {1, 0, 0, 1, 0, 0};
  if (std::abs(page.skew_degrees) >= kMinDeskewDegrees) {
    // OpenCV's getRotationMatrix2D(centre, -skew) maps the turned image onto the level one; its
    // inverse is the rotation by +skew (counter-clockwise positive, y down).
    const double theta = -page.skew_degrees * M_PI / 180;
    const double alpha = std::cos(theta), beta = std::sin(theta);
    const double cx = w / 2, cy = h / 2;
    m = {alpha, beta, -beta, alpha, cx - alpha * cx + beta * cy, cy - beta * cx - alpha * cy};
  }
  const int rotation = ((page.rotation % 360) + 360) % 360;
  const bool quarter = rotation == 90 || rotation == 270;
  const double raw_w = quarter ? h : w, raw_h = quarter ? w : h;
  switch (rotation) {  // the turned image back to the scanner's
    case 90: m = Then(m, {0, -1, 1, 0, 0, raw_h}); break;
    case 180: m = Then(m, {-1, 0, 0, -1, raw_w, raw_h}); break;
    case 270: m = Then(m, {0, 1, -1, 0, raw_w, 0}); break;
    default: break;
  }
  const bool turned_page = frame.rotate == 90 || frame.rotate == 270;
  const double shown_w = turned_page ? frame.ury - frame.lly : frame.urx - frame.llx;
  const double shown_h = turned_page ? frame.urx - frame.llx : frame.ury - frame.lly;
  m = Then(m, {shown_w / raw_w, 0, 0, shown_h / raw_h, 0, 0});
  switch (frame.rotate) {  // the page as shown (y down from its top left) to user space
    case 90: return Then(m, {0, 1, 1, 0, frame.llx, frame.lly});
    case 180: return Then(m, {-1, 0, 0, 1, frame.urx, frame.lly});
    case 270: return Then(m, {0, -1, -1, 0, frame.urx, frame.ury});
    default: return Then(m, {1, 0, 0, -1, frame.llx, frame.ury});
  }
}

PageFrame FrameOf(QPDFPageObjectHelper& page) {
  const QPDFObjectHandle::Rectangle box = page.getCropBox(false).getArrayAsRectangle();
  PageFrame frame{.llx = std::min(box.llx, box.urx), .lly = std::min(box.lly, box.ury),
                  .urx = std::max(box.llx, box.urx), .ury = std::max(box.lly, box.ury)};
  QPDFObjectHandle rotate = page.getAttribute("/Rotate", false);
  if (rotate.isInteger()) frame.rotate = ((rotate.getIntValueAsInt() % 360) + 360) % 360;
  return frame;
}

// ---- The text layer: the record's lines placed over the OCR words they were read from ----

// One word as the layer draws it: the record's characters for it, over its box (pixels of the
// level page), and whether the record puts a space after it.
struct PlacedWord {
  std::u32string text;
  Box box;
  bool space_after = false;
};

// A run of words on one baseline at one size: part of one record line, read from one OCR line.
struct PlacedRun {
  std::vector<PlacedWord> words;
  Box line;
};

struct OcrLineRef {
  const OcrLine* line = nullptr;
  std::vector<const OcrWord*> words;  // by x, empty words left out
  std::u32string compact;             // the words' text without white space
  bool used = false;
};

std::vector<OcrLineRef> LinesOf(const OcrPage& page) {
  std::vector<OcrLineRef> lines;
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      OcrLineRef ref{.line = &line};
      for (const auto& word : line.words) {
        if (!StripWhitespace(ToU32(word.text)).empty()) ref.words.push_back(&word);
      }
      if (ref.words.empty()) continue;
      std::stable_sort(ref.words.begin(), ref.words.end(),
                       [](const OcrWord* a, const OcrWord* b) { return a->box.x < b->box.x; });
      for (const OcrWord* word : ref.words) ref.compact += StripWhitespace(ToU32(word->text));
      lines.push_back(std::move(ref));
    }
  }
  return lines;
}

// How many characters of `ocr` stand where `text` has the same one, from `from` on.
size_t SameCharacters(const std::u32string& text, size_t from, const std::u32string& ocr) {
  size_t same = 0;
  for (size_t i = 0; i < ocr.size() && from + i < text.size(); ++i) same += ocr[i] == text[from + i];
  return same;
}

// The record's lines come from the OCR lines, cleaned (punctuation and brackets mended, one
// character for one) and in reading order, two lines of one row joined into one: each record
// line is matched to the unused OCR line(s) whose characters it holds at the same places, and
// each OCR word then carries the record's characters at its places.
std::vector<PlacedRun> PlaceLine(const std::u32string& record_line, std::vector<OcrLineRef>& ocr,
                                 int page_index) {
  std::u32string compact;
  std::vector<bool> space_before;  // per compact character: the record has white space before it
  bool pending_space = false;
  for (const char32_t c : record_line) {
    if (c == U' ' || c == U'\t' || c == U'\u3000') {
      pending_space = !compact.empty();
      continue;
    }
    compact += c;
    space_before.push_back(pending_space);
    pending_space = false;
  }
  std::vector<PlacedRun> runs;
  size_t at = 0;
  while (at < compact.size()) {
    OcrLineRef* best = nullptr;
    size_t best_same = 0;
    for (auto& line : ocr) {
      if (line.used || line.compact.size() > compact.size() - at) continue;
      const size_t same = SameCharacters(compact, at, line.compact);
      // Most of its characters where the record has them; a whole line beats a part.
      if (2 * same < line.compact.size()) continue;
      if (!best || same > best_same ||
          (same == best_same && line.compact.size() > best->compact.size())) {
        best = &line;
        best_same = same;
      }
    }
    if (!best) {
      spdlog::warn("issue.pdf: page {}: no OCR line holds {:?}; left out of the text layer",
                   page_index, ToUtf8(compact.substr(at)));
      break;
    }
    best->used = true;
    PlacedRun run{.line = best->line->box};
    for (const OcrWord* word : best->words) {
      const size_t length = StripWhitespace(ToU32(word->text)).size();
      PlacedWord placed{.text = compact.substr(at, length), .box = word->box};
      at += length;
      placed.space_after = at < compact.size() && space_before[at];
      run.words.push_back(std::move(placed));
    }
    runs.push_back(std::move(run));
  }
  return runs;
}

// One record line made of several OCR lines (two on one row the layout joined, of different
// heights) is set as one run at their common size and baseline: pdftotext breaks a line where the
// size or the baseline changes.
PlacedRun JoinRuns(std::vector<PlacedRun> pieces) {
  PlacedRun run = std::move(pieces.front());
  int top = run.line.y, bottom = run.line.Bottom();
  for (size_t i = 1; i < pieces.size(); ++i) {
    top = std::min(top, pieces[i].line.y);
    bottom = std::max(bottom, pieces[i].line.Bottom());
    for (auto& word : pieces[i].words) run.words.push_back(std::move(word));
  }
  run.line.y = top;
  run.line.height = bottom - top;
  return run;
}

std::vector<PlacedRun> PlaceText(const std::string& record_text, const OcrPage& page,
                                 int page_index) {
  std::vector<OcrLineRef> ocr = LinesOf(page);
  std::vector<PlacedRun> runs;
  std::istringstream lines(record_text);
  std::string line;
  while (std::getline(lines, line)) {
    const std::u32string text = ToU32(line);
    if (StripWhitespace(text).empty()) continue;
    std::vector<PlacedRun> pieces = PlaceLine(text, ocr, page_index);
    if (!pieces.empty()) runs.push_back(JoinRuns(std::move(pieces)));
  }
  return runs;
}

std::string Hex(const std::u32string& text, size_t* units) {
  std::string hex;
  for (char32_t c : text) {
    if (c > 0xFFFF) {  // a surrogate pair, two characters of the font
      c -= 0x10000;
      hex += fmt::format("{:04X}{:04X}", 0xD800 + (c >> 10), 0xDC00 + (c & 0x3FF));
      *units += 2;
    } else {
      hex += fmt::format("{:04X}", static_cast<unsigned>(c));
      *units += 1;
    }
  }
  return hex;
}

// The text runs along the page's rows or columns, never tilted: Poppler reads text only in the
// four right angles and breaks a line whose baseline drifts, so a line of a page deskewed by
// 2 degrees set tilted over its print reads as scraps. Each line is set straight, its baseline
// through the middle of the printed line, each word at its place along it: on a skewed page a
// line's ends stand off their print by up to half its length times the skew's sine (about a
// third of a line's height for a full line at 2 degrees).
struct TextFrame {
  double along_x = 1, along_y = 0;  // the unit vector along the lines, in user space
  double scale = 1;                 // user-space units per level pixel
};

TextFrame StraightFrame(const Matrix& to_user) {
  const double angle = std::atan2(to_user[1], to_user[0]);
  const double right_angle = std::round(angle / (M_PI / 2)) * (M_PI / 2);
  return TextFrame{.along_x = std::round(std::cos(right_angle)),
                   .along_y = std::round(std::sin(right_angle)),
                   .scale = std::sqrt(std::abs(to_user[0] * to_user[3] - to_user[1] * to_user[2]))};
}

// The page's invisible text: each word from its box's left edge at the line's baseline (the
// line box's bottom) and size (its height), stretched to its box, or to the next word's left
// edge when the record joins the two (pdftotext starts a new word, and writes a space, at a gap
// of a tenth of the size: CJK neighbours must touch, Latin words must keep theirs).
std::string TextLayer(const std::vector<PlacedRun>& runs, const Matrix& to_user) {
  const TextFrame frame = StraightFrame(to_user);
  const double ux = frame.along_x, uy = frame.along_y, k = frame.scale;
  std::string out = "BT\n3 Tr\n";
  for (const PlacedRun& run : runs) {
    const double size = std::max(1, run.line.height);
    const double baseline = run.line.Bottom();
    // The line's baseline passes through its middle as the scan shows it.
    const auto [mx, my] = Apply(to_user, run.line.x + run.line.width / 2.0, baseline);
    out += fmt::format("{} {:.3f} Tf\n", kFontName, size);
    for (size_t i = 0; i < run.words.size(); ++i) {
      const PlacedWord& word = run.words[i];
      size_t units = 0;
      const std::string hex = Hex(word.text, &units);
      if (units == 0) continue;
      double width = word.box.width;
      if (i + 1 < run.words.size()) {
        const double next = run.words[i + 1].box.x;
        // Up to the next word and no further (Tesseract's boxes may overlap: a word's box can
        // span its line), or to a gap pdftotext reads as a space.
        if (!word.space_after) {
          if (next > word.box.x) width = next - word.box.x;
        } else {
          // Keep a gap pdftotext reads as a space, even between words set close.
          width = std::min(width, next - word.box.x - 0.25 * size);
        }
      }
      width = std::max(width, 0.05 * size * static_cast<double>(units));
      // The word's start, moved along the line's normal onto the line's baseline.
      const auto [wx, wy] = Apply(to_user, word.box.x, baseline);
      const double along = (wx - mx) * ux + (wy - my) * uy;
      const double ox = mx + along * ux, oy = my + along * uy;
      // Text space: x along the lines, y up the page as read, one unit a level pixel.
      const double scale = 100 * width / (static_cast<double>(units) * kGlyphAdvanceEm * size);
      out += fmt::format("{:.5f} {:.5f} {:.5f} {:.5f} {:.3f} {:.3f} Tm {:.3f} Tz <{}> Tj\n",
                         k * ux, k * uy, -k * uy, k * ux, ox, oy, scale, hex);
    }
  }
  out += "ET\n";
  return out;
}

// ---- The font, shared by every page ----

QPDFObjectHandle MakeFont(QPDF& pdf) {
  const std::string cmap =
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
      "1 beginbfrange\n<0000> <FFFF> <0000>\nendbfrange\n"
      "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
  QPDFObjectHandle to_unicode = QPDFObjectHandle::newStream(&pdf, cmap);
  // Every CID draws glyph 1, the font's one (empty) glyph.
  std::string gid_map(2 * 65536, '\0');
  for (size_t i = 1; i < gid_map.size(); i += 2) gid_map[i] = '\1';
  QPDFObjectHandle cid_to_gid = QPDFObjectHandle::newStream(&pdf, gid_map);
  const std::string font_bytes = GlyphlessFont();
  QPDFObjectHandle font_file = QPDFObjectHandle::newStream(&pdf, font_bytes);
  font_file.getDict().replaceKey("/Length1",
                                 QPDFObjectHandle::newInteger(static_cast<long long>(font_bytes.size())));

  QPDFObjectHandle descriptor = QPDFObjectHandle::newDictionary();
  descriptor.replaceKey("/Type", QPDFObjectHandle::newName("/FontDescriptor"));
  descriptor.replaceKey("/FontName", QPDFObjectHandle::newName("/GlyphLessFont"));
  descriptor.replaceKey("/Flags", QPDFObjectHandle::newInteger(5));
  descriptor.replaceKey("/FontBBox", QPDFObjectHandle::newArray(QPDFObjectHandle::Rectangle(0, 0, 500, 1000)));
  descriptor.replaceKey("/ItalicAngle", QPDFObjectHandle::newInteger(0));
  // Ascent 1, descent (next to) 0: a character's box is the em above the baseline, the word's box.
  descriptor.replaceKey("/Ascent", QPDFObjectHandle::newInteger(1000));
  descriptor.replaceKey("/Descent", QPDFObjectHandle::newInteger(-1));
  descriptor.replaceKey("/CapHeight", QPDFObjectHandle::newInteger(1000));
  descriptor.replaceKey("/StemV", QPDFObjectHandle::newInteger(80));
  descriptor.replaceKey("/FontFile2", font_file);

  QPDFObjectHandle system_info = QPDFObjectHandle::newDictionary();
  system_info.replaceKey("/Registry", QPDFObjectHandle::newString("Adobe"));
  system_info.replaceKey("/Ordering", QPDFObjectHandle::newString("Identity"));
  system_info.replaceKey("/Supplement", QPDFObjectHandle::newInteger(0));

  QPDFObjectHandle cid_font = QPDFObjectHandle::newDictionary();
  cid_font.replaceKey("/Type", QPDFObjectHandle::newName("/Font"));
  cid_font.replaceKey("/Subtype", QPDFObjectHandle::newName("/CIDFontType2"));
  cid_font.replaceKey("/BaseFont", QPDFObjectHandle::newName("/GlyphLessFont"));
  cid_font.replaceKey("/CIDSystemInfo", system_info);
  cid_font.replaceKey("/FontDescriptor", pdf.makeIndirectObject(descriptor));
  cid_font.replaceKey("/DW", QPDFObjectHandle::newInteger(static_cast<int>(kGlyphAdvanceEm * 1000)));
  cid_font.replaceKey("/CIDToGIDMap", cid_to_gid);

  QPDFObjectHandle font = QPDFObjectHandle::newDictionary();
  font.replaceKey("/Type", QPDFObjectHandle::newName("/Font"));
  font.replaceKey("/Subtype", QPDFObjectHandle::newName("/Type0"));
  font.replaceKey("/BaseFont", QPDFObjectHandle::newName("/GlyphLessFont"));
  font.replaceKey("/Encoding", QPDFObjectHandle::newName("/Identity-H"));
  font.replaceKey("/DescendantFonts",
                  QPDFObjectHandle::newArray(std::vector<QPDFObjectHandle>{pdf.makeIndirectObject(cid_font)}));
  font.replaceKey("/ToUnicode", to_unicode);
  return pdf.makeIndirectObject(font);
}

// ---- The pages the text goes on ----

bool IsPdf(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(1024, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  return head.find("%PDF-") != std::string::npos;
}

std::unique_ptr<QPDF> OpenPdf(const fs::path& path) {
  auto pdf = std::make_unique<QPDF>();
  pdf->setSuppressWarnings(true);
  pdf->processFile(path.c_str());
  pdf->pushInheritedAttributesToPage();
  return pdf;
}

QPDFObjectHandle MarkedStream(QPDF& pdf, const std::string& data) {
  QPDFObjectHandle stream = QPDFObjectHandle::newStream(&pdf, data);
  stream.getDict().replaceKey(kLayerKey, QPDFObjectHandle::newBool(true));
  return stream;
}

// A page the page job turned to read it is shown turned the same way (its /Rotate; the image
// stays as scanned). The scan's own /Rotate is kept beside it, for a rebuild to map the OCR's
// pixels onto the page as the scan had it.
constexpr const char* kScanRotateKey = "/QikanScanRotate";

void ShowUpright(QPDFPageObjectHelper& page, int scan_rotate, int rotation) {
  const int shown = (((scan_rotate + rotation) % 360) + 360) % 360;
  if (shown == scan_rotate) return;
  QPDFObjectHandle object = page.getObjectHandle();
  object.replaceKey("/Rotate", QPDFObjectHandle::newInteger(shown));
  object.replaceKey(kScanRotateKey, QPDFObjectHandle::newInteger(scan_rotate));
}

// A page of issue.pdf archived before, without the text layer this writer put on it and turned
// back as the scan had it.
void RemoveTextLayer(QPDFPageObjectHelper& page) {
  QPDFObjectHandle object = page.getObjectHandle();
  if (object.getKey(kScanRotateKey).isInteger()) {
    object.replaceKey("/Rotate", object.getKey(kScanRotateKey));
    object.removeKey(kScanRotateKey);
  }
  QPDFObjectHandle contents = object.getKey("/Contents");
  if (!contents.isArray()) return;
  std::vector<QPDFObjectHandle> kept;
  for (auto& stream : contents.getArrayAsVector()) {
    if (stream.isStream() && stream.getDict().hasKey(kLayerKey)) continue;
    kept.push_back(stream);
  }
  object.replaceKey("/Contents", QPDFObjectHandle::newArray(kept));
}

// A page that shows one JPEG (DCTDecode, its bytes as they are) over the whole page, at `dpi`.
// A page showing one image: `data` is a JPEG (filter "/DCTDecode") or raw samples (no filter;
// the writer compresses them with Flate, losslessly).
QPDFObjectHandle ImagePage(QPDF& pdf, const std::string& data, const char* filter, int width,
                           int height, int components, double dpi) {
  QPDFObjectHandle image = QPDFObjectHandle::newStream(&pdf, data);
  QPDFObjectHandle dict = image.getDict();
  dict.replaceKey("/Type", QPDFObjectHandle::newName("/XObject"));
  dict.replaceKey("/Subtype", QPDFObjectHandle::newName("/Image"));
  dict.replaceKey("/Width", QPDFObjectHandle::newInteger(width));
  dict.replaceKey("/Height", QPDFObjectHandle::newInteger(height));
  dict.replaceKey("/ColorSpace",
                  QPDFObjectHandle::newName(components == 1 ? "/DeviceGray" : "/DeviceRGB"));
  dict.replaceKey("/BitsPerComponent", QPDFObjectHandle::newInteger(8));
  if (filter) dict.replaceKey("/Filter", QPDFObjectHandle::newName(filter));
  const double w = width * 72.0 / dpi, h = height * 72.0 / dpi;
  QPDFObjectHandle xobjects = QPDFObjectHandle::newDictionary();
  xobjects.replaceKey("/Im0", image);
  QPDFObjectHandle resources = QPDFObjectHandle::newDictionary();
  resources.replaceKey("/XObject", xobjects);
  QPDFObjectHandle page = QPDFObjectHandle::newDictionary();
  page.replaceKey("/Type", QPDFObjectHandle::newName("/Page"));
  page.replaceKey("/MediaBox", QPDFObjectHandle::newArray(QPDFObjectHandle::Rectangle(0, 0, w, h)));
  page.replaceKey("/Resources", resources);
  page.replaceKey("/Contents",
                  QPDFObjectHandle::newStream(&pdf, fmt::format("q {:.4f} 0 0 {:.4f} 0 0 cm /Im0 Do Q\n", w, h)));
  return pdf.makeIndirectObject(page);
}

QPDFObjectHandle JpegPage(QPDF& pdf, const std::string& jpeg, int width, int height, int components,
                          double dpi) {
  return ImagePage(pdf, jpeg, "/DCTDecode", width, height, components, dpi);
}

// Width, height and components of a baseline or progressive JPEG, from its SOF marker.
std::optional<std::array<int, 3>> JpegGeometry(const std::string& jpeg) {
  size_t i = 2;
  while (i + 9 < jpeg.size()) {
    if (static_cast<unsigned char>(jpeg[i]) != 0xFF) return std::nullopt;
    const auto marker = static_cast<unsigned char>(jpeg[i + 1]);
    const size_t length = (static_cast<unsigned char>(jpeg[i + 2]) << 8) |
                          static_cast<unsigned char>(jpeg[i + 3]);
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
      const int height = (static_cast<unsigned char>(jpeg[i + 5]) << 8) |
                         static_cast<unsigned char>(jpeg[i + 6]);
      const int width = (static_cast<unsigned char>(jpeg[i + 7]) << 8) |
                        static_cast<unsigned char>(jpeg[i + 8]);
      return std::array<int, 3>{width, height, static_cast<unsigned char>(jpeg[i + 9])};
    }
    i += 2 + length;
  }
  return std::nullopt;
}

// The pages of the output before their text: where they come from and how the OCR's pixels map
// onto them.
struct BasePages {
  std::unique_ptr<QPDF> source;  // the PDF the pages are copied from; kept open until written
  std::vector<QPDFObjectHandle> pages;  // per record page, in `source` (or in the output)
  bool level_images = false;  // pages/NNNN.jpg: the images are the level page itself
  bool strip_old_layer = false;
};

BasePages PdfPages(const fs::path& path, const IssueRecord& record, bool strip) {
  BasePages base{.source = OpenPdf(path), .strip_old_layer = strip};
  std::vector<QPDFPageObjectHelper> pages = QPDFPageDocumentHelper(*base.source).getAllPages();
  for (const PageRecord& page : record.pages) {
    if (page.index < 1 || page.index > static_cast<int>(pages.size())) {
      throw std::runtime_error(fmt::format("{} has {} pages, the record page {}", path.string(),
                                           pages.size(), page.index));
    }
    base.pages.push_back(pages[static_cast<size_t>(page.index - 1)].getObjectHandle());
  }
  return base;
}

BasePages ArchivedImagePages(QPDF& out, const fs::path& folder, const IssueRecord& record) {
  BasePages base{.level_images = true};
  for (const PageRecord& page : record.pages) {
    const fs::path path = folder / "pages" / fmt::format("{:04d}.jpg", page.index);
    const std::string jpeg = ReadFile(path);
    const auto geometry = JpegGeometry(jpeg);
    if (!geometry) throw std::runtime_error(path.string() + " is not a JPEG qikan can read");
    const double dpi = page.dpi > 0 ? page.dpi : 300;
    base.pages.push_back(JpegPage(out, jpeg, (*geometry)[0], (*geometry)[1], (*geometry)[2], dpi));
  }
  return base;
}

// An image scan (TIFF, PNG, JPEG, a folder of page images): a page that is one JPEG file is
// shown as that JPEG, its bytes as they came (grey or RGB); any other page as the pipeline read
// it, 8-bit grey at the scanner's own resolution and orientation, compressed losslessly. The
// OCR's pixels map onto it as onto a PDF scan's page.
BasePages ScanImagePages(QPDF& out, const fs::path& scan, const IssueRecord& record) {
  BasePages base;
  const std::unique_ptr<PageSource> source = OpenScan(scan, RasterizeOptions{});
  for (const PageRecord& page : record.pages) {
    if (const fs::path file = source->JpegFile(page.index); !file.empty() && page.dpi > 0) {
      const std::string jpeg = ReadFile(file);
      const auto geometry = JpegGeometry(jpeg);
      if (geometry && ((*geometry)[2] == 1 || (*geometry)[2] == 3)) {
        base.pages.push_back(
            JpegPage(out, jpeg, (*geometry)[0], (*geometry)[1], (*geometry)[2], page.dpi));
        continue;
      }
    }
    const RasterPage raster = source->Page(page.index);
    const cv::Mat gray = raster.gray.isContinuous() ? raster.gray : raster.gray.clone();
    const std::string samples(reinterpret_cast<const char*>(gray.data), gray.total());
    base.pages.push_back(ImagePage(out, samples, nullptr, gray.cols, gray.rows, 1,
                                   raster.dpi > 0 ? raster.dpi : (page.dpi > 0 ? page.dpi : 300)));
  }
  return base;
}

BasePages FindBasePages(QPDF& out, const DeliverableSources& sources) {
  if (!sources.scan.empty()) {
    if (!IsPdf(sources.scan)) return ScanImagePages(out, sources.scan, sources.record);
    return PdfPages(sources.scan, sources.record, false);
  }
  if (!sources.archived.empty()) {
    const fs::path archived_pdf = sources.archived / "issue.pdf";
    if (fs::exists(archived_pdf)) return PdfPages(archived_pdf, sources.record, true);
    spdlog::warn("{}: no scan and no archived issue.pdf: issue.pdf is made from the archived page "
                 "images (pages/NNNN.jpg, deskewed and recompressed), not the scan's own",
                 sources.archived.string());
    return ArchivedImagePages(out, sources.archived, sources.record);
  }
  throw std::runtime_error("no page images: neither the scan nor an archived issue is at hand");
}

// ---- The outline and the metadata ----

QPDFObjectHandle Destination(QPDFObjectHandle page) {
  return QPDFObjectHandle::newArray(std::vector<QPDFObjectHandle>{
      page, QPDFObjectHandle::newName("/XYZ"), QPDFObjectHandle::newNull(),
      QPDFObjectHandle::newNull(), QPDFObjectHandle::newNull()});
}

struct OutlineNode {
  std::string title;
  int page = 0;  // 1-based
  std::vector<OutlineNode> children;
};

// One entry per column (in the order of the issue), holding one per article, each at its start
// page; a digest column (信息摘登) points at its first brief.
std::vector<OutlineNode> OutlineOf(const IssueRecord& record) {
  std::vector<OutlineNode> columns;
  auto column = [&](const std::string& name, int page) -> OutlineNode& {
    for (auto& node : columns) {
      if (node.title == name) return node;
    }
    columns.push_back(OutlineNode{.title = name, .page = page});
    return columns.back();
  };
  for (const Article& article : record.articles) {
    if (article.start_page < 1) continue;
    OutlineNode& node = column(article.column.empty() ? article.title : article.column,
                               article.start_page);
    if (article.column.empty()) continue;
    node.children.push_back(OutlineNode{.title = article.title, .page = article.start_page});
  }
  for (const Brief& brief : record.briefs) {
    if (brief.page >= 1 && !brief.column.empty()) column(brief.column, brief.page);
  }
  return columns;
}

// Adds `nodes` under `parent`, every item open; returns how many items show under it.
long long AddOutline(QPDF& pdf, const std::vector<OutlineNode>& nodes,
                     const std::vector<QPDFPageObjectHelper>& pages, QPDFObjectHandle parent) {
  std::vector<QPDFObjectHandle> items;
  long long shown = 0;
  for (const OutlineNode& node : nodes) {
    if (node.page < 1 || node.page > static_cast<int>(pages.size())) continue;
    QPDFObjectHandle item = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
    item.replaceKey("/Title", QPDFObjectHandle::newUnicodeString(node.title));
    item.replaceKey("/Parent", parent);
    item.replaceKey("/Dest", Destination(pages[static_cast<size_t>(node.page - 1)].getObjectHandle()));
    shown += 1 + AddOutline(pdf, node.children, pages, item);
    items.push_back(item);
  }
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) items[i].replaceKey("/Prev", items[i - 1]);
    if (i + 1 < items.size()) items[i].replaceKey("/Next", items[i + 1]);
  }
  if (!items.empty()) {
    parent.replaceKey("/First", items.front());
    parent.replaceKey("/Last", items.back());
    parent.replaceKey("/Count", QPDFObjectHandle::newInteger(shown));
  }
  return shown;
}

std::string XmlEscape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

struct Metadata {
  std::string title, author, subject, creator, producer, date;
};

Metadata MetadataOf(const IssueRecord& record) {
  Metadata meta{.title = IssueTitle(record),
                .author = record.issue.publisher,
                .creator = std::string("qikan ") + QIKAN_VERSION,
                .producer = std::string("qikan ") + QIKAN_VERSION + " with qpdf " +
                            QPDF::QPDFVersion(),
                .date = record.issue.date};
  meta.subject = record.issue.date;
  if (!record.issue.edition.empty()) {
    meta.subject += (meta.subject.empty() ? "" : " ") + record.issue.edition;
  }
  return meta;
}

std::string Xmp(const Metadata& meta) {
  std::string xmp =
      "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
      "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
      "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
      "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
      "xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" "
      "xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
      "<pdfaid:part>2</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n";
  xmp += "<dc:format>application/pdf</dc:format>\n";
  xmp += "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + XmlEscape(meta.title) +
         "</rdf:li></rdf:Alt></dc:title>\n";
  if (!meta.author.empty()) {
    xmp += "<dc:creator><rdf:Seq><rdf:li>" + XmlEscape(meta.author) +
           "</rdf:li></rdf:Seq></dc:creator>\n";
  }
  if (!meta.subject.empty()) {
    xmp += "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">" + XmlEscape(meta.subject) +
           "</rdf:li></rdf:Alt></dc:description>\n";
  }
  if (!meta.date.empty()) {
    xmp += "<dc:date><rdf:Seq><rdf:li>" + XmlEscape(meta.date) + "</rdf:li></rdf:Seq></dc:date>\n";
  }
  xmp += "<dc:language><rdf:Bag><rdf:li>zh-CN</rdf:li></rdf:Bag></dc:language>\n";
  xmp += "<xmp:CreatorTool>" + XmlEscape(meta.creator) + "</xmp:CreatorTool>\n";
  xmp += "<pdf:Producer>" + XmlEscape(meta.producer) + "</pdf:Producer>\n";
  xmp += "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>\n";
  return xmp;
}

void AddMetadata(QPDF& pdf, const IssueRecord& record) {
  const Metadata meta = MetadataOf(record);
  QPDFObjectHandle info = QPDFObjectHandle::newDictionary();
  info.replaceKey("/Title", QPDFObjectHandle::newUnicodeString(meta.title));
  if (!meta.author.empty()) info.replaceKey("/Author", QPDFObjectHandle::newUnicodeString(meta.author));
  if (!meta.subject.empty()) {
    info.replaceKey("/Subject", QPDFObjectHandle::newUnicodeString(meta.subject));
  }
  info.replaceKey("/Creator", QPDFObjectHandle::newUnicodeString(meta.creator));
  info.replaceKey("/Producer", QPDFObjectHandle::newUnicodeString(meta.producer));
  pdf.getTrailer().replaceKey("/Info", pdf.makeIndirectObject(info));

  QPDFObjectHandle root = pdf.getRoot();
  QPDFObjectHandle xmp = QPDFObjectHandle::newStream(&pdf, Xmp(meta));
  xmp.getDict().replaceKey("/Type", QPDFObjectHandle::newName("/Metadata"));
  xmp.getDict().replaceKey("/Subtype", QPDFObjectHandle::newName("/XML"));
  root.replaceKey("/Metadata", xmp);
  root.replaceKey("/Lang", QPDFObjectHandle::newUnicodeString("zh-CN"));

  QPDFObjectHandle profile = QPDFObjectHandle::newStream(&pdf, ReadFile(kSrgbProfile));
  profile.getDict().replaceKey("/N", QPDFObjectHandle::newInteger(3));
  QPDFObjectHandle intent = QPDFObjectHandle::newDictionary();
  intent.replaceKey("/Type", QPDFObjectHandle::newName("/OutputIntent"));
  intent.replaceKey("/S", QPDFObjectHandle::newName("/GTS_PDFA1"));
  intent.replaceKey("/OutputConditionIdentifier", QPDFObjectHandle::newString("sRGB"));
  intent.replaceKey("/Info", QPDFObjectHandle::newString("sRGB IEC61966-2.1"));
  intent.replaceKey("/DestOutputProfile", profile);
  root.replaceKey("/OutputIntents",
                  QPDFObjectHandle::newArray(std::vector<QPDFObjectHandle>{intent}));
}

}  // namespace

std::string IssueTitle(const IssueRecord& record) {
  const IssueInfo& issue = record.issue;
  if (issue.title.empty()) return fs::path(record.source.file).filename().string();
  std::string title = issue.title;
  if (!issue.edition.empty() && issue.edition != "普刊") title += "（" + issue.edition + "）";
  std::string number;
  if (issue.date.size() >= 4) number += issue.date.substr(0, 4) + "年";
  if (issue.number) number += fmt::format("第{}期", *issue.number);
  if (issue.cumulative_number) number += fmt::format("（总第{}期）", *issue.cumulative_number);
  return number.empty() ? title : title + " " + number;
}

std::string SearchablePdf(const DeliverableSources& sources) {
  const IssueRecord& record = sources.record;
  if (record.pages.empty()) throw std::runtime_error("the record has no pages");
  QPDF out;
  out.emptyPDF();
  BasePages base = FindBasePages(out, sources);
  QPDFObjectHandle font = MakeFont(out);
  QPDFPageDocumentHelper document(out);
  for (size_t i = 0; i < record.pages.size(); ++i) {
    document.addPage(QPDFPageObjectHelper(base.pages[i]), false);
  }
  std::vector<QPDFPageObjectHelper> pages = document.getAllPages();
  for (size_t i = 0; i < pages.size(); ++i) {
    QPDFPageObjectHelper& page = pages[i];
    const PageRecord& page_record = record.pages[i];
    if (base.strip_old_layer) RemoveTextLayer(page);
    QPDFObjectHandle resources = page.getObjectHandle().getKey("/Resources");
    if (!resources.isDictionary()) {
      resources = QPDFObjectHandle::newDictionary();
      page.getObjectHandle().replaceKey("/Resources", resources);
    }
    if (!resources.getKey("/Font").isDictionary()) {
      resources.replaceKey("/Font", QPDFObjectHandle::newDictionary());
    }
    resources.getKey("/Font").replaceKey(kFontName, font);

    PageRecord geometry = page_record;
    const OcrPage* ocr = i < sources.pages.size() ? &sources.pages[i] : nullptr;
    if (geometry.width <= 0 && ocr) geometry.width = ocr->width;
    if (geometry.height <= 0 && ocr) geometry.height = ocr->height;
    if (base.level_images) {
      geometry.rotation = 0;  // pages/NNNN.jpg is the page turned upright and deskewed
      geometry.skew_degrees = 0;
    }
    std::string text;
    const PageFrame frame = FrameOf(page);
    if (ocr && geometry.width > 0 && geometry.height > 0) {
      const Matrix to_user = LevelToUser(geometry, frame);
      text = TextLayer(PlaceText(page_record.text, *ocr, page_record.index), to_user);
    }
    page.addPageContents(MarkedStream(out, "q\n"), true);
    page.addPageContents(MarkedStream(out, "Q\n" + text), false);
    ShowUpright(page, frame.rotate, geometry.rotation);
  }

  QPDFObjectHandle outlines = out.makeIndirectObject(QPDFObjectHandle::newDictionary());
  outlines.replaceKey("/Type", QPDFObjectHandle::newName("/Outlines"));
  AddOutline(out, OutlineOf(record), pages, outlines);
  if (outlines.hasKey("/First")) {
    out.getRoot().replaceKey("/Outlines", outlines);
    out.getRoot().replaceKey("/PageMode", QPDFObjectHandle::newName("/UseOutlines"));
  }
  AddMetadata(out, record);

  QPDFWriter writer(out);
  writer.setOutputMemory();
  // The scan's images go out as they came in: no stream is decoded and compressed again.
  writer.setDecodeLevel(qpdf_dl_none);
  writer.setCompressStreams(true);
  writer.setMinimumPDFVersion("1.7");
  writer.setStaticID(false);
  writer.write();
  std::shared_ptr<Buffer> buffer = writer.getBufferSharedPointer();
  return std::string(reinterpret_cast<const char*>(buffer->getBuffer()), buffer->getSize());
}

std::vector<ArchiveFile> WriteSearchablePdf(const DeliverableSources& sources) {
  const auto start = std::chrono::steady_clock::now();
  ArchiveFile file{.path = "issue.pdf", .bytes = SearchablePdf(sources)};
  spdlog::info("{}: issue.pdf, {} pages, {} bytes, in {:.2f} s", sources.record.source.file,
               sources.record.pages.size(), file.bytes.size(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return {std::move(file)};
}

}  // namespace qikan
