#include "stages/ocr.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <memory>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tesseract/baseapi.h>
#include <tesseract/publictypes.h>
#include <tesseract/resultiterator.h>

#include "models/errors.h"
#include "models/text.h"
#include "stages/image.h"

namespace qikan {
namespace {

// Pages reach OCR scaled to ~36 px glyphs, not to a known dpi, so any credible value will do;
// without one Tesseract warns "Invalid resolution 0 dpi" on every page and guesses. A caller
// that knows better sets the Tesseract variable user_defined_dpi, which takes precedence.
constexpr int kSourceDpi = 300;

// Tesseract's chatter (resolution estimates, "Empty page!!") goes to stderr unless this global
// variable names a file; our logging reports what matters.
constexpr const char* kQuietDebugFile = "/dev/null";

// Tesseract parameters that are process-wide (BOOL_VAR/INT_VAR globals in its edgblob.cpp,
// tovars.cpp and topitch.cpp, not members of one engine). Every engine sets them alike when it
// is made, so whichever was made last leaves them as they were:
// - The first four are what the attribution vote's npm chi_sim 4.0.0 model sets in its config
//   ("Important configurations for CJK mode"). A model's config is applied when an engine is
//   made, so without this, loading that model for a vote changed how every other engine in the
//   process, the page model included, found blobs and words from then on: the pages read before
//   a worker's first vote were read one way and those after another, and a page could come out
//   differently from one run to the next (1 issue of 20 differed between two runs of one
//   binary). Measured over the accuracy benchmark's 54 pages, these values and Tesseract's
//   defaults (0, 0, 0, 45) read at the same 1.04% CER, and these took 7% less CPU on the
//   throughput corpus (139.5 against 150 CPU-s, two runs each).
// - textord_fast_pitch_test: Tesseract tests text rows for a fixed pitch, and rows of Han glyphs
//   look fixed pitch, so its slow test (a search over pitches, a dynamic program of cut points
//   for each) ran on most rows: 1.5% of qikan's CPU on the office issue of the throughput
//   corpus, 0.2% with the fast test. The fast one gives the same text on all 53 pages of that
//   corpus and the same CER on every item of the accuracy benchmark. (Turning the test off,
//   textord_disable_pitch_test, lost words on an office two-column page and read old-1bit-200
//   at 1.74% against 1.67%.)
// The configs of the other models qikan loads (Debian's chi_sim, script/HanS, eng) set no
// process-wide parameter; a model added to the vote needs its config checked the same way.
constexpr std::pair<const char*, const char*> kProcessWide[] = {
    {"textord_force_make_prop_words", "1"},  // words from spacing, not from a fixed pitch
    {"edges_use_new_outline_complexity", "1"},
    {"edges_children_fix", "1"},
    {"edges_children_count_limit", "1000"},
    {"textord_fast_pitch_test", "1"},
};

bool IsProcessWide(const std::string& name) {
  return std::any_of(std::begin(kProcessWide), std::end(kProcessWide),
                     [&](const auto& param) { return name == param.first; });
}

// Tesseract hands over text allocated with new[] and iterators allocated with new.
using TessText = std::unique_ptr<char[]>;
using ResultIteratorPtr = std::unique_ptr<tesseract::ResultIterator>;

// Tesseract's parameters include process-wide globals (debug_file among them) that Init writes;
// serializing Init keeps engines created in parallel workers from racing on them.
std::mutex& InitMutex() {
  static std::mutex mutex;
  return mutex;
}

// qikan's own models (models/ocr in the source tree) until SetOwnModelsDir says otherwise.
#ifndef QIKAN_SOURCE_OCR_MODELS_DIR
#define QIKAN_SOURCE_OCR_MODELS_DIR ""
#endif

std::mutex& OwnModelsMutex() {
  static std::mutex mutex;
  return mutex;
}

std::filesystem::path& OwnModels() {
  static std::filesystem::path dir = QIKAN_SOURCE_OCR_MODELS_DIR;
  return dir;
}

std::vector<std::string> Languages(const std::string& language) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= language.size()) {
    size_t end = language.find('+', start);
    if (end == std::string::npos) end = language.size();
    if (end > start) out.push_back(language.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// The folder of models when the caller names none: $QIKAN_TESSDATA, else qikan's own models
// (installed by scripts/setup) when every language asked for is there, else none, which is
// Tesseract's default (Debian's tesseract-ocr-* packages).
std::filesystem::path DefaultTessdata(const std::string& language) {
  if (const char* env = std::getenv("QIKAN_TESSDATA"); env && *env) return env;
  const std::filesystem::path own = OwnModelsDir();
  if (own.empty()) return {};
  const std::filesystem::path ours = own / "tessdata";
  std::error_code error;
  for (const auto& name : Languages(language)) {
    if (!std::filesystem::is_regular_file(ours / (name + ".traineddata"), error)) return {};
  }
  return ours;
}

// Where Tesseract itself looks when given no folder: $TESSDATA_PREFIX, else the folder it was
// built with (Debian's packages install there).
constexpr const char* kDebianTessdata = "/usr/share/tesseract-ocr/5/tessdata";

// "chi_sim+eng" -> "tesseract-ocr-chi-sim tesseract-ocr-eng": the Debian packages to install.
std::string PackagesFor(const std::string& language) {
  std::string out;
  for (std::string name : Languages(language)) {
    std::replace(name.begin(), name.end(), '_', '-');
    out += (out.empty() ? "" : " ") + ("tesseract-ocr-" + name);
  }
  return out;
}

std::string TessdataDescription(const TesseractOptions& options) {
  if (!options.tessdata_dir.empty()) return options.tessdata_dir.string();
  if (const char* prefix = std::getenv("TESSDATA_PREFIX"); prefix && *prefix) return prefix;
  return "Tesseract's default tessdata directory";
}

// PSM 0 (orientation only) and 2 (layout only) recognize no text: useless for this stage.
bool RecognizesText(int psm) {
  return psm >= tesseract::PSM_AUTO_OSD && psm < tesseract::PSM_COUNT &&
         psm != tesseract::PSM_AUTO_ONLY && psm != tesseract::PSM_OSD_ONLY;
}

// Images and rules carry no text we deliver; everything else (flowing, heading, pull-out,
// caption, vertical, table, and the unknown type of single-block modes) may.
bool IsTextBlock(tesseract::PolyBlockType type) {
  return !PTIsImageType(type) && !PTIsLineType(type);
}

std::string_view Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

Box ClampedBox(int left, int top, int right, int bottom, int width, int height) {
  left = std::clamp(left, 0, width);
  right = std::clamp(right, left, width);
  top = std::clamp(top, 0, height);
  bottom = std::clamp(bottom, top, height);
  return Box{.x = left, .y = top, .width = right - left, .height = bottom - top};
}

Box BoxAt(const tesseract::PageIterator& it, tesseract::PageIteratorLevel level, int width,
          int height) {
  int left = 0, top = 0, right = 0, bottom = 0;
  if (!it.BoundingBox(level, &left, &top, &right, &bottom)) return {};
  return ClampedBox(left, top, right, bottom, width, height);
}

Box UnionNonEmpty(const Box& a, const Box& b) {
  if (a.Empty()) return b;
  if (b.Empty()) return a;
  return a.Union(b);
}

// chi_sim spaces out Han characters; the delivered line keeps a space only between Latin words.
void FinishLine(OcrLine& line) {
  std::string joined;
  for (const auto& word : line.words) {
    if (!joined.empty()) joined += ' ';
    joined += word.text;
    line.box = UnionNonEmpty(line.box, word.box);
  }
  line.text = RemoveCjkSpaces(joined);
  line.confidence = static_cast<float>(WordsConfidence(line.words));
}

void FinishBlock(OcrBlock& block) {
  for (const auto& line : block.lines) block.box = UnionNonEmpty(block.box, line.box);
}

// chi_sim reads a quote into a wide printed gap ("办公室    唐方媛" comes out "办公室”唐方媛", a
// TOC's column name and title likewise): 8 of the 113 character errors on the clean 300 dpi
// benchmark items. The word holding such a mark is read with little confidence (the symbol
// itself often with much) and the mark's box covers blank paper; a real quote has ink at its
// centre (5% of the middle of its box and more, measured; invented ones 0-0.3%). Commas are
// left alone: a real "，" sits in a corner of a box chi_sim may draw an em wide (seed-clean-300
// lost one real comma for one invented comma removed).
constexpr float kGapMarkMaxConfidence = 60;

bool IsLoneMark(std::string_view text) {
  return text == "”" || text == "“" || text == "\"";
}

// No ink in the middle half of the box (its edges may reach the glyphs either side).
bool BlankAt(const cv::Mat& gray, const Box& box) {
  const double ink = InkInMiddle(gray, cv::Rect(box.x, box.y, box.width, box.height));
  return ink >= 0 && ink < 0.02;
}

// Opening double quotes minus closing ones.
int QuoteBalance(std::string_view utf8) {
  int balance = 0;
  for (const char32_t c : ToU32(utf8)) balance += (c == U'“') - (c == U'”');
  return balance;
}

// The marks a line of text can open with, as chi_sim reads them: quotes and brackets.
constexpr std::array<std::string_view, 5> kOpeningMarks = {"“", "（", "(", "《", "〈"};

bool IsOpeningMark(std::string_view symbol) {
  return std::find(kOpeningMarks.begin(), kOpeningMarks.end(), symbol) != kOpeningMarks.end();
}

bool StartsWithOpeningMark(std::string_view text) {
  return std::any_of(kOpeningMarks.begin(), kOpeningMarks.end(),
                     [&](std::string_view mark) { return text.starts_with(mark); });
}

bool HasMark(std::string_view text) {
  for (std::string_view mark : {"”", "“", "\""}) {
    if (text.find(mark) != std::string_view::npos) return true;
  }
  return false;
}

// The word's text without the quotes read on blank paper, symbol by symbol (chi_sim often joins
// the invented mark to the next character: "”市"). So is a closing quote that opens a word after
// a glyph of blank paper and closes no quote the line opened, boxed inside the box of the
// Han character after it: chi_sim invents "”" at the start of a title set a few glyphs after its
// contents column name ("代表工作   ”余杭区") and between an attribution's names, over the next
// glyph, read with that glyph's confidence; and so is an opening quote or bracket boxed so after
// half a glyph of blank paper (a narrow gutter). `in_quote`: the line's words before open a quote.
std::string WithoutGapMarks(const tesseract::ResultIterator& word, const cv::Mat& gray,
                            std::string_view text, const Box& before, bool in_quote) {
  const bool opens = StartsWithOpeningMark(text);
  if (!HasMark(text) && !opens) return std::string(text);
  const bool doubtful = word.Confidence(tesseract::RIL_WORD) < kGapMarkMaxConfidence;
  if (!doubtful && !opens && !text.starts_with("”") && !text.starts_with("\"")) {
    return std::string(text);
  }
  struct Symbol {
    std::string text;
    Box box;
  };
  std::vector<Symbol> symbols;
  tesseract::LTRResultIterator it(word);
  while (true) {
    const TessText symbol(it.GetUTF8Text(tesseract::RIL_SYMBOL));
    symbols.push_back({std::string(symbol ? Trim(symbol.get()) : std::string_view()),
                       BoxAt(it, tesseract::RIL_SYMBOL, gray.cols, gray.rows)});
    if (it.IsAtFinalElement(tesseract::RIL_WORD, tesseract::RIL_SYMBOL) ||
        !it.Next(tesseract::RIL_SYMBOL)) {
      break;
    }
  }
  // (A real quote that closes a word before is boxed inside the next character's box too, but
  // closes a quote the line opened ("“最后一公里 ”难题"), or its ink stands in the white between
  // the words; so is one before a stop, "安全阀 ”。", its ink in the word before's box.)
  // An opening mark boxed inside the next character's box, after a glyph of blank paper, has no
  // ink of its own: chi_sim invents "（" or "“" in a narrow gutter before the first character
  // of a column's line ("深度参与标准  (进一步", the columns' rows then read across). A real
  // one's ink stands before that character, in the white.
  const bool opening = IsOpeningMark(symbols[0].text);
  auto opens_inside_next = [&] {
    if (symbols.size() < 2 || before.Empty() || (!opening && in_quote)) return false;
    const Box& b = symbols[0].box;
    const Box& n = symbols[1].box;
    if (symbols[1].text.empty() || !IsHan(ToU32(symbols[1].text).front()) || n.width <= b.width ||
        b.x < n.x - 1 || b.Right() > n.Right() + 1) {
      return false;
    }
    const Box w = BoxAt(word, tesseract::RIL_WORD, gray.cols, gray.rows);
    const Box white{.x = before.Right(), .y = w.y, .width = w.x - before.Right(), .height = w.height};
    // A printed gap: a glyph of white at least; half of one before an opening mark (a narrow
    // gutter), whose own ink, if it had any, would stand in that white.
    if (white.width < (opening ? 0.5 : 1.0) * w.height) return false;
    const double ink = InkShare(gray, cv::Rect(white.x, white.y, white.width, white.height));
    return ink >= 0 && ink < 0.01;
  };
  std::string out;
  for (size_t i = 0; i < symbols.size(); ++i) {
    const bool lone = IsLoneMark(symbols[i].text);
    const bool gap_mark = (lone && doubtful && BlankAt(gray, symbols[i].box)) ||
                          (i == 0 && (lone || opening) && opens_inside_next());
    if (!gap_mark) out += symbols[i].text;
  }
  return out;
}

// Walks words in reading order, opening a block or line whenever the iterator starts one, and
// drops non-text blocks, empty words, quotes read on blank paper and lines or blocks left without
// words.
std::vector<OcrBlock> CollectBlocks(tesseract::ResultIterator& it, const cv::Mat& gray) {
  const int width = gray.cols, height = gray.rows;
  using tesseract::RIL_BLOCK;
  using tesseract::RIL_TEXTLINE;
  using tesseract::RIL_WORD;
  std::vector<OcrBlock> blocks;
  OcrBlock block;
  OcrLine line;
  bool in_text_block = false;
  // Quotes opened minus closed by the line's words so far, and those the block's last line left
  // open (a quote wraps): whether a closing quote closes one (WithoutGapMarks).
  int line_quotes = 0, open_above = 0;
  auto close_line = [&] {
    if (!line.words.empty()) {
      FinishLine(line);
      block.lines.push_back(std::move(line));
      open_above = std::max(0, QuoteBalance(block.lines.back().text));
    }
    line = OcrLine{};
    line_quotes = 0;
  };
  auto close_block = [&] {
    close_line();
    if (!block.lines.empty()) {
      FinishBlock(block);
      blocks.push_back(std::move(block));
    }
    block = OcrBlock{};
    open_above = 0;
  };

  it.Begin();
  do {
    if (it.IsAtBeginningOf(RIL_BLOCK)) {
      close_block();
      in_text_block = IsTextBlock(it.BlockType());
      if (in_text_block) block.box = BoxAt(it, RIL_BLOCK, width, height);
    }
    if (!in_text_block) continue;
    if (it.IsAtBeginningOf(RIL_TEXTLINE)) {
      close_line();
      line.box = BoxAt(it, RIL_TEXTLINE, width, height);
    }
    const TessText raw(it.GetUTF8Text(RIL_WORD));
    if (!raw) continue;
    const std::string_view text = Trim(raw.get());
    if (text.empty()) continue;
    std::string kept = WithoutGapMarks(it, gray, text,
                                       line.words.empty() ? Box{} : line.words.back().box,
                                       line_quotes + open_above > 0);
    if (kept.empty()) continue;
    line_quotes += QuoteBalance(kept);
    line.words.push_back(OcrWord{
        .text = std::move(kept),
        .box = BoxAt(it, RIL_WORD, width, height),
        .confidence = std::clamp(it.Confidence(RIL_WORD), 0.0f, 100.0f),
    });
  } while (it.Next(RIL_WORD));
  close_block();
  return blocks;
}

}  // namespace

void SetOwnModelsDir(const std::filesystem::path& ocr_dir) {
  std::lock_guard lock(OwnModelsMutex());
  OwnModels() = ocr_dir;
}

std::filesystem::path OwnModelsDir() {
  std::lock_guard lock(OwnModelsMutex());
  return OwnModels();
}

std::filesystem::path DefaultTesseractTessdata() {
  const char* prefix = std::getenv("TESSDATA_PREFIX");
  return prefix && *prefix ? prefix : kDebianTessdata;
}

std::string DebianPackagesFor(const std::string& language) { return PackagesFor(language); }

std::string TesseractVersion() { return tesseract::TessBaseAPI::Version(); }

std::vector<std::pair<std::string, std::string>> ProcessWideTesseractVariables() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, value] : kProcessWide) out.emplace_back(name, value);
  return out;
}

