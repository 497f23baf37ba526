// The METS/MODS writer on a synthetic issue: validity against METS 1.12.1 with MODS 3.7 (offline,
// ../shared/schemas), the issue's MODS, dates, and the logical map's articles and areas.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "pipeline/deliverables/alto.h"
#include "pipeline/deliverables/mets.h"
#include "tests/pipeline/xml_records.h"
#include "tests/support/xml_schema.h"

namespace qikan {
namespace {

using testing::XPathValues;
using Strings = std::vector<std::string>;

std::string Mets(const IssueRecord& record) { return WriteMets(record, "2026-12-04T08:00:00Z"); }

TEST(Mets, IsValidMetsWithModsAndABrokenFileIsNot) {
  if (testing::SchemasDir().empty()) GTEST_SKIP() << "no ../shared/schemas beside the project";
  const std::string mets = Mets(testing::SyntheticIssue().record);
  EXPECT_EQ(testing::SchemaErrors(mets, "mets-mods.xsd"), "");
  std::string broken = mets;
  broken.replace(broken.find("<mods:namePart>"), 15, "<mods:nameParts>");
  broken.replace(broken.find("</mods:namePart>"), 16, "</mods:nameParts>");
  EXPECT_NE(testing::SchemaErrors(broken, "mets-mods.xsd"), "");
}

TEST(Mets, IssueModsHasTitleNumbersDatePublisherEdition) {
  const std::string mets = Mets(testing::SyntheticIssue().record);
  const std::string mods = "//mets:dmdSec[@ID='DMD_ISSUE']//mods:mods";
  EXPECT_EQ(XPathValues(mets, mods + "/mods:titleInfo/mods:title"), Strings{"杭州人大信息"});
  EXPECT_EQ(XPathValues(mets, mods + "/mods:part/mods:detail[@type='issue']/mods:caption"), Strings{"第5期"});
  EXPECT_EQ(XPathValues(mets, mods + "/mods:part/mods:detail[@type='issue']/mods:number"), Strings{"5"});
  EXPECT_EQ(XPathValues(mets, mods + "/mods:part/mods:detail[@type='cumulative']/mods:number"), Strings{"711"});
  EXPECT_EQ(XPathValues(mets, mods + "/mods:originInfo/mods:publisher"), Strings{"杭州市人大常委会办公厅"});
  EXPECT_EQ(XPathValues(mets, mods + "/mods:originInfo/mods:edition"), Strings{"普刊"});
  EXPECT_EQ(XPathValues(mets, mods + "/mods:originInfo/mods:dateIssued[@encoding='iso8601']"),
            Strings{"2025-07-11"});
  EXPECT_TRUE(XPathValues(mets, mods + "//mods:dateIssued/@qualifier").empty());
  EXPECT_EQ(XPathValues(mets, "//mets:metsHdr/@CREATEDATE"), Strings{"2026-12-04T08:00:00Z"});
  EXPECT_EQ(XPathValues(mets, "//mets:metsHdr/mets:agent[@ROLE='CREATOR']/mets:name"), Strings{"qikan"});
}

TEST(Mets, ADoubtedDateIsMarkedAndAnUnreadOneLeftOut) {
  auto record = testing::SyntheticIssue().record;
  record.review.push_back({.page = 1, .reason = "masthead-date", .detail = "date read as 2025-07-11"});
  EXPECT_EQ(XPathValues(Mets(record), "//mods:dateIssued[@qualifier='questionable']"), Strings{"2025-07-11"});
  record.review.clear();
  record.issue.date = "2025年7月";
  const std::string odd = Mets(record);
  EXPECT_EQ(XPathValues(odd, "//mods:dateIssued[@qualifier='questionable']"), Strings{"2025年7月"});
  EXPECT_TRUE(XPathValues(odd, "//mods:dateIssued/@encoding").empty());
  record.issue.date.clear();
  EXPECT_TRUE(XPathValues(Mets(record), "//mods:dateIssued").empty());
}

TEST(Mets, EveryArticleIsInTheLogicalMapWithItsTitleAndAuthors) {
  const auto record = testing::SyntheticIssue().record;
  const std::string mets = Mets(record);
  for (const Article& article : record.articles) {
    const Strings dmd = XPathValues(
        mets, "//mets:structMap[@TYPE='LOGICAL']//mets:div[@TYPE='article'][@LABEL='" + article.title + "']/@DMDID");
    ASSERT_EQ(dmd.size(), 1u) << article.title;
    const std::string mods = "//mets:dmdSec[@ID='" + dmd[0] + "']//mods:mods";
    EXPECT_EQ(XPathValues(mets, mods + "/mods:titleInfo/mods:title"), Strings{article.title});
    Strings authors = article.attribution ? article.attribution->authors : Strings{};
    EXPECT_EQ(XPathValues(mets, mods + "/mods:name[@type='personal']/mods:namePart"), authors);
    if (article.attribution) {
      EXPECT_EQ(XPathValues(mets, mods + "/mods:name[@type='corporate']/mods:namePart"),
                Strings{article.attribution->organization});
      EXPECT_EQ(XPathValues(mets, mods + "/mods:name[@type='personal']/mods:role/mods:roleTerm[@type='code']"),
                Strings{"aut"});
    }
  }
  // Columns are sections holding their articles; the digest's brief is an article of its own.
  EXPECT_EQ(XPathValues(mets, "//mets:div[@TYPE='section']/@LABEL"), (Strings{"基层动态", "工作研究", "信息摘登"}));
  EXPECT_EQ(XPathValues(mets, "//mets:div[@TYPE='section'][@LABEL='信息摘登']/mets:div/@DMDID"),
            Strings{"DMD_BRF_0001"});
  EXPECT_EQ(XPathValues(mets, "//mets:div[@TYPE='contents']/@LABEL"), Strings{"目录"});
  EXPECT_EQ(XPathValues(mets, "//mets:div[@TYPE='imprint']/@ID"), Strings{"LOG_COLOPHON"});
}

TEST(Mets, AreasNameBlocksOfTheAltoFilesTheyPointAt) {
  const auto issue = testing::SyntheticIssue();
  const std::string mets = Mets(issue.record);
  std::map<std::string, std::string> altos;  // file ID -> ALTO
  for (size_t p = 0; p < issue.pages.size(); ++p) {
    const std::string path = AltoPath(issue.record.pages[p].index);
    const Strings ids = XPathValues(mets, "//mets:fileGrp[@USE='FULLTEXT']/mets:file[mets:FLocat/@xlink:href='" + path + "']/@ID");
    ASSERT_EQ(ids.size(), 1u) << path;
    altos[ids[0]] = WriteAlto(issue.record, issue.pages[p], p);
  }
  ASSERT_NO_FATAL_FAILURE(testing::ExpectEveryAreaNamesAnAltoBlock(mets, altos, 8));
  // The first article: heading, body and attribution, in reading order.
  EXPECT_EQ(XPathValues(mets, "//mets:div[@ID='LOG_ART_0001']//mets:area/@BEGIN"),
            (Strings{"P1_TB0003", "P1_TB0004", "P1_TB0005"}));
  EXPECT_EQ(XPathValues(mets, "//mets:area/@BETYPE")[0], "IDREF");
  // Files: each page's image and ALTO, and the issue's PDF.
  EXPECT_EQ(XPathValues(mets, "//mets:fileGrp[@USE='DOWNLOAD']/mets:file/mets:FLocat/@xlink:href"),
            Strings{"issue.pdf"});
  EXPECT_EQ(XPathValues(mets, "//mets:structMap[@TYPE='PHYSICAL']//mets:div[@TYPE='page'][@ORDER='2']/mets:fptr/@FILEID"),
            (Strings{"IMG_0002", "ALTO_0002"}));
  EXPECT_EQ(XPathValues(mets, "//mets:smLink[@xlink:from='LOG_ART_0002']/@xlink:to"), Strings{"PHYS_0002"});
}

}  // namespace
}  // namespace qikan

