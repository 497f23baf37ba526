// The masthead's fields are right or flagged (issue 13): a date or number read from doubtful
// digits is kept with a review item naming the field, a date that is no calendar date is left
// empty and flagged, an edition the publication does not print is flagged, and a publication
// without a profile keeps the title its masthead prints, flagged, with no invented fields.
#include <gtest/gtest.h>

#include <algorithm>

#include "models/profile.h"
#include "stages/structure.h"
#include "tests/support/text_page.h"

namespace qikan {
namespace {

const PublicationProfile& Hangzhou() {
  static const PublicationProfile profile =
      LoadProfile(testing::SourcePath("models/profiles/hangzhou-renda-xinxi.json"));
  return profile;
}

const PublicationProfile& Generic() {
  static const PublicationProfile profile =
      LoadProfile(testing::SourcePath("models/profiles/generic.json"));
  return profile;
}

// A line of page 1 whose words are the space-separated parts of `spaced`, each read at
// `confidence` unless `confidences` names its own.
LayoutLine MakeLine(const std::string& spaced, double glyph_ratio = 1.0, float confidence = 95,
                    std::vector<std::pair<std::string, float>> confidences = {}) {
  LayoutLine line{.page = 1, .glyph_ratio = glyph_ratio, .glyph_px = 36};
  int x = 200;
  size_t start = 0;
  while (start < spaced.size()) {
    size_t end = spaced.find(' ', start);
    if (end == std::string::npos) end = spaced.size();
    const std::string text = spaced.substr(start, end - start);
    start = end + 1;
    if (text.empty()) continue;
    float conf = confidence;
    for (const auto& [word, c] : confidences) {
      if (word == text) conf = c;
    }
    const int width = static_cast<int>(36 * glyph_ratio * text.size() / 3);
    line.words.push_back(
        OcrWord{.text = text, .box = Box{x, 300, width, static_cast<int>(36 * glyph_ratio)}, .confidence = conf});
    line.text += text;
    x += width + 4;
  }
  line.spaced_text = line.text;
  line.confidence = confidence;
  line.box = Box{200, 300, x - 200, static_cast<int>(36 * glyph_ratio)};
  line.indent = 0;
  line.right_gap = 0;
  return line;
}

IssueLayout Masthead(std::vector<LayoutLine> lines) {
  IssueLayout layout;
  layout.body_glyph_px = 36;
  layout.lines = std::move(lines);
  return layout;
}

std::vector<ReviewItem> ItemsFor(const ParsedIssue& parsed, const std::string& reason) {
  std::vector<ReviewItem> out;
  std::copy_if(parsed.review.begin(), parsed.review.end(), std::back_inserter(out),
               [&](const ReviewItem& r) { return r.reason == reason; });
  return out;
}

ParsedIssue ParseMasthead(const std::string& date_line, const std::string& edition = "（普 刊）",
                          std::vector<std::pair<std::string, float>> confidences = {},
                          const PublicationProfile& profile = Hangzhou()) {
  std::vector<LayoutLine> lines = {MakeLine("杭州 人大 信息", 3.0), MakeLine(edition),
                                   MakeLine("第 5 期 （总 第 711 期）", 1.0, 95, confidences),
                                   MakeLine(date_line, 1.0, 95, confidences), MakeLine("目 录")};
  return ParseStructure(Masthead(std::move(lines)), profile, StructureOptions{});
}

TEST(Masthead, AConfidentDateIsTakenWithoutAReviewItem) {
  const ParsedIssue parsed = ParseMasthead("杭州市人大常委会研究室编 2025 年 7 月 11 日");
  EXPECT_EQ(parsed.issue.date, "2025-07-11");
  EXPECT_EQ(parsed.issue.number, 5);
  EXPECT_EQ(parsed.issue.cumulative_number, 711);
  EXPECT_EQ(parsed.issue.edition, "普刊");
  EXPECT_TRUE(ItemsFor(parsed, "masthead-date").empty());
  EXPECT_TRUE(ItemsFor(parsed, "masthead-number").empty());
  EXPECT_TRUE(ItemsFor(parsed, "masthead-edition").empty());
}

// The date line of ParseMasthead with the word `word` boxed `digits` digits wide (a digit as wide
// as the line's numbers' digits).
ParsedIssue ParseDateBoxed(const std::string& date_line, const std::string& word, int digits) {
  std::vector<LayoutLine> lines = {MakeLine("杭州 人大 信息", 3.0), MakeLine("（普 刊）"),
                                   MakeLine("第 5 期 （总 第 711 期）"), MakeLine(date_line), MakeLine("目 录")};
  LayoutLine& date = lines[3];
  int digit_px = 0;
  for (const auto& w : date.words) {
    if (w.text == "2025") digit_px = w.box.width / 4;
  }
  for (auto& w : date.words) {
    if (w.text == word) w.box.width = digits * digit_px;
  }
  return ParseStructure(Masthead(std::move(lines)), Hangzhou(), StructureOptions{});
}

// The date read as `date`, and one review item naming it and the marks it was read from.
void ExpectDateFlagged(const ParsedIssue& parsed, const std::string& date, const std::string& marks) {
  EXPECT_EQ(parsed.issue.date, date);
  const auto items = ItemsFor(parsed, "masthead-date");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_NE(items[0].detail.find(date), std::string::npos) << items[0].detail;
  EXPECT_NE(items[0].detail.find(marks), std::string::npos) << items[0].detail;
}

TEST(Masthead, ADateReadFromALookAlikeMarkIsFlagged) {
  // 2025 年 7 月 11 日 read "7月1]日" with the word boxed one digit wide: the day comes out 1,
  // and must not pass unnoticed.
  ExpectDateFlagged(ParseDateBoxed("杭州市人大常委会研究室编 2025 年 7 月 1] 日", "1]", 1), "2025-07-01", "1]");
}

// tune2 t24: 2025 年 10 月 11 日 read "10月1I!日", the word "1I!" boxed as wide as two of the
// line's digits: a stroke after a 1 is that 1's serif in a word one digit wide, a second 1 in a
// word two digits wide. Read so, and flagged all the same.
TEST(Masthead, StrokesAfterADigitAreCountedByTheirWordsWidth) {
  ExpectDateFlagged(ParseDateBoxed("杭州市人大常委会研究室编 2025 年 10 月 1I! 日", "1I!", 2), "2025-10-11", "1I");
  ExpectDateFlagged(ParseDateBoxed("杭州市人大常委会研究室编 2025 年 7 月 1] 日", "1]", 2), "2025-07-11", "1]");
}

TEST(Masthead, ADayReadAsStrokesAloneIsReadAndFlagged) {
  // 2025 年 7 月 11 日 read "7月]l日" (the seed's degraded page at a slightly other angle): no
  // digit at all, so no date was found. Two strokes before 日 are the day 11, and a guess to
  // check (the digit check names the look-alike marks).
  const ParsedIssue parsed = ParseMasthead("杭州市人大常委会研究室编 2025 年 7 月 ]l 日");
  EXPECT_EQ(parsed.issue.date, "2025-07-11");
  const auto items = ItemsFor(parsed, "masthead-date");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_NE(items[0].detail.find("look-alike"), std::string::npos) << items[0].detail;
}

TEST(Masthead, ADateWithAStrayMarkBesideItsDayIsFlagged) {
  const ParsedIssue parsed = ParseMasthead("杭州市人大常委会研究室编 2019 年 6 月 28 和 日");
  EXPECT_EQ(parsed.issue.date, "2019-06-28");
  EXPECT_EQ(ItemsFor(parsed, "masthead-date").size(), 1u);
}

// order12 o08, order27 r12 (office, colour-200): 月 read as 崩 or 同, 日 as 目.
TEST(Masthead, ADateWhose月WasMisreadIsReadAndFlagged) {
  for (const auto& [line, date] : std::vector<std::pair<std::string, std::string>>{
           {"杭州市人大常委会研究室编 2021 年 5 崩 20 目", "2021-05-20"},
           {"杭州市人大常委会研究室编 2020 年 7 同 21 日", "2020-07-21"}}) {
    const ParsedIssue parsed = ParseMasthead(line);
    EXPECT_EQ(parsed.issue.date, date) << line;
    const auto items = ItemsFor(parsed, "masthead-date");
    ASSERT_EQ(items.size(), 1u) << line;
    EXPECT_NE(items[0].detail.find("月 read as"), std::string::npos) << items[0].detail;
  }
  // Nor does it make a date of one that is none: 2 月 30 日 with 月 misread stays empty.
  const ParsedIssue none = ParseMasthead("杭州市人大常委会研究室编 2025 年 2 同 30 日");
  EXPECT_EQ(none.issue.date, "");
  EXPECT_EQ(ItemsFor(none, "masthead-date").size(), 1u);
}

TEST(Masthead, DigitsReadWithLittleConfidenceAreFlagged) {
  const ParsedIssue parsed =
      ParseMasthead("杭州市人大常委会研究室编 2025 年 7 月 17 日", "（普 刊）", {{"17", 36}});
  const auto items = ItemsFor(parsed, "masthead-date");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_NE(items[0].detail.find("17"), std::string::npos);
  EXPECT_EQ(ItemsFor(parsed, "masthead-number").size(), 0u);
  const ParsedIssue number =
      ParseMasthead("杭州市人大常委会研究室编 2025 年 7 月 11 日", "（普 刊）", {{"711", 30}});
  EXPECT_EQ(ItemsFor(number, "masthead-number").size(), 1u);
}

TEST(Masthead, ADateThatIsNoCalendarDateIsLeftEmptyAndFlagged) {
  for (const std::string line : {"杭州市人大常委会研究室编 2025 年 2 月 30 日",
                                 "杭州市人大常委会研究室编 2025 年 13 月 1 日",
                                 "杭州市人大常委会研究室编 1925 年 3 月 1 日"}) {
    const ParsedIssue parsed = ParseMasthead(line);
    EXPECT_EQ(parsed.issue.date, "") << line;
    const auto items = ItemsFor(parsed, "masthead-date");
    ASSERT_EQ(items.size(), 1u) << line;
    EXPECT_NE(items[0].detail.find("not a calendar date"), std::string::npos) << items[0].detail;
  }
}

TEST(Masthead, AnyEditionIsReadAndOneThePublicationDoesNotPrintIsFlagged) {
  EXPECT_EQ(ParseMasthead("杭州市人大常委会研究室编 2025 年 7 月 11 日", "（特 刊）").issue.edition,
            "特刊");
  EXPECT_TRUE(ItemsFor(ParseMasthead("杭州市人大常委会研究室编 2025 年 7 月 11 日", "（特 刊）"),
                       "masthead-edition")
                  .empty());
  const ParsedIssue misread = ParseMasthead("杭州市人大常委会研究室编 2025 年 7 月 11 日", "（培 刊）");
  EXPECT_EQ(misread.issue.edition, "培刊");
  EXPECT_EQ(ItemsFor(misread, "masthead-edition").size(), 1u);
  // A bracket lost or a stray mark: the edition's characters still say it.
  for (const std::string line : {"（增刊", "（增.刊）", "增_刊）"}) {
    const ParsedIssue mended = ParseMasthead("杭州市人大常委会研究室编 2025 年 7 月 11 日", line);
    EXPECT_EQ(mended.issue.edition, "增刊") << line;
    EXPECT_TRUE(ItemsFor(mended, "masthead-edition").empty()) << line;
  }
}

// 刊 misread, or the edition's own character lost: never an empty edition without a word.
TEST(Masthead, AnEditionLineOcrMisreadIsFlaggedWithWhatWasRead) {
  const ParsedIssue kan = ParseMasthead("杭州市人大常委会研究室编 2025 年 7 月 11 日", "（普有");
  EXPECT_EQ(kan.issue.edition, "普刊");
  ASSERT_EQ(ItemsFor(kan, "masthead-edition").size(), 1u);
  EXPECT_NE(ItemsFor(kan, "masthead-edition")[0].detail.find("（普有"), std::string::npos);
  // tune2 t13: "（普 刊）" read "（普", 刊 and the bracket lost.
  const ParsedIssue no_kan = ParseMasthead("杭州市人大常委会研究室编 2025 年 7 月 11 日", "（普");
  EXPECT_EQ(no_kan.issue.edition, "普刊");
  ASSERT_EQ(ItemsFor(no_kan, "masthead-edition").size(), 1u);
  EXPECT_NE(ItemsFor(no_kan, "masthead-edition")[0].detail.find("刊 lost"), std::string::npos);
  const ParsedIssue lost = ParseMasthead("杭州市人大常委会研究室编 2025 年 7 月 11 日", ".刊");
  EXPECT_EQ(lost.issue.edition, "");
  ASSERT_EQ(ItemsFor(lost, "masthead-edition").size(), 1u);
  EXPECT_NE(ItemsFor(lost, "masthead-edition")[0].detail.find(".刊"), std::string::npos);
  // With no list of editions to check it, the generic profile flags an edition read doubtfully.
  std::vector<LayoutLine> lines = {MakeLine("西湖 人大", 3.2), MakeLine("者刊"),
                                   MakeLine("第 3 期 （总 第 152 期）"),
                                   MakeLine("西湖区人大常委会办公室编 2023 年 11 月 8 日")};
  const ParsedIssue generic = ParseStructure(Masthead(std::move(lines)), Generic(), StructureOptions{});
  EXPECT_EQ(ItemsFor(generic, "masthead-edition").size(), 1u);
  EXPECT_EQ(generic.issue.number, 3);
}

// A district newsletter of the same kind, its title two characters from the profile's: kept as
// printed, never replaced by the profile's, and flagged. One character misread is the profile's.
TEST(Masthead, AnotherPublicationsTitleIsKeptAsReadNotTheProfiles) {
  std::vector<LayoutLine> lines = {MakeLine("余杭 人大 信息", 3.0), MakeLine("（特 刊）"),
                                   MakeLine("第 3 期 （总 第 152 期）"),
                                   MakeLine("余杭区人大常委会办公室编 2023 年 11 月 8 日")};
  const ParsedIssue parsed = ParseStructure(Masthead(std::move(lines)), Hangzhou(), StructureOptions{});
  EXPECT_EQ(parsed.issue.title, "余杭人大信息");
  ASSERT_EQ(ItemsFor(parsed, "masthead-title").size(), 1u);
  EXPECT_NE(ItemsFor(parsed, "masthead-title")[0].detail.find("余杭人大信息"), std::string::npos);
  std::vector<LayoutLine> misread = {MakeLine("杭洲 人大 信息", 3.0), MakeLine("（普 刊）"),
                                     MakeLine("第 3 期 （总 第 152 期）"),
                                     MakeLine("杭州市人大常委会研究室编 2023 年 11 月 8 日")};
  const ParsedIssue mended = ParseStructure(Masthead(std::move(misread)), Hangzhou(), StructureOptions{});
  EXPECT_EQ(mended.issue.title, "杭州人大信息");
  EXPECT_TRUE(ItemsFor(mended, "masthead-title").empty());
}

// OCR's common slips on the masthead's lines: 编 read 纺, 日 read 晶 at the line's end, the
// bracket before 总 read as a backslash. The values are still read; the date's slip is flagged.
TEST(Masthead, MisreadMarksAroundTheNumbersStillGiveTheFields) {
  std::vector<LayoutLine> lines = {MakeLine("西湖 人大", 3.2), MakeLine("（特 刊）"),
                                   MakeLine("第 4 期 \\总 第 674 期）"),
                                   MakeLine("西湖区人大常委会办公室纺 2023 年 1 月 21 晶")};
  const ParsedIssue parsed = ParseStructure(Masthead(std::move(lines)), Generic(), StructureOptions{});
  EXPECT_EQ(parsed.issue.number, 4);
  EXPECT_EQ(parsed.issue.cumulative_number, 674);
  EXPECT_EQ(parsed.issue.publisher, "西湖区人大常委会办公室");
  EXPECT_EQ(parsed.issue.date, "2023-01-21");
  EXPECT_EQ(ItemsFor(parsed, "masthead-date").size(), 1u);
  EXPECT_TRUE(ItemsFor(parsed, "masthead-number").empty());
  EXPECT_TRUE(ItemsFor(parsed, "masthead-publisher").empty());
}

TEST(Masthead, WithTheGenericProfileTheTitleIsTheLargestPrintAndFlagged) {
  std::vector<LayoutLine> lines = {MakeLine("西湖 人大", 3.2), MakeLine("（特 刊）"),
                                   MakeLine("第 3 期 （总 第 152 期）"),
                                   MakeLine("西湖区人大常委会办公室编 2023 年 11 月 8 日"),
                                   MakeLine("目 录")};
  const ParsedIssue parsed = ParseStructure(Masthead(std::move(lines)), Generic(), StructureOptions{});
  EXPECT_EQ(parsed.issue.title, "西湖人大");
  EXPECT_EQ(parsed.issue.edition, "特刊");
  EXPECT_EQ(parsed.issue.number, 3);
  EXPECT_EQ(parsed.issue.cumulative_number, 152);
  EXPECT_EQ(parsed.issue.publisher, "西湖区人大常委会办公室");
  EXPECT_EQ(parsed.issue.date, "2023-11-08");
  EXPECT_EQ(ItemsFor(parsed, "masthead-title").size(), 1u);
  EXPECT_TRUE(ItemsFor(parsed, "masthead-date").empty());
}

// A publisher is what OCR read: one of its characters read with little confidence (莆 at 0
// for 萧) flags it, even where the lexicon mended another of its characters (an inserted 和
// taken out); characters read surely, or at the confidence right publishers stand at, do not.
TEST(Masthead, APublisherWithACharacterReadAtLittleConfidenceIsFlagged) {
  auto parse = [](float first_confidence) {
    std::vector<LayoutLine> lines = {
        MakeLine("萧山 人大 工作", 3.2), MakeLine("第 4 期 （总 第 629 期）"),
        MakeLine("莆 山区 人 大 和 常委 会 办 公 室 编 2016 年 5 月 23 日", 1.0, 95,
                 {{"莆", first_confidence}}),
        MakeLine("目 录")};
    return ParseStructure(Masthead(std::move(lines)), Generic(), StructureOptions{});
  };
  const ParsedIssue doubtful = parse(0);
  EXPECT_EQ(doubtful.issue.publisher, "莆山区人大常委会办公室");
  const auto items = ItemsFor(doubtful, "masthead-publisher");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_NE(items[0].detail.find("莆山区人大常委会办公室"), std::string::npos) << items[0].detail;
  EXPECT_NE(items[0].detail.find("莆 at confidence 0"), std::string::npos) << items[0].detail;
  EXPECT_TRUE(ItemsFor(parse(72), "masthead-publisher").empty());
}

TEST(ChooseProfile, TheGenericProfileIsNeverChosenByTheMasthead) {
  std::vector<PublicationProfile> profiles = {Generic(), Hangzhou()};
  IssueLayout hangzhou = Masthead({MakeLine("杭州 人大 信息", 3.0)});
  IssueLayout other = Masthead({MakeLine("西湖 人大", 3.0)});
  ASSERT_NE(ChooseProfile(profiles, hangzhou), nullptr);
  EXPECT_EQ(ChooseProfile(profiles, hangzhou)->id, "hangzhou-renda-xinxi");
  EXPECT_EQ(ChooseProfile(profiles, other), nullptr);
  // The profile's alias 人大信息 inside another newsletter's title names that newsletter.
  IssueLayout yuhang = Masthead({MakeLine("余杭 人大 信息", 3.0)});
  EXPECT_EQ(ChooseProfile(profiles, yuhang), nullptr);
  IssueLayout misread = Masthead({MakeLine("杭洲 人大 信息", 3.0)});
  ASSERT_NE(ChooseProfile(profiles, misread), nullptr);
}

}  // namespace
}  // namespace qikan
