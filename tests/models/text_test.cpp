#include "models/text.h"

#include <gtest/gtest.h>

namespace qikan {
namespace {

TEST(RemoveCjkSpaces, JoinsHanCharactersTesseractSpacedOut) {
  EXPECT_EQ(RemoveCjkSpaces("市 人 大 常 委 会 依 法 行 权"), "市人大常委会依法行权");
}

TEST(RemoveCjkSpaces, RemovesSpacesBesideFullWidthPunctuationAndDigits) {
  EXPECT_EQ(RemoveCjkSpaces("深入 16 个 乡镇 ， 街道"), "深入16个乡镇，街道");
  EXPECT_EQ(RemoveCjkSpaces("推进 AI 赋能"), "推进AI赋能");
}

TEST(RemoveCjkSpaces, KeepsOneSpaceBetweenLatinWords) {
  EXPECT_EQ(RemoveCjkSpaces("Hangzhou   People's Congress"), "Hangzhou People's Congress");
  EXPECT_EQ(RemoveCjkSpaces("GPS 70"), "GPS 70");
}

TEST(RemoveCjkSpaces, DropsSpacesAtLineEdges) {
  EXPECT_EQ(RemoveCjkSpaces("  第 5 期 \n 目 录 "), "第5期\n目录");
}

TEST(Utf8, RoundTripsAndCountsCodePoints) {
  const std::string s = "杭州人大信息 (0571)85250657 𠀋";
  EXPECT_EQ(ToUtf8(ToU32(s)), s);
  EXPECT_EQ(Utf8Length("杭州a"), 3u);
}

TEST(Utf8, TruncatedSequenceBecomesReplacementCharacter) {
  const std::string cut = std::string("杭州").substr(0, 4);
  const std::u32string u = ToU32(cut);
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u[0], U'杭');
  EXPECT_EQ(u[1], U'\uFFFD');
}

TEST(CharacterErrorRate, IgnoresWhitespaceAndCountsEdits) {
  EXPECT_DOUBLE_EQ(CharacterErrorRate("杭州 人大\n信息", "杭州人大信息"), 0.0);
  EXPECT_DOUBLE_EQ(CharacterErrorRate("杭州人大信息", "杭州人太信息"), 1.0 / 6.0);
  EXPECT_DOUBLE_EQ(CharacterErrorRate("杭州", ""), 1.0);
  EXPECT_DOUBLE_EQ(CharacterErrorRate("", ""), 0.0);
}

}  // namespace
}  // namespace qikan

namespace qikan {
namespace {

TEST(NormalizePunctuation, FullWidthBetweenChineseCharacters) {
  EXPECT_EQ(NormalizePunctuation("建德市:强化监督,助推(试行);好!是吗?"),
            "建德市：强化监督，助推（试行）；好！是吗？");
  EXPECT_EQ(NormalizePunctuation("规划(2023-2035)修编"), "规划（2023-2035）修编");
  EXPECT_EQ(NormalizePunctuation("筑牢燃气\"安全网\""), "筑牢燃气“安全网”");
}

TEST(NormalizePunctuation, LatinAndNumbersKeepHalfWidth) {
  EXPECT_EQ(NormalizePunctuation("2.7 万人次, GPS (v2)"), "2.7 万人次， GPS (v2)");
  EXPECT_EQ(NormalizePunctuation("(0571)85250657"), "(0571)85250657");
  // After a CJK colon too: the bracketed digits run on into the number (the colophon's phone).
  EXPECT_EQ(NormalizePunctuation("电话:(0571)85250657"), "电话：(0571)85250657");
  EXPECT_EQ(NormalizePunctuation("电话: (0571)85250657"), "电话： (0571)85250657");
  // Digits in brackets followed by text are still a CJK aside.
  EXPECT_EQ(NormalizePunctuation("规划(2023-2035)》"), "规划（2023-2035）》");
  EXPECT_EQ(NormalizePunctuation("第23期(总第635期)"), "第23期（总第635期）");
}

}  // namespace
}  // namespace qikan

