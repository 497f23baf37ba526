#include "models/ocr_page.h"

#include <gtest/gtest.h>

namespace qikan {
namespace {

OcrLine Line(std::vector<OcrWord> words) {
  OcrLine line{.words = std::move(words)};
  line.RebuildFromWords();
  return line;
}

// Characters are counted across the line's words, white space aside; a word left empty goes, a
// word that loses characters loses their share of its box at their end, and the line keeps its
// box.
TEST(OcrLineTest, ErasedCharactersTakeTheirShareOfTheirWordsBox) {
  OcrLine line = Line({{.text = "人大", .box = {0, 0, 80, 40}},
                       {.text = "和", .box = {80, 0, 40, 40}},
                       {.text = "常委 会", .box = {120, 0, 120, 40}}});
  const Box box = line.box;
  EXPECT_EQ(line.EraseCharacters({2, 99}), 1);  // 和; an index past the end is ignored
  EXPECT_EQ(line.text, "人大常委会");
  ASSERT_EQ(line.words.size(), 2u);
  EXPECT_EQ(line.box.width, box.width);
  // The first character of a word: the box starts a share later; the last: it ends a share
  // sooner.
  EXPECT_EQ(line.EraseCharacters({2}), 1);
  EXPECT_EQ(line.words[1].text, "委 会");
  EXPECT_EQ(line.words[1].box.x, 160);
  EXPECT_EQ(line.words[1].box.width, 80);
  EXPECT_EQ(line.EraseCharacters({0, 0}), 1);
  EXPECT_EQ(line.words[0].box.x, 40);
  EXPECT_EQ(line.text, "大委会");
}

// A word whose box reaches over the next word's start does not start past it when it loses
// its first character: the layout orders a line's words by where their boxes start.
TEST(OcrLineTest, AWordLosingItsFirstCharacterStillStartsBeforeTheNextWord) {
  OcrLine line = Line({{.text = "”强化", .box = {0, 0, 300, 40}}, {.text = "监督", .box = {50, 0, 80, 40}}});
  EXPECT_EQ(line.EraseCharacters({0}), 1);
  EXPECT_EQ(line.words[0].text, "强化");
  EXPECT_LT(line.words[0].box.x, line.words[1].box.x);
}

}  // namespace
}  // namespace qikan