namespace qikan {
namespace {

// A rebuild (a review correction, a re-parse) keeps the date the package was created and says
// when it was modified; a first write has no LASTMODDATE.
TEST(Mets, ARebuildKeepsTheCreateDateAndAddsTheModifiedDate) {
  const testing::XmlIssue issue = testing::SyntheticIssue();
  const auto first = WriteMetsFile({.record = issue.record, .pages = issue.pages});
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(XPathValues(first[0].bytes, "//mets:metsHdr/@LASTMODDATE").empty());

  const std::filesystem::path archived = std::filesystem::temp_directory_path() /
                                         ("mets_rebuild_" + std::to_string(::getpid()));
  std::filesystem::create_directories(archived);
  {
    std::ofstream out(archived / "mets.xml", std::ios::binary);
    out << WriteMets(issue.record, "2020-01-02T03:04:05Z");
  }
  const auto rebuilt =
      WriteMetsFile({.record = issue.record, .pages = issue.pages, .archived = archived});
  ASSERT_EQ(rebuilt.size(), 1u);
  EXPECT_EQ(XPathValues(rebuilt[0].bytes, "//mets:metsHdr/@CREATEDATE"),
            Strings{"2020-01-02T03:04:05Z"});
  const Strings modified = XPathValues(rebuilt[0].bytes, "//mets:metsHdr/@LASTMODDATE");
  ASSERT_EQ(modified.size(), 1u);
  EXPECT_GT(modified[0], "2020-01-02T03:04:05Z");
  if (!testing::SchemasDir().empty()) {
    EXPECT_EQ(testing::SchemaErrors(rebuilt[0].bytes, "mets-mods.xsd"), "");
  }
  EXPECT_EQ(MetsCreateDate("<mets:mets><mets:metsHdr CREATEDATE=\"not a date\">"), "");
  std::filesystem::remove_all(archived);
}

}  // namespace
}  // namespace qikan

namespace qikan {
namespace {

TEST(Mets, TheOcrEngineIsAnAgentWithItsModels) {
  const std::string mets = Mets(testing::SyntheticIssue().record);
  const std::string agent = "//mets:metsHdr/mets:agent[@OTHERROLE='OCR']";
  EXPECT_EQ(XPathValues(mets, agent + "/mets:name"), Strings{"Tesseract 5.3.0"});
  EXPECT_EQ(XPathValues(mets, agent + "/mets:note"),
            Strings{"page model chi_sim: chi_sim.traineddata sha256=" + std::string(64, 'a')});
}

}  // namespace
}  // namespace qikan
