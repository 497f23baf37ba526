// Author names an issue reads more than once (issue 13): a doubtful reading is settled by the
// issue's other readings of the same writer, mended from a settled one a character away, or
// kept and flagged.
#include <gtest/gtest.h>

#include "stages/names.h"

namespace qikan {
namespace {

NameReading Sure(const std::string& name) { return NameReading{.name = name}; }
NameReading LowConfidence(const std::string& name) { return NameReading{.name = name, .doubtful = true}; }
NameReading Misshapen(const std::string& name) {
  return NameReading{.name = name, .doubtful = true, .misshapen = true};
}

TEST(ReconcileNames, ASureNameStands) {
  const auto v = ReconcileNames({Sure("潘越"), Sure("方舟")});
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].kind, NameVerdict::kSure);
  EXPECT_EQ(v[1].name, "方舟");
}

TEST(ReconcileNames, ADoubtfulNameReadAlikeElsewhereStands) {
  // Two readings at low confidence that agree: OCR rarely misreads one name the same way twice.
  const auto v = ReconcileNames({LowConfidence("周文斌"), LowConfidence("周文斌"), LowConfidence("何静")});
  EXPECT_EQ(v[0].kind, NameVerdict::kAgreed);
  EXPECT_EQ(v[1].kind, NameVerdict::kAgreed);
  EXPECT_EQ(v[2].kind, NameVerdict::kDoubtful);
  // and a doubtful reading beside a sure one of the same name stands too
  EXPECT_EQ(ReconcileNames({LowConfidence("俞斌"), Sure("俞斌")})[0].kind, NameVerdict::kAgreed);
}

// t21 (colour-200): 蒋丽华 read at 57, doubtful under 80, and 葛丽华 at 0. The fairer reading
// mends the worse, and stays flagged itself: nothing but its own reading vouches for it.
TEST(ReconcileNames, AFairReadingMendsAWorseOneAndStaysDoubtful) {
  const NameReading fair{.name = "蒋丽华", .doubtful = true, .settles = true};
  const auto v = ReconcileNames({LowConfidence("葛丽华"), fair});
  EXPECT_EQ(v[0].kind, NameVerdict::kMended);
  EXPECT_EQ(v[0].name, "蒋丽华");
  EXPECT_FALSE(v[0].known) << "mended to the issue's own reading, not the catalog's";
  EXPECT_EQ(v[1].kind, NameVerdict::kDoubtful);
  // Without it, neither settles the other.
  EXPECT_EQ(ReconcileNames({LowConfidence("葛丽华"), LowConfidence("蒋丽华")})[0].kind,
            NameVerdict::kDoubtful);
}

// Names the archive's other issues print (the catalog's, read alike in two issues or more)
// settle an issue's doubtful readings as its own sure ones do, and say so (known): the parser
// records the mend as the catalog's and asks a reviewer to confirm it.
TEST(ReconcileNames, NamesOtherIssuesPrintSettleDoubtfulReadings) {
  const std::vector<std::string> known = {"陈立群", "赵晨曦", "王晓燕", "王晓艳"};
  const auto v = ReconcileNames({LowConfidence("陈立几"), LowConfidence("赵晨曦"), LowConfidence("王晓节"),
                                 Sure("方舟"), LowConfidence("方丹")},
                                known);
  EXPECT_EQ(v[0].kind, NameVerdict::kMended);
  EXPECT_EQ(v[0].name, "陈立群");
  EXPECT_TRUE(v[0].known);
  EXPECT_EQ(v[1].kind, NameVerdict::kAgreed);
  EXPECT_TRUE(v[1].known);
  // A character away from two known names: nothing settles which.
  EXPECT_EQ(v[2].kind, NameVerdict::kDoubtful);
  EXPECT_EQ(v[2].name, "王晓节");
  // The issue's own sure name mends as before, and is no known name.
  EXPECT_EQ(v[4].kind, NameVerdict::kMended);
  EXPECT_EQ(v[4].name, "方舟");
  EXPECT_FALSE(v[4].known);
  // Without the known names, the first three stay doubtful.
  const auto alone = ReconcileNames({LowConfidence("陈立几"), LowConfidence("赵晨曦")});
  EXPECT_EQ(alone[0].kind, NameVerdict::kDoubtful);
  EXPECT_EQ(alone[1].kind, NameVerdict::kDoubtful);
}

TEST(ReconcileNames, MisshapenReadingsDoNotAgreeEachOtherIntoAName) {
  // 办公室 cut into names twice is no writer.
  const auto v = ReconcileNames({Misshapen("办公宣"), Misshapen("办公宣")});
  EXPECT_EQ(v[0].kind, NameVerdict::kDoubtful);
  EXPECT_EQ(v[1].kind, NameVerdict::kDoubtful);
}

TEST(ReconcileNames, ADoubtfulNameOneCharacterFromASettledOneIsMended) {
  const auto v = ReconcileNames({Misshapen("洗越"), LowConfidence("潘越"), LowConfidence("潘越")});
  EXPECT_EQ(v[0].kind, NameVerdict::kMended);
  EXPECT_EQ(v[0].name, "潘越");
  const auto w = ReconcileNames({Sure("蒋丽华"), LowConfidence("葛丽华")});
  EXPECT_EQ(w[1].kind, NameVerdict::kMended);
  EXPECT_EQ(w[1].name, "蒋丽华");
}

TEST(ReconcileNames, NothingSettledOrTwoCandidatesLeavesItDoubtful) {
  // The only close reading is itself doubtful: neither mends the other.
  const auto v = ReconcileNames({LowConfidence("洗越"), LowConfidence("潘越")});
  EXPECT_EQ(v[0].kind, NameVerdict::kDoubtful);
  EXPECT_EQ(v[1].kind, NameVerdict::kDoubtful);
  // Two settled names a character away: which one was printed is not known.
  const auto w = ReconcileNames({Sure("张伟"), Sure("张炜"), LowConfidence("张纬")});
  EXPECT_EQ(w[2].kind, NameVerdict::kDoubtful);
  EXPECT_EQ(w[2].name, "张纬");
  // A sure reading is never mended, however close a settled name is.
  EXPECT_EQ(ReconcileNames({Sure("张伟"), Sure("张炜")})[1].name, "张炜");
  // Nor a name of another length (赵晨 is not 赵晨曦).
  EXPECT_EQ(ReconcileNames({Sure("赵晨曦"), LowConfidence("赵晨")})[1].kind, NameVerdict::kDoubtful);
}

}  // namespace
}  // namespace qikan
