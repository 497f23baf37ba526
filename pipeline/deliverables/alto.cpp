#include "pipeline/deliverables/alto.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/text.h"
#include "pipeline/deliverables/xml_writer.h"
#include "pipeline/version.h"
#include "stages/layout.h"

namespace qikan {
namespace {

constexpr const char* kAltoNamespace = "http://www.loc.gov/standards/alto/ns-v4#";
constexpr const char* kAltoSchema = "http://www.loc.gov/standards/alto/v4/alto-4-4.xsd";
constexpr const char* kPageNumberTag = "TAG_PAGE_NUMBER";
constexpr const char* kRunningHeaderTag = "TAG_RUNNING_HEADER";

bool IsFurniture(const std::string& role) { return role == "header" || role == "footer"; }

std::vector<std::string> TextLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

// A folio line is a number with at most dashes or dots around it ("— 3 —"); its number.
std::string FolioOf(const std::string& text) {
  static const std::u32string kAround = U" —–-一－_~·•";
  std::string digits;
  for (char32_t c : ToU32(text)) {
    if (c >= U'0' && c <= U'9') {
      digits += static_cast<char>(c);
    } else if (kAround.find(c) == std::u32string::npos) {
      return {};
    }
  }
  return digits.size() <= 3 ? digits : std::string();
}

// One String or SP of a TextLine.
struct Token {
  std::string content;  // empty for an SP
  Box box;
  float confidence = 0;  // 0..100
};

const OcrWord& WordAt(const OcrPage& ocr, const WordRef& ref, int page) {
  const auto bad = [&] {
    return std::runtime_error(fmt::format("page {}: the record names OCR word [{}, {}, {}], which "
                                          "pages/{:04d}.json does not have",
                                          page, ref.block, ref.line, ref.word, page));
  };
  if (ref.block < 0 || static_cast<size_t>(ref.block) >= ocr.blocks.size()) throw bad();
  const auto& lines = ocr.blocks[static_cast<size_t>(ref.block)].lines;
  if (ref.line < 0 || static_cast<size_t>(ref.line) >= lines.size()) throw bad();
  const auto& words = lines[static_cast<size_t>(ref.line)].words;
  if (ref.word < 0 || static_cast<size_t>(ref.word) >= words.size()) throw bad();
  return words[static_cast<size_t>(ref.word)];
}

// The delivered line cut into its words: each OCR word's delivered text (WordsText) takes as
// many characters of the line, and a space of the line between two words is an SP. The line's
// text is the record's (review corrections, mended brackets), so when it cannot be cut that way
// it is cut at its spaces, each part over its share of the line's box: the Strings always give
// the line.
std::vector<Token> Tokenize(const std::u32string& text, const std::vector<OcrWord>& words) {
  std::vector<Token> tokens;
  size_t pos = 0;
  bool fits = true;
  for (size_t i = 0; i < words.size() && fits; ++i) {
    const size_t length = ToU32(WordsText({words[i]})).size();
    if (length == 0) continue;
    if (!tokens.empty() && pos < text.size() && text[pos] == U' ') {
      const Box& left = tokens.back().box;
      tokens.push_back(Token{.box = Box{.x = left.Right(), .y = left.y,
                                        .width = std::max(0, words[i].box.x - left.Right()),
                                        .height = left.height}});
      ++pos;
    }
    if (pos > text.size()) {
      fits = false;
      break;
    }
    const std::u32string part = text.substr(pos, length);
    fits = part.size() == length && part.find(U' ') == std::u32string::npos;
    tokens.push_back(Token{.content = ToUtf8(part), .box = words[i].box,
                           .confidence = words[i].confidence});
    pos += length;
  }
  if (fits && pos == text.size()) return tokens;

  tokens.clear();
  const Box line = WordsBox(words);
  float confidence = 0;
  for (const auto& word : words) confidence += word.confidence;
  if (!words.empty()) confidence /= static_cast<float>(words.size());
  const double share = text.empty() ? 0 : static_cast<double>(line.width) / static_cast<double>(text.size());
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(U' ', start);
    if (end == std::u32string::npos) end = text.size();
    const Box box{.x = line.x + static_cast<int>(share * static_cast<double>(start)), .y = line.y,
                  .width = std::max(1, static_cast<int>(share * static_cast<double>(end - start))),
                  .height = line.height};
    if (end > start) {
      if (!tokens.empty()) {
        const Box& left = tokens.back().box;
        tokens.push_back(Token{.box = Box{.x = left.Right(), .y = line.y,
                                          .width = std::max(0, box.x - left.Right()), .height = line.height}});
      }
      tokens.push_back(Token{.content = ToUtf8(text.substr(start, end - start)), .box = box,
                             .confidence = confidence});
    }
    start = end + 1;
  }
  return tokens;
}

void Geometry(XmlWriter& xml, const Box& box) {
  xml.Attribute("HPOS", box.x).Attribute("VPOS", box.y).Attribute("WIDTH", box.width)
      .Attribute("HEIGHT", box.height);
}

struct PreparedLine {
  std::string id;
  Box box;
  std::vector<Token> tokens;
};

struct PreparedBlock {
  AltoBlock block;
  Box box;
  std::string tag;  // TAGREFS
  std::vector<PreparedLine> lines;
};

void WriteBlock(XmlWriter& xml, const PreparedBlock& block, const std::string& next) {
  xml.Start("TextBlock").Attribute("ID", block.block.id);
  Geometry(xml, block.box);
  if (!next.empty()) xml.Attribute("IDNEXT", next);
  if (!block.tag.empty()) xml.Attribute("TAGREFS", block.tag);
  for (const auto& line : block.lines) {
    xml.Start("TextLine").Attribute("ID", line.id);
    Geometry(xml, line.box);
    for (const auto& token : line.tokens) {
      if (token.content.empty()) {
        xml.Start("SP").Attribute("WIDTH", token.box.width).Attribute("HPOS", token.box.x)
            .Attribute("VPOS", token.box.y).End();
        continue;
      }
      xml.Start("String").Attribute("CONTENT", token.content);
      Geometry(xml, token.box);
      xml.Attribute("WC", fmt::format("{:.2f}", std::clamp(token.confidence / 100.0f, 0.0f, 1.0f)))
          .End();
    }
    xml.End();
  }
  xml.End();
}

}  // namespace

