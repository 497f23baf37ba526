#pragma once

// A small synthetic issue for the ALTO and METS writers' tests: two pages with a running header,
// a folio, an article's heading, body and attribution, a line mixing Latin and Han, a brief.
#include <string>
#include <vector>

#include "models/ocr_page.h"
#include "models/record.h"
#include "models/text.h"
#include "stages/layout.h"

namespace qikan::testing {

struct XmlIssue {
  IssueRecord record;
  std::vector<OcrPage> pages;
};

inline OcrWord Word(const std::string& text, int x, int y, float confidence = 90) {
  return OcrWord{.text = text,
                 .box = Box{.x = x, .y = y, .width = 40 * static_cast<int>(ToU32(text).size()), .height = 40},
                 .confidence = confidence};
}

// Adds a line of words as a block of its own and as the page's next line of text, with its role.
inline void AddLine(XmlIssue& issue, size_t page, std::vector<OcrWord> words, const std::string& role,
                    int item = -1) {
  OcrPage& ocr = issue.pages[page];
  OcrLine line{.words = words};
  line.RebuildFromWords();
  ocr.blocks.push_back(OcrBlock{.box = line.box, .lines = {line}});
  PageLine source{.role = role, .item = item};
  for (size_t w = 0; w < words.size(); ++w) {
    source.words.push_back(WordRef{.block = static_cast<int>(ocr.blocks.size() - 1), .line = 0,
                                   .word = static_cast<int>(w)});
  }
  PageRecord& record = issue.record.pages[page];
  record.lines.push_back(source);
  record.text += WordsText(words) + "\n";
}

inline XmlIssue SyntheticIssue() {
  XmlIssue issue;
  IssueRecord& r = issue.record;
  r.pipeline_version = "0.test";
  r.source = SourceInfo{.file = "synthetic.pdf", .sha256 = "ab12", .pages = 2};
  r.profile = "hangzhou-renda-xinxi";
  r.ocr = OcrProvenance{.engine = "Tesseract 5.3.0",
                        .models = {{.role = "page model chi_sim",
                                    .file = "chi_sim.traineddata",
                                    .sha256 = std::string(64, 'a')}},
                        .settings_hash = "5e77"};
  r.issue = IssueInfo{.title = "杭州人大信息", .edition = "普刊", .number = 5, .cumulative_number = 711,
                      .publisher = "杭州市人大常委会办公厅", .date = "2025-07-11"};
  for (int p = 1; p <= 2; ++p) {
    r.pages.push_back(PageRecord{.index = p, .dpi = 300, .width = 1000, .height = 1400});
    issue.pages.push_back(OcrPage{.width = 1000, .height = 1400});
  }
  AddLine(issue, 0, {Word("杭州人大信息", 300, 20)}, "masthead");
  AddLine(issue, 0, {Word("目录", 100, 200)}, "toc");
  AddLine(issue, 0, {Word("建德市：", 100, 300), Word("强化", 260, 300), Word("监督", 340, 300)}, "heading", 0);
  AddLine(issue, 0, {Word("正文", 100, 360), Word("第一", 180, 360), Word("行。", 260, 360, 55)}, "body", 0);
  AddLine(issue, 0, {Word("用", 100, 420), Word("Tesseract", 150, 420), Word("5.3", 520, 420), Word("识别", 660, 420)},
          "body", 0);
  AddLine(issue, 0, {Word("（建德市人大常委会办公室", 300, 480), Word("唐方媛）", 800, 480)}, "attribution", 0);
  AddLine(issue, 0, {Word("—", 440, 1340), Word("1", 480, 1340), Word("—", 520, 1340)}, "footer");
  AddLine(issue, 1, {Word("杭州人大信息", 300, 20)}, "header");
  AddLine(issue, 1, {Word("人大", 100, 300), Word("工作", 180, 300)}, "heading", 1);
  AddLine(issue, 1, {Word("第二篇", 100, 360), Word("正文。", 220, 360)}, "body", 1);
  AddLine(issue, 1, {Word("一则", 100, 600), Word("简讯。", 180, 600)}, "brief", 0);
  AddLine(issue, 1, {Word("（余杭区人大", 100, 660), Word("符腾）", 380, 660)}, "brief-attribution", 0);
  AddLine(issue, 1, {Word("送：", 100, 1200), Word("各区人大", 180, 1200)}, "colophon");
  AddLine(issue, 1, {Word("2", 480, 1340)}, "footer");
  r.toc = {TocEntry{.column = "基层动态", .title = "建德市：强化监督", .page = 1}};
  r.articles = {
      Article{.column = "基层动态", .title = "建德市：强化监督", .locality = "建德市", .start_page = 1,
              .end_page = 1, .paragraphs = {"正文第一行。"},
              .attribution = Attribution{.raw = "（建德市人大常委会办公室 唐方媛）",
                                         .organization = "建德市人大常委会办公室", .authors = {"唐方媛"}}},
      Article{.column = "工作研究", .title = "人大工作", .start_page = 2, .end_page = 2,
              .paragraphs = {"第二篇正文。"}}};
  r.briefs = {Brief{.column = "信息摘登", .text = "一则简讯。", .page = 2,
                    .attribution = Attribution{.raw = "（余杭区人大 符腾）", .organization = "余杭区人大",
                                               .authors = {"符腾"}}}};
  return issue;
}

}  // namespace qikan::testing
