#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "models/ocr_page.h"

namespace qikan {

inline constexpr const char* kIssueSchema = "qikan.issue/1";

// Where an issue came from: the input file (or folder) and its content hash, which identifies it
// whatever it is called.
struct SourceInfo {
  std::string file;
  std::string sha256;
  int pages = 0;
};

// One model file the OCR loaded: its role ("page model chi_sim", "vote model ...", "folio digit
// model ..."), its file name and its sha256, so an archived text can be traced to the model that
// read it.
struct ModelUsed {
  std::string role;
  std::string file;
  std::string sha256;
};

// What read the pages: the engine and its version, each model file, and the hash of the run's
// settings (the catalog's settings_hash). Empty in records made before it was kept.
struct OcrProvenance {
  std::string engine;  // "Tesseract 5.3.0"
  std::vector<ModelUsed> models;
  std::string settings_hash;

  bool empty() const { return engine.empty() && models.empty(); }
};

// A word of pages/NNNN.json: its block, line and word index there.
struct WordRef {
  int block = 0;
  int line = 0;
  int word = 0;
};

// One line of a page's text (the record's page text has a line per line, in this order): the OCR
// words it was read from, left to right, and what the structure parser made of it. The ALTO and
// METS writers link the logical structure to the page's words through these.
struct PageLine {
  std::vector<WordRef> words;
  int column = 0;  // 0: across the page; 1, 2: left and right column of a band
  // header or footer (page furniture: running header, folio), masthead, toc, heading, body,
  // attribution, banner (a column's name printed over its articles), brief, colophon; empty when
  // the parser gave it no part.
  std::string role;
  int item = -1;  // the article (heading, body, attribution) or brief it belongs to, else -1
};

// What a page's reading shows of its own errors, beyond the mean confidence Tesseract gives:
// each a share in 0..1, character-weighted over the page's lines (or of one line).
struct DoubtEvidence {
  double missing = 0;     // ink no character accounts for: sum of (ink - text) cells over ink
  double excess = 0;      // characters beyond what the ink holds (noise read as text)
  double low = 0;         // characters in words read below the doubt stage's low_confidence
  double garbled = 0;     // characters in words read below its garbled_confidence
  double latin = 0;       // Latin letters among the characters (the body is Chinese)
  double unsure = 0;      // 1 - mean word confidence / 100
  double lost_lines = 0;  // lines the lost-line stage found, read again or not, over all lines
  // How little the text reads as Chinese: the mean surprisal (-ln of the probability) of its Han
  // characters under the doubt stage's word list (models/lexicon.h), over 20. Misread
  // characters are rare ones, alone, in sequences no word holds.
  double surprise = 0;
  // Quotation marks and brackets without their partner (“ ” （ ） 《 》), over the characters:
  // print pairs them; OCR reads a rule or a speck as a lone ” or ）.
  double unpaired = 0;
  // Garbled stretches: Latin letters or digits inside a run of Han characters, and runs of
  // three or more punctuation marks, over the characters.
  double stray = 0;
  // Characters on which two readings of a doubtful line at different sizes (the reread stage)
  // disagree, over the page's characters: a reading that changes with the size is a guess.
  double disagree = 0;
  double chars = 0;       // characters read (weights the page's mean)
  // Counts, not evidence: lines the lost-line stage found, and of them those it read again
  // into text that fits their ink.
  int lines_lost = 0;
  int lines_rescued = 0;
};

// One page as the pipeline saw it. `dpi` is the scan's own resolution (or the render resolution
// for vector pages); width and height are the page image's in pixels at that dpi.
struct PageRecord {
  int index = 0;  // 1-based
  double dpi = 0;
  bool native_resolution = false;  // taken from the scanner's image, not rendered
  int width = 0;
  int height = 0;
  int rotation = 0;  // degrees clockwise the page was turned before OCR: 0, 90, 180, 270
  double skew_degrees = 0;
  double skew_confidence = 0;
  double scale = 1;  // factor applied to reach the model's glyph height
  float mean_confidence = 0;
  // The page's estimated character error rate (stages/doubt.h), from `doubt`; -1 when not
  // estimated (a record written before qikan estimated it).
  double estimated_cer = -1;
  DoubtEvidence doubt;
  std::string text;
  std::vector<PageLine> lines;  // empty in records made before qikan kept them
};

// The masthead: which issue this is.
struct IssueInfo {
  std::string title;
  std::string edition;  // 普刊, 增刊
  std::optional<int> number;             // within the year
  std::optional<int> cumulative_number;  // since the first issue
  std::string publisher;
  std::string date;  // ISO 8601, e.g. 2025-07-11; empty when unreadable
};

// One line of the table of contents. A digest column printed as "信息摘登 4 则" has no title and
// a count.
struct TocEntry {
  std::string column;
  std::optional<std::string> title;
  std::optional<int> count;
  std::optional<int> page;  // the start page the contents print after the title (……3)
};

// "（建德市人大常委会办公室 唐方媛）": the contributing organization and zero or more people.
struct Attribution {
  std::string raw;
  std::string organization;
  std::vector<std::string> authors;
};

struct Article {
  std::string column;
  std::string title;
  std::optional<std::string> locality;  // 建德市 in 建德市：强化监督…
  int start_page = 0;
  int end_page = 0;
  std::vector<std::string> paragraphs;
  std::optional<Attribution> attribution;
};

// A short untitled item of a digest column (信息摘登).
struct Brief {
  std::string column;
  std::string text;
  int page = 0;
  std::optional<Attribution> attribution;
};

struct Colophon {
  std::vector<std::string> distribution;  // printed lines after 送：
  std::string editor;
  std::string phone;
};

// A change the parser made to what OCR read, with the evidence for it.
struct Correction {
  int page = 0;
  std::string field;   // e.g. "articles[3].title"
  std::string before;  // as read
  std::string after;   // as delivered
  std::string source;  // what justified it, e.g. "toc" or "heading"
};

// Something the pipeline doubts, for a person to check.
struct ReviewItem {
  int page = 0;  // 0 when it concerns the whole issue
  std::string reason;
  std::string detail;
};

struct IssueRecord {
  std::string schema = kIssueSchema;
  std::string pipeline_version;
  // The version whose parser made the structure, when `qikan reparse` made it again from the
  // archived OCR of an older version; empty: pipeline_version's parser.
  std::string parser_version;
  SourceInfo source;
  OcrProvenance ocr;
  std::vector<PageRecord> pages;
  // The structure recovered by the parser; empty when it did not run or found nothing.
  std::string profile;
  IssueInfo issue;
  std::vector<TocEntry> toc;
  std::vector<Article> articles;
  std::vector<Brief> briefs;
  Colophon colophon;
  std::vector<Correction> corrections;
  std::vector<ReviewItem> review;

