// The ALTO writer on a synthetic issue: page text, CJK spacing, block IDs, folio and running
// header, and validity against the published ALTO 4.4 schema (offline, ../shared/schemas).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "pipeline/deliverables/alto.h"
#include "tests/pipeline/xml_records.h"
#include "tests/support/xml_schema.h"

namespace qikan {
namespace {

using testing::XPathValues;

std::string Alto(const testing::XmlIssue& issue, size_t page) {
  return WriteAlto(issue.record, issue.pages[page], page);
}

TEST(Alto, StringsInReadingOrderGiveThePageText) {
  const auto issue = testing::SyntheticIssue();
  for (size_t p = 0; p < issue.pages.size(); ++p) {
    EXPECT_EQ(testing::AltoText(Alto(issue, p)), issue.record.pages[p].text) << "page " << p + 1;
  }
}

TEST(Alto, OneStringPerWordAndNoSpaceBetweenHanWords) {
  const auto issue = testing::SyntheticIssue();
  const std::string alto = Alto(issue, 0);
  // 正文 第一 行。: three words, no SP.
  const std::string body = "//alto:TextLine[alto:String/@CONTENT='正文']";
  EXPECT_EQ(XPathValues(alto, body + "/alto:String/@CONTENT"),
            (std::vector<std::string>{"正文", "第一", "行。"}));
  EXPECT_TRUE(XPathValues(alto, body + "/alto:SP").empty());
  // An SP stands exactly where the record's text has a space (用Tesseract 5.3识别).
  const std::string mixed = "//alto:TextLine[alto:String/@CONTENT='Tesseract']";
  const std::string text = WordsText(issue.pages[0].blocks[4].lines[0].words);
  EXPECT_EQ(XPathValues(alto, mixed + "/alto:SP").size(),
            static_cast<size_t>(std::count(text.begin(), text.end(), ' ')));
  EXPECT_EQ(XPathValues(alto, "//alto:SP").size(),
            static_cast<size_t>(std::count(issue.record.pages[0].text.begin(),
                                           issue.record.pages[0].text.end(), ' ')));
  // Word boxes and confidences as OCR gave them.
  EXPECT_EQ(XPathValues(alto, "//alto:String[@CONTENT='第一']/@HPOS"), std::vector<std::string>{"180"});
  EXPECT_EQ(XPathValues(alto, "//alto:String[@CONTENT='第一']/@WIDTH"), std::vector<std::string>{"80"});
  EXPECT_EQ(XPathValues(alto, "//alto:String[@CONTENT='行。']/@WC"), std::vector<std::string>{"0.55"});
}

TEST(Alto, TextTheWordsCannotBeCutIntoIsStillDeliveredWhole) {
  auto issue = testing::SyntheticIssue();
  // A reviewer's correction made the line longer than its words.
  std::string& text = issue.record.pages[0].text;
  text.replace(text.find("正文第一行。"), std::string("正文第一行。").size(), "正文 第一行很长。");
  const std::string alto = Alto(issue, 0);
  EXPECT_EQ(testing::AltoText(alto), text);
  EXPECT_EQ(XPathValues(alto, "//alto:TextLine[alto:String/@CONTENT='正文']/alto:String/@CONTENT"),
            (std::vector<std::string>{"正文", "第一行很长。"}));
}

TEST(Alto, BlockIdsAreUniqueInTheIssueAndStable) {
  const auto issue = testing::SyntheticIssue();
  std::set<std::string> ids;
  size_t count = 0;
  for (size_t p = 0; p < issue.pages.size(); ++p) {
    for (const auto& id : XPathValues(Alto(issue, p), "//alto:TextBlock/@ID")) {
      EXPECT_TRUE(std::regex_match(id, std::regex("P" + std::to_string(p + 1) + "_TB\\d{4}"))) << id;
      ids.insert(id);
      ++count;
    }
    EXPECT_EQ(Alto(issue, p), Alto(issue, p));
  }
  EXPECT_EQ(ids.size(), count);
  // One block per part: masthead, toc, heading, body (two lines), attribution, folio.
  const auto blocks = AltoBlocks(issue.record, 0);
  ASSERT_EQ(blocks.size(), 6u);
  EXPECT_EQ(blocks[3].role, "body");
  EXPECT_EQ(blocks[3].end_line - blocks[3].first_line, 2u);
  EXPECT_EQ(blocks[4].role, "attribution");
  EXPECT_EQ(blocks[4].item, 0);
}

TEST(Alto, FolioIsThePrintedPageNumberAndTheRunningHeaderIsTagged) {
  const auto issue = testing::SyntheticIssue();
  const std::string first = Alto(issue, 0);
  EXPECT_EQ(XPathValues(first, "//alto:Page/@PRINTED_IMG_NR"), std::vector<std::string>{"1"});
  EXPECT_EQ(XPathValues(first, "//alto:Page/@PHYSICAL_IMG_NR"), std::vector<std::string>{"1"});
  EXPECT_EQ(XPathValues(first, "//alto:BottomMargin/alto:TextBlock/@TAGREFS"),
            std::vector<std::string>{"TAG_PAGE_NUMBER"});
  EXPECT_EQ(XPathValues(first, "//alto:StructureTag[@ID='TAG_PAGE_NUMBER']/@TYPE"),
            std::vector<std::string>{"PageNumber"});
  const std::string second = Alto(issue, 1);
  EXPECT_EQ(XPathValues(second, "//alto:Page/@PRINTED_IMG_NR"), std::vector<std::string>{"2"});
  EXPECT_EQ(XPathValues(second, "//alto:TopMargin/alto:TextBlock/@TAGREFS"),
            std::vector<std::string>{"TAG_RUNNING_HEADER"});
  EXPECT_EQ(XPathValues(second, "//alto:sourceImageInformation/alto:fileName"),
            std::vector<std::string>{"pages/0002.jpg"});
  EXPECT_EQ(XPathValues(second, "//alto:MeasurementUnit"), std::vector<std::string>{"pixel"});
  EXPECT_EQ(XPathValues(second, "//alto:Page/@WIDTH"), std::vector<std::string>{"1000"});
}

TEST(Alto, RecordWithoutLineSourcesIsRefused) {
  auto issue = testing::SyntheticIssue();
  issue.record.pages[0].lines.clear();
  EXPECT_THROW(Alto(issue, 0), std::runtime_error);
  issue = testing::SyntheticIssue();
  issue.record.pages[1].lines[1].words.push_back(WordRef{.block = 99});
  EXPECT_THROW(Alto(issue, 1), std::runtime_error);
}

TEST(Alto, LineSourcesSurviveTheRecordJsonAndOldRecordsLoad) {
  auto issue = testing::SyntheticIssue();
  std::vector<WordRef>& words = issue.record.pages[0].lines[3].words;
  words.push_back(WordRef{.block = 7, .line = 1, .word = 4});  // a second run
  words.push_back(WordRef{.block = 7, .line = 1, .word = 5});
  words.push_back(WordRef{.block = 2, .line = 0, .word = 9});  // and a third
  const nlohmann::json json = issue.record;
  EXPECT_EQ(json["pages"][0]["lines"][3]["words"].size(), 3u);
  const IssueRecord back = json.get<IssueRecord>();
  for (size_t p = 0; p < issue.record.pages.size(); ++p) {
    const auto& lines = issue.record.pages[p].lines;
    ASSERT_EQ(back.pages[p].lines.size(), lines.size());
    for (size_t i = 0; i < lines.size(); ++i) {
      EXPECT_EQ(back.pages[p].lines[i].role, lines[i].role);
      EXPECT_EQ(back.pages[p].lines[i].item, lines[i].item);
      ASSERT_EQ(back.pages[p].lines[i].words.size(), lines[i].words.size());
      for (size_t w = 0; w < lines[i].words.size(); ++w) {
        EXPECT_EQ(back.pages[p].lines[i].words[w].block, lines[i].words[w].block);
        EXPECT_EQ(back.pages[p].lines[i].words[w].line, lines[i].words[w].line);
        EXPECT_EQ(back.pages[p].lines[i].words[w].word, lines[i].words[w].word);
      }
    }
  }
  nlohmann::json old = issue.record;
  for (auto& page : old["pages"]) page.erase("lines");
  EXPECT_TRUE(old.get<IssueRecord>().pages[0].lines.empty());
}

TEST(Alto, IsValidAlto44AndABrokenFileIsNot) {
  if (testing::SchemasDir().empty()) GTEST_SKIP() << "no ../shared/schemas beside the project";
  const auto issue = testing::SyntheticIssue();
  for (size_t p = 0; p < issue.pages.size(); ++p) {
    EXPECT_EQ(testing::SchemaErrors(Alto(issue, p), "alto-4-4.xsd"), "") << "page " << p + 1;
  }
  std::string broken = Alto(issue, 0);
  broken.replace(broken.find("CONTENT="), 7, "CONTENS");
  EXPECT_NE(testing::SchemaErrors(broken, "alto-4-4.xsd"), "");
}

}  // namespace
}  // namespace qikan

namespace qikan {
namespace {

// Each page says what read it: Tesseract's version, the model files by sha256, the settings hash.
TEST(Alto, TheOcrEngineAndItsModelsAreAProcessingStep) {
  const auto issue = testing::SyntheticIssue();
  const std::string alto = Alto(issue, 0);
  const std::string step = "//alto:Processing[@ID='PROCESSING_2']";
  EXPECT_EQ(XPathValues(alto, step + "/alto:processingSoftware/alto:softwareName"),
            std::vector<std::string>{"Tesseract"});
  EXPECT_EQ(XPathValues(alto, step + "/alto:processingSoftware/alto:softwareVersion"),
            std::vector<std::string>{"5.3.0"});
  EXPECT_EQ(XPathValues(alto, step + "/alto:processingStepSettings"),
            std::vector<std::string>{"page model chi_sim: chi_sim.traineddata sha256=" +
                                     std::string(64, 'a') + "; settings_hash=5e77"});
  testing::XmlIssue old = issue;
  old.record.ocr = {};  // a record from before: no such step
  EXPECT_TRUE(XPathValues(Alto(old, 0), step).empty());
}

}  // namespace
}  // namespace qikan