std::string AltoPath(int page) { return fmt::format("alto/{:04d}.xml", page); }

std::vector<AltoBlock> AltoBlocks(const IssueRecord& record, size_t page_index) {
  const PageRecord& page = record.pages.at(page_index);
  const size_t text_lines = TextLines(page.text).size();
  if (page.lines.size() != text_lines) {
    throw std::runtime_error(
        page.lines.empty()
            ? fmt::format("page {}: the record keeps no line sources (made by qikan {}); "
                          "`qikan reparse --archive DIR KEY` rebuilds it", page.index, record.pipeline_version)
            : fmt::format("page {}: the page text has {} lines and the record {} line sources",
                          page.index, text_lines, page.lines.size()));
  }
  std::vector<AltoBlock> blocks;
  for (size_t i = 0; i < page.lines.size(); ++i) {
    const PageLine& line = page.lines[i];
    const bool same = !blocks.empty() && !IsFurniture(line.role) &&
                      blocks.back().role == line.role && blocks.back().item == line.item &&
                      page.lines[i - 1].column == line.column;
    if (same) {
      blocks.back().end_line = i + 1;
      continue;
    }
    blocks.push_back(AltoBlock{.id = fmt::format("P{}_TB{:04d}", page.index, blocks.size() + 1),
                               .role = line.role, .item = line.item, .first_line = i,
                               .end_line = i + 1});
  }
  return blocks;
}

std::string PrintedPageNumber(const IssueRecord& record, size_t page_index) {
  const PageRecord& page = record.pages.at(page_index);
  const std::vector<std::string> texts = TextLines(page.text);
  for (size_t i = 0; i < page.lines.size() && i < texts.size(); ++i) {
    if (!IsFurniture(page.lines[i].role)) continue;
    if (std::string number = FolioOf(texts[i]); !number.empty()) return number;
  }
  return {};
}