  std::string Text() const;  // every page's text, pages separated by a form feed
};

void to_json(nlohmann::json& j, const SourceInfo& v);
void from_json(const nlohmann::json& j, SourceInfo& v);
void to_json(nlohmann::json& j, const ModelUsed& v);
void from_json(const nlohmann::json& j, ModelUsed& v);
void to_json(nlohmann::json& j, const OcrProvenance& v);
void from_json(const nlohmann::json& j, OcrProvenance& v);
void to_json(nlohmann::json& j, const PageLine& v);
void from_json(const nlohmann::json& j, PageLine& v);
void to_json(nlohmann::json& j, const PageRecord& v);
void from_json(const nlohmann::json& j, PageRecord& v);
void to_json(nlohmann::json& j, const ReviewItem& v);
void from_json(const nlohmann::json& j, ReviewItem& v);
void to_json(nlohmann::json& j, const IssueInfo& v);
void from_json(const nlohmann::json& j, IssueInfo& v);
void to_json(nlohmann::json& j, const TocEntry& v);
void from_json(const nlohmann::json& j, TocEntry& v);
void to_json(nlohmann::json& j, const Attribution& v);
void from_json(const nlohmann::json& j, Attribution& v);
void to_json(nlohmann::json& j, const Article& v);
void from_json(const nlohmann::json& j, Article& v);
void to_json(nlohmann::json& j, const Brief& v);
void from_json(const nlohmann::json& j, Brief& v);
void to_json(nlohmann::json& j, const Colophon& v);
void from_json(const nlohmann::json& j, Colophon& v);
void to_json(nlohmann::json& j, const Correction& v);
void from_json(const nlohmann::json& j, Correction& v);
void to_json(nlohmann::json& j, const IssueRecord& v);
void from_json(const nlohmann::json& j, IssueRecord& v);

void to_json(nlohmann::json& j, const DoubtEvidence& v);
void from_json(const nlohmann::json& j, DoubtEvidence& v);
void to_json(nlohmann::json& j, const Box& v);
void from_json(const nlohmann::json& j, Box& v);
void to_json(nlohmann::json& j, const OcrWord& v);
void from_json(const nlohmann::json& j, OcrWord& v);
void to_json(nlohmann::json& j, const OcrLine& v);
void from_json(const nlohmann::json& j, OcrLine& v);
void to_json(nlohmann::json& j, const OcrBlock& v);
void from_json(const nlohmann::json& j, OcrBlock& v);
void to_json(nlohmann::json& j, const InkGrid& v);
void from_json(const nlohmann::json& j, InkGrid& v);
void to_json(nlohmann::json& j, const OcrPage& v);
void from_json(const nlohmann::json& j, OcrPage& v);

}  // namespace qikan