std::vector<std::filesystem::path> ModelFiles(const TesseractOptions& options) {
  std::filesystem::path dir =
      options.tessdata_dir.empty() ? DefaultTessdata(options.language) : options.tessdata_dir;
  if (dir.empty()) dir = DefaultTesseractTessdata();
  std::vector<std::filesystem::path> files;
  for (const auto& name : Languages(options.language)) files.push_back(dir / (name + ".traineddata"));
  return files;
}

struct TesseractEngine::Impl {
  tesseract::TessBaseAPI api;
  tesseract::PageSegMode page_mode = tesseract::PSM_AUTO;
  std::map<std::string, std::unique_ptr<TesseractEngine>> alternates;
};

TesseractEngine::TesseractEngine(const TesseractOptions& given)
    : impl_(std::make_unique<Impl>()) {
  // Also what links stages/line_images.cpp and stages/openmp_regions.cpp into every program that
  // reads with Tesseract.
  static const bool stored_uncompressed = LineImagesStoredUncompressed();
  static const bool regions_inline = OpenMpRegionsRunInline();
  (void)stored_uncompressed;
  (void)regions_inline;
  TesseractOptions options = given;
  if (options.tessdata_dir.empty()) options.tessdata_dir = DefaultTessdata(options.language);
  if (!RecognizesText(options.page_segmentation_mode)) {
    throw QikanError(ExitStatus::kUsage, "",
                     "Tesseract page segmentation mode " +
                         std::to_string(options.page_segmentation_mode) +
                         " does not recognize text; use 1 or 3..13");
  }
  // Variables go through Init rather than SetVariable afterwards: init-only ones (dictionaries,
  // load_*_dawg) take effect only there. The caller's come last so they override our defaults.
  std::vector<std::string> names = {"debug_file"};
  std::vector<std::string> values = {kQuietDebugFile};
  for (const auto& [name, value] : kProcessWide) {
    names.push_back(name);
    values.push_back(value);
  }
  for (const auto& [name, value] : options.variables) {
    if (IsProcessWide(name)) {
      throw QikanError(ExitStatus::kUsage, "",
                       "Tesseract variable '" + name + "' is process-wide (it would change how "
                       "every engine reads, the vote's included); qikan keeps it fixed");
    }
    names.push_back(name);
    values.push_back(value);
  }
  const std::string datapath = options.tessdata_dir.string();
  int status = 0;
  {
    std::lock_guard lock(InitMutex());
    status = impl_->api.Init(datapath.empty() ? nullptr : datapath.c_str(),
                             options.language.c_str(), tesseract::OEM_LSTM_ONLY, nullptr, 0,
                             &names, &values, false);
  }
  if (status != 0) {
    const std::string where = TessdataDescription(options);
    throw QikanError(ExitStatus::kMissingDependency,
                     options.tessdata_dir.empty() ? options.language : where,
                     "Tesseract model " + options.language + " not found in " + where +
                         "; install " + PackagesFor(options.language));
  }
  // Init only warns about a variable it does not know; a misspelt option must not pass silently.
  for (const auto& [name, value] : options.variables) {
    std::string current;
    if (!impl_->api.GetVariableAsString(name.c_str(), &current)) {
      throw QikanError(ExitStatus::kUsage, "",
                       "unknown Tesseract variable '" + name + "' (value '" + value + "')");
    }
  }
  impl_->page_mode = static_cast<tesseract::PageSegMode>(options.page_segmentation_mode);
}

