// An issue's numbers checked against the other issues of its publication in the catalog
// (issue 13): within a year 总第 = 第 + a constant, cumulative numbers grow with the date, and no
// two issues share a number.
#include <gtest/gtest.h>

#include <algorithm>

#include "pipeline/run/issue_job.h"

namespace qikan {
namespace {

const std::vector<PrintedNumbers> kYear = {
    {.key = "a", .title = "杭州人大信息", .edition = "普刊", .date = "2025-03-01", .number = 2, .cumulative_number = 708},
    {.key = "b", .title = "杭州人大信息", .edition = "普刊", .date = "2025-04-01", .number = 3, .cumulative_number = 709},
    {.key = "c", .title = "西湖人大", .edition = "普刊", .date = "2025-04-01", .number = 3, .cumulative_number = 120},
};

IssueInfo Read(int number, int cumulative, std::string date = "2025-07-11") {
  return IssueInfo{.title = "杭州人大信息", .edition = "普刊", .number = number,
                   .cumulative_number = cumulative, .date = std::move(date)};
}

TEST(CheckIssueNumbers, NumbersThatFitTheYearPassWithoutAReviewItem) {
  EXPECT_TRUE(CheckIssueNumbers("new", Read(5, 711), kYear).empty());
  EXPECT_TRUE(CheckIssueNumbers("new", Read(5, 711), {}).empty());
}

TEST(CheckIssueNumbers, ADifferenceTheYearDoesNotHaveIsFlagged) {
  // 总第 read 717 for 711: the year's other issues give 第 + 706.
  const auto review = CheckIssueNumbers("new", Read(5, 717), kYear);
  ASSERT_EQ(review.size(), 1u);
  EXPECT_EQ(review[0].reason, "masthead-number");
  EXPECT_NE(review[0].detail.find("717"), std::string::npos) << review[0].detail;
  EXPECT_NE(review[0].detail.find("706"), std::string::npos) << review[0].detail;
}

TEST(CheckIssueNumbers, ARepeatedNumberAndACumulativeNumberOutOfDateOrderAreFlagged) {
  // 第3期 again (a 5 read as 3), and 总第709 also out of the sequence's order.
  const auto repeated = CheckIssueNumbers("new", Read(3, 709), kYear);
  EXPECT_GE(repeated.size(), 2u);
  const auto backwards = CheckIssueNumbers("new", Read(1, 707, "2025-08-01"), kYear);
  EXPECT_FALSE(backwards.empty());
  // Another publication's numbers are no evidence.
  EXPECT_TRUE(CheckIssueNumbers("new", Read(5, 711), {kYear[2]}).empty());
}

// Numbers that fit the sequence under a date that does not (2025-07-11 read 2025-02-11, before
// 总第708 of 2025-03-01): the date is flagged as well as the numbers.
TEST(CheckIssueNumbers, ADateOutOfTheSequenceIsFlaggedAsADate) {
  const auto review = CheckIssueNumbers("new", Read(5, 711, "2025-02-11"), kYear);
  const auto date = std::find_if(review.begin(), review.end(),
                                 [](const ReviewItem& r) { return r.reason == "masthead-date"; });
  ASSERT_NE(date, review.end());
  EXPECT_NE(date->detail.find("2025-02-11"), std::string::npos) << date->detail;
  EXPECT_TRUE(CheckIssueNumbers("new", Read(5, 711), kYear).empty());
}

}  // namespace
}  // namespace qikan