std::string WriteAlto(const IssueRecord& record, const OcrPage& ocr, size_t page_index) {
  const PageRecord& page = record.pages.at(page_index);
  const std::vector<std::string> texts = TextLines(page.text);
  std::vector<PreparedBlock> blocks;
  std::string folio;
  int line_number = 0;
  for (const AltoBlock& block : AltoBlocks(record, page_index)) {
    PreparedBlock prepared{.block = block};
    for (size_t i = block.first_line; i < block.end_line; ++i) {
      std::vector<OcrWord> words;
      for (const WordRef& ref : page.lines[i].words) words.push_back(WordAt(ocr, ref, page.index));
      PreparedLine line{.id = fmt::format("P{}_TL{:04d}", page.index, ++line_number),
                        .box = WordsBox(words), .tokens = Tokenize(ToU32(texts[i]), words)};
      prepared.box = prepared.box.Empty() ? line.box : prepared.box.Union(line.box);
      if (IsFurniture(block.role)) {
        const std::string number = FolioOf(texts[i]);
        prepared.tag = number.empty() ? kRunningHeaderTag : kPageNumberTag;
        if (!number.empty() && folio.empty()) folio = number;
      }
      prepared.lines.push_back(std::move(line));
    }
    blocks.push_back(std::move(prepared));
  }

  XmlWriter xml;
  xml.Start("alto").Attribute("xmlns", kAltoNamespace)
      .Attribute("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
      .Attribute("xsi:schemaLocation", std::string(kAltoNamespace) + " " + kAltoSchema)
      .Attribute("SCHEMAVERSION", "4.4");
  xml.Start("Description").Element("MeasurementUnit", "pixel");
  xml.Start("sourceImageInformation").Element("fileName", fmt::format("pages/{:04d}.jpg", page.index))
      .End();
  const std::string made_by = record.pipeline_version.empty() ? QIKAN_VERSION : record.pipeline_version;
  xml.Start("Processing").Attribute("ID", "PROCESSING_1")
      .Element("processingCategory", "contentGeneration")
      .Element("processingStepDescription",
               "rasterized, deskewed and turned upright, cleaned up; read by Tesseract (qikan's "
               "chosen chi_sim model, attribution lines by a vote of models); lines put into "
               "reading order and parsed into masthead, contents, articles, briefs and colophon")
      .Element("processingStepSettings",
               fmt::format("profile={}; dpi={}; rotation={}; skew_degrees={:.2f}; scale={:.3f}",
                           record.profile.empty() ? "none" : record.profile, page.dpi,
                           page.rotation, page.skew_degrees, page.scale))
      .Start("processingSoftware")
      .Element("softwareCreator", "qikan")
      .Element("softwareName", "qikan")
      .Element("softwareVersion", made_by)
      .End()
      .End();
  if (!record.ocr.empty()) {
    // The OCR engine and each model file it loaded, by name and sha256.
    std::vector<std::string> models;
    for (const ModelUsed& model : record.ocr.models) {
      models.push_back(fmt::format("{}: {} sha256={}", model.role, model.file,
                                   model.sha256.empty() ? "unknown" : model.sha256));
    }
    if (!record.ocr.settings_hash.empty()) models.push_back("settings_hash=" + record.ocr.settings_hash);
    const size_t space = record.ocr.engine.find(' ');
    xml.Start("Processing").Attribute("ID", "PROCESSING_2")
        .Element("processingCategory", "contentGeneration")
        .Element("processingStepDescription", "optical character recognition")
        .Element("processingStepSettings", fmt::format("{}", fmt::join(models, "; ")))
        .Start("processingSoftware")
        .Element("softwareCreator", "Tesseract OCR")
        .Element("softwareName", record.ocr.engine.substr(0, space))
        .Element("softwareVersion", space == std::string::npos ? "" : record.ocr.engine.substr(space + 1))
        .End()
        .End();
  }
  xml.End();  // Description
  xml.Start("Tags")
      .Start("StructureTag").Attribute("ID", kPageNumberTag).Attribute("TYPE", "PageNumber")
      .Attribute("LABEL", "page number").End()
      .Start("StructureTag").Attribute("ID", kRunningHeaderTag).Attribute("TYPE", "RunningHeader")
      .Attribute("LABEL", "running header").End()
      .End();

  const int width = ocr.width > 0 ? ocr.width : page.width;
  const int height = ocr.height > 0 ? ocr.height : page.height;
  xml.Start("Layout").Start("Page").Attribute("ID", fmt::format("P{}", page.index))
      .Attribute("WIDTH", width).Attribute("HEIGHT", height)
      .Attribute("PHYSICAL_IMG_NR", page.index).Attribute("PROCESSINGREFS", "PROCESSING_1");
  if (!folio.empty()) xml.Attribute("PRINTED_IMG_NR", folio);

  // Reading order: header, body, footer, whatever element holds each block.
  const auto next_of = [&](size_t k) {
    return k + 1 < blocks.size() ? blocks[k + 1].block.id : std::string();
  };
  const auto write_space = [&](const char* name, const std::string& role, const std::string& id) {
    Box box;
    for (const auto& block : blocks) {
      if (block.block.role == role || (role.empty() && !IsFurniture(block.block.role))) {
        box = box.Empty() ? block.box : box.Union(block.box);
      }
    }
    if (box.Empty() && role.empty()) box = Box{.x = 0, .y = 0, .width = width, .height = height};
    if (box.Empty()) return;
    xml.Start(name).Attribute("ID", id);
    Geometry(xml, box);
    for (size_t k = 0; k < blocks.size(); ++k) {
      const std::string& r = blocks[k].block.role;
      if (r == role || (role.empty() && !IsFurniture(r))) WriteBlock(xml, blocks[k], next_of(k));
    }
    xml.End();
  };
  write_space("TopMargin", "header", fmt::format("P{}_TM", page.index));
  write_space("BottomMargin", "footer", fmt::format("P{}_BM", page.index));
  write_space("PrintSpace", "", fmt::format("P{}_PS", page.index));
  xml.End().End().End();  // Page, Layout, alto
  return xml.Finish();
}

std::vector<ArchiveFile> WriteAltoFiles(const DeliverableSources& sources) {
  const IssueRecord& record = sources.record;
  if (sources.pages.size() != record.pages.size()) {
    throw std::runtime_error(fmt::format("{} pages of OCR for {} pages of record",
                                         sources.pages.size(), record.pages.size()));
  }
  std::vector<ArchiveFile> files;
  for (size_t i = 0; i < record.pages.size(); ++i) {
    files.push_back({.path = AltoPath(record.pages[i].index), .bytes = WriteAlto(record, sources.pages[i], i)});
  }
  return files;
}

}  // namespace qikan