namespace qikan {
namespace {

TEST(ControlCharacters, FoundInWhatAReviewerSends) {
  EXPECT_EQ(FirstControlCharacter("顽疾", false), std::nullopt);
  EXPECT_EQ(FirstControlCharacter("顽\x1b[31m疾", false), U'\x1b');
  EXPECT_EQ(FirstControlCharacter("标题\x1b]0;pwned\a", false), U'\x1b');
  EXPECT_EQ(FirstControlCharacter("第一行\n第二行\t", true), std::nullopt);
  EXPECT_EQ(FirstControlCharacter("第一行\n第二行", false), U'\n');
  EXPECT_EQ(FirstControlCharacter("a\x7f", true), U'\x7f');
  EXPECT_EQ(FirstControlCharacter("a\xc2\x9b" "31m", true), U'\x9b');  // C1 CSI
}

TEST(ControlCharacters, ShownNotObeyedOnATerminal) {
  EXPECT_EQ(ForTerminal("等顽疾（审定）"), "等顽疾（审定）");
  EXPECT_EQ(ForTerminal("\x1b]0;pwned\a顽\x1b[31m疾"), "\\x1b]0;pwned\\x07顽\\x1b[31m疾");
  EXPECT_EQ(ForTerminal("a\rb\x7f\xc2\x9b" "c"), "a\\x0db\\x7f\\u009bc");
  EXPECT_EQ(ForTerminal("行一\n\t行二"), "行一\n\t行二");
  EXPECT_EQ(ForTerminal("\xff\xe7\x8e"), "\\xff\\xe7\\x8e");  // not UTF-8: bytes shown
}

}  // namespace
}  // namespace qikan

namespace qikan {
namespace {

TEST(BelowThreshold, NeverReadsAsEqual) {
  EXPECT_EQ(BelowThreshold(89.96, 90.0), "89 < 90");
  EXPECT_EQ(BelowThreshold(90.27f, 90.3f), "90.2 < 90.3");
  EXPECT_EQ(BelowThreshold(88.5, 90.3), "88.5 < 90.3");
  EXPECT_EQ(BelowThreshold(61.0, 75.25), "61.00 < 75.25");
}

// The script pairs the characters both sides share and names what only one side has: the place
// of a mark one reading dropped, and of a substitution.
TEST(Text, AlignCharactersPairsSharedCharactersAndNamesTheRest) {
  const std::u32string a = U"破痛点。立足", b = U"破痛点”。立尼";
  const std::vector<AlignedPair> script = AlignCharacters(a, b);
  ASSERT_EQ(script.size(), 7u);
  EXPECT_EQ(script[2].a, 2u);
  EXPECT_EQ(script[2].b, 2u);
  EXPECT_EQ(script[3].a, kUnaligned);  // ” only in b
  EXPECT_EQ(script[3].b, 3u);
  EXPECT_EQ(script[4].a, 3u);  // 。 = 。
  EXPECT_EQ(script[4].b, 4u);
  EXPECT_EQ(script[6].a, 5u);  // 足 / 尼: a substitution
  EXPECT_EQ(script[6].b, 6u);
  size_t edits = 0;
  for (const AlignedPair& step : script) {
    edits += step.a == kUnaligned || step.b == kUnaligned || a[step.a] != b[step.b];
  }
  EXPECT_EQ(edits, EditDistance(a, b));
  EXPECT_EQ(AlignCharacters(U"", U"ab").size(), 2u);
  EXPECT_EQ(AlignCharacters(U"ab", U"").front().b, kUnaligned);
}

TEST(Text, SubstringDistanceIsTheEditsToTheClosestStretch) {
  EXPECT_EQ(SubstringDistance(U"助力工程", U"二是双线督办，助力工程建设"), 0u);
  // 是双线督办 read as 双 alone: the closest stretch is 办，助力工程, one character off.
  EXPECT_EQ(SubstringDistance(U"双，助力工程", U"二是双线督办，助力工程建设"), 1u);
  EXPECT_EQ(SubstringDistance(U"双线，助力工程", U"二是双线督办，助力工程建设"), 2u);
  EXPECT_EQ(SubstringDistance(U"监督", U"二是双线督办"), 1u);
  EXPECT_EQ(SubstringDistance(U"", U"abc"), 0u);
  EXPECT_EQ(SubstringDistance(U"abc", U""), 3u);
}

}  // namespace
}  // namespace qikan
