#include "models/lexicon.h"

#include <sstream>

#include <gtest/gtest.h>

namespace qikan {
namespace {

Lexicon Small() {
  std::istringstream in("人大 12955 j\n常委会 7079 j\n聚焦 332 v\n燃气 221 n\n佘 38 zg\n的 318825 uj\n");
  return Lexicon::Read(in, "small");
}

TEST(Lexicon, SegmentsIntoTheMostProbableWords) {
  const Lexicon lexicon = Small();
  const auto pieces = lexicon.Segment("人大常委会聚焦燃气");
  ASSERT_EQ(pieces.size(), 4u);
  EXPECT_EQ(pieces[1].chars, 3u);
  EXPECT_EQ(pieces[1].frequency, 7079);
}

TEST(Lexicon, ACharacterNoWordHoldsIsAPieceOfItsOwnWithoutFrequency) {
  const auto pieces = Small().Segment("人大佘X");
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_EQ(pieces[1].frequency, 38);
  EXPECT_EQ(pieces[2].frequency, 0);
}

TEST(Lexicon, ALineWithoutAFrequencyIsRefusedNamingIt) {
  std::istringstream in("人大 12955 j\n常委会\n");
  try {
    Lexicon::Read(in, "bad.txt");
    FAIL() << "read";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.txt:2"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace qikan