TesseractEngine::~TesseractEngine() = default;

TesseractOptions AlternateOptions(const std::string& model) {
  TesseractOptions options;
  options.language = model;
  if (const size_t at = model.find('@'); at != std::string::npos) {
    options.language = model.substr(0, at);
    options.tessdata_dir = OwnModelsDir() / "voters" / model.substr(at + 1);
  }
  return options;
}

OcrEngine* TesseractEngine::Alternate(const std::string& model) {
  auto& engine = impl_->alternates[model];
  if (!engine) {
    try {
      engine = std::make_unique<TesseractEngine>(AlternateOptions(model));
    } catch (const QikanError& e) {
      impl_->alternates.erase(model);
      if (e.status() != ExitStatus::kMissingDependency) throw;
      throw QikanError(e.status(), e.file(),
                       "Tesseract model " + model + " (a second opinion on attribution lines) is "
                       "not installed; scripts/setup installs it");
    }
  }
  return engine.get();
}

OcrPage TesseractEngine::Recognize(const cv::Mat& gray, Segmentation segmentation) {
  if (!gray.empty() && gray.type() != CV_8UC1) {
    throw std::invalid_argument("TesseractEngine::Recognize needs an 8-bit grayscale image");
  }
  OcrPage page;
  page.width = gray.cols;
  page.height = gray.rows;
  if (gray.empty()) return page;

  auto& api = impl_->api;
  // Clear drops the page's image and results however we leave, so memory does not grow across
  // the pages of a long run.
  struct ClearOnExit {
    tesseract::TessBaseAPI& api;
    ~ClearOnExit() { api.Clear(); }
  } clear_on_exit{api};

  api.SetPageSegMode(segmentation == Segmentation::kSingleLine ? tesseract::PSM_SINGLE_LINE
                     : segmentation == Segmentation::kColumn   ? tesseract::PSM_SINGLE_BLOCK
                                                               : impl_->page_mode);
  // SetImage copies the pixels, honouring the row step of a cropped Mat.
  api.SetImage(gray.data, gray.cols, gray.rows, 1, static_cast<int>(gray.step[0]));
  api.SetSourceResolution(kSourceDpi);
  if (api.Recognize(nullptr) != 0) {
    throw QikanError(ExitStatus::kInternal, "", "Tesseract failed to recognize the page");
  }
  const ResultIteratorPtr it(api.GetIterator());
  if (!it) return page;  // nothing found: a blank page
  page.blocks = CollectBlocks(*it, gray);
  return page;
}

}  // namespace qikan
