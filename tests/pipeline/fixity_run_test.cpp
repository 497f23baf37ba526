// Fixity end to end: an issue `qikan run` OCRs (real Tesseract) has a manifest that qikan verify
// and coreutils' sha256sum accept, and exports as a bag qikan verify --bag accepts.
#include <gtest/gtest.h>

#include "pipeline/archive/fixity.h"
#include "tests/pipeline/fixity_archive.h"
#include "tests/support/scan_fixture.h"
#include "tests/support/text_page.h"

namespace qikan {
namespace {

namespace fs = std::filesystem;
using testing::Quote;
using testing::RunCommand;
using testing::RunQikan;
using testing::TempDir;

TEST(FixityRun, ARunIssueVerifiesAndExportsAsAValidBag) {
  TempDir dir;
  testing::TextPageSpec spec;
  spec.lines = {"市人大常委会依法行权助力打造人工智能创新高地", "建德市人大常委会聚焦燃气安全难题"};
  spec.width = 1240;
  spec.height = 1754;
  spec.margin = 120;
  spec.glyph_px = 34;
  testing::WriteImagePdf(dir / "issue.pdf", {testing::DrawTextPage(spec)}, 150);
  const std::string archive = Quote((dir / "archive").string());
  testing::CommandResult r =
      RunQikan(dir.path(), "run " + Quote((dir / "issue.pdf").string()) + " --archive " + archive + " --jobs 1");
  ASSERT_EQ(r.status, 0) << r.err;
  const fs::path issue = fs::directory_iterator(dir / "archive" / "issues")->path();
  const std::string key = issue.filename().string();
  const Manifest manifest = *ReadManifest(issue, kManifestName);
  EXPECT_EQ(manifest.size(), FilesUnder(issue).size());  // deliverables included
  EXPECT_TRUE(manifest.contains("record.json") && manifest.contains("pages/0001.jpg"));

  r = RunQikan(dir.path(), "verify --archive " + archive);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(RunCommand(dir.path(), "cd " + Quote(issue.string()) +
                                       " && sha256sum --quiet --strict -c " + kManifestName).status, 0);
  r = RunQikan(dir.path(), "export " + key + " --archive " + archive + " --bag " + Quote((dir / "bag").string()));
  ASSERT_EQ(r.status, 0) << r.err;
  r = RunQikan(dir.path(), "verify --bag " + Quote((dir / "bag").string()));
  EXPECT_EQ(r.status, 0) << r.out << r.err;

  testing::FlipByte(issue / "pages" / "0001.jpg", 100);
  r = RunQikan(dir.path(), "verify --archive " + archive);
  EXPECT_EQ(r.status, 12) << r.out;
  EXPECT_NE(r.out.find("CHANGED      " + key + "  pages/0001.jpg"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace qikan
