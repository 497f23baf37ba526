#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>

#include "models/ocr_page.h"

namespace qikan {

// What the image given to the engine holds: a whole page (find blocks and columns) or one line
// of text cut out of a page (a thin strip that page segmentation would read as nothing).
// kColumn: one column of text cut out of a page, read as one block of text (Tesseract's
// PSM_SINGLE_BLOCK): its lines found, no search for columns or blocks inside it. (In its
// single-column mode Tesseract ran two rows of a narrow, degraded column into one line now and
// then, "带”为抓手的“双标双带”制工" under "引领、以“代表帮带+联络站携" read as one at 36, where the
// block mode found both rows.)
enum class Segmentation { kPage, kColumn, kSingleLine };

// The OCR engine behind one method, so the page job can run with a fake engine in tests.
class OcrEngine {
 public:
  virtual ~OcrEngine() = default;
  // Reads one 8-bit grayscale image. Boxes are in the coordinates of `gray`.
  virtual OcrPage Recognize(const cv::Mat& gray, Segmentation segmentation) = 0;
  OcrPage Recognize(const cv::Mat& gray) { return Recognize(gray, Segmentation::kPage); }
  // An engine of another model, on this engine's thread, for a second opinion on a line
  // (stages/vote). `model` is a Tesseract language ("HanS": Debian's script/HanS) or
  // LANGUAGE@ID, the model ID that scripts/install-ocr-model put in OwnModelsDir()/voters/ID (see
  // models/ocr/manifest.json, "voters"; an absolute folder in place of ID is taken as is).
  // Made when first asked for (a model takes a second to load) and owned by this engine.
  // nullptr: no other models here (a test's fake engine).
  virtual OcrEngine* Alternate(const std::string& model) { return nullptr; }
};

// Where qikan's own OCR models are: the folder laid out as models/ocr in the source tree
// (manifest.json; tessdata/, the model chosen by measurement when it is not Debian's; voters/ID/,
// the vote's other models), which scripts/install-ocr-model fills. The source tree's until set;
// the command sets it once at start-up, before any engine is made (pipeline/run/models.h finds it).
void SetOwnModelsDir(const std::filesystem::path& ocr_dir);
std::filesystem::path OwnModelsDir();

// Where Tesseract looks when given no folder: $TESSDATA_PREFIX, else Debian's packages' folder.
std::filesystem::path DefaultTesseractTessdata();

// The Tesseract library's version, "5.3.0".
std::string TesseractVersion();

// "chi_sim+eng" -> "tesseract-ocr-chi-sim tesseract-ocr-eng": the Debian packages to install.
std::string DebianPackagesFor(const std::string& language);

struct TesseractOptions {
  std::string language = "chi_sim";
  // Empty: $QIKAN_TESSDATA, else OwnModelsDir()/tessdata (the model chosen by measurement, see
  // models/ocr/manifest.json, installed by scripts/setup) when it holds every language asked
  // for, else Tesseract's default (TESSDATA_PREFIX or Debian's packages).
  std::filesystem::path tessdata_dir;
  int page_segmentation_mode = 3;      // PSM_AUTO: blocks and columns found by Tesseract
  std::vector<std::pair<std::string, std::string>> variables;
};

// The .traineddata files an engine made with `options` loads, one per language, found as the
// engine finds them (Tesseract's default folder: $TESSDATA_PREFIX, else Debian's); a file that
// is not there is still named. What the settings hash of a record fingerprints.
std::vector<std::filesystem::path> ModelFiles(const TesseractOptions& options);

// The Tesseract variables that are process-wide and that every engine sets alike when it is made
// (a model's config would otherwise change them for every engine in the process); a caller's
// TesseractOptions may not name them. Part of a record's settings hash.
std::vector<std::pair<std::string, std::string>> ProcessWideTesseractVariables();

// The engine options OcrEngine::Alternate(model) makes another model's engine with.
TesseractOptions AlternateOptions(const std::string& model);

// Whether the line images Tesseract stores as PNG in memory on their way to its LSTM are stored
// without compression (stages/line_images.cpp): true when that file's pixWriteMemPng is the one
// the process uses. The same pixels either way; zlib's work is what is saved.
bool LineImagesStoredUncompressed();

// Whether Tesseract's OpenMP parallel regions run straight on the calling thread, without
// libgomp's one-thread team (stages/openmp_regions.cpp): true when the process's OpenMP thread
// limit is 1 and that file's entry points are the ones the process uses.
bool OpenMpRegionsRunInline();

// One TessBaseAPI, created once and reused for every page; use one engine per worker thread,
// never share one between threads. Throws QikanError(kMissingDependency) when the model is absent.
class TesseractEngine : public OcrEngine {
 public:
  explicit TesseractEngine(const TesseractOptions& options);
  ~TesseractEngine() override;
  TesseractEngine(const TesseractEngine&) = delete;
  TesseractEngine& operator=(const TesseractEngine&) = delete;

  using OcrEngine::Recognize;
  OcrPage Recognize(const cv::Mat& gray, Segmentation segmentation) override;
  // Throws QikanError(kMissingDependency) when that model is not installed.
  OcrEngine* Alternate(const std::string& model) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qikan
