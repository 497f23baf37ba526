// BagIt export (pipeline/archive/export.h) and bag validation (VerifyBag): a bag `qikan export`
// makes is valid by RFC 8493, checked by qikan and, where installed, by python3-bagit.
#include "pipeline/archive/export.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "models/errors.h"
#include "pipeline/archive/fixity.h"
#include "pipeline/archive/hash.h"
#include "tests/pipeline/fixity_archive.h"

namespace qikan {
namespace {

namespace fs = std::filesystem;
using testing::CommitSynthetic;
using testing::FlipByte;
using testing::Quote;
using testing::ReadFile;
using testing::RunCommand;
using testing::RunQikan;
using testing::TempDir;
using testing::WriteFile;

class Export : public ::testing::Test {
 protected:
  Export() : archive_(dir_.path() / "archive"), catalog_(Catalog::Open(CatalogPath(archive_.root()))) {
    CommitSynthetic(archive_, "k1", "2025-05-01", 2, &catalog_);
    CommitSynthetic(archive_, "k2", "2025-06-15", 3, &catalog_);
    CommitSynthetic(archive_, "k3", "2025-07-01", 1, &catalog_);
  }
  fs::path Bag() const { return dir_.path() / "bags" / "bag"; }
  ExportSummary Make(std::vector<std::string> keys) {
    fs::create_directories(Bag().parent_path());
    return ExportBag({.archive = archive_.root(), .keys = keys, .bag = Bag()});
  }
  std::vector<FixityProblem> Problems() { return VerifyBag(Bag()).problems; }
  // python3-bagit's validator (Debian's python3-bagit), when installed: its exit status.
  std::optional<int> BagitPy() {
    if (RunCommand(dir_.path(), "python3 -c 'import bagit'").status != 0) return std::nullopt;
    return RunCommand(dir_.path(), "python3 -m bagit --validate " + Quote(Bag().string())).status;
  }

  TempDir dir_;
  Archive archive_;
  Catalog catalog_;
};

TEST_F(Export, MakesAValidBagOfTheIssuesFolders) {
  const ExportSummary summary = Make({"k1", "k2"});
  EXPECT_EQ(summary.issues, 2);
  EXPECT_EQ(ReadFile(Bag() / "bagit.txt"), "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
  const std::string info = ReadFile(Bag() / "bag-info.txt");
  EXPECT_NE(info.find("Source-Organization: 杭州市人大常委会办公厅\n"), std::string::npos) << info;
  EXPECT_NE(info.find(fmt::format("Payload-Oxum: {}.{}\n", summary.bytes, summary.files)), std::string::npos);
  EXPECT_NE(info.find("External-Identifier: k1\nExternal-Identifier: k2\n"), std::string::npos);
  EXPECT_NE(info.find("Bagging-Date: 20"), std::string::npos);
  EXPECT_NE(info.find("Bag-Software-Agent: qikan "), std::string::npos);
  // data/<key>/ is the issue folder, file for file (its own manifest too).
  for (const std::string key : {"k1", "k2"}) {
    const std::vector<std::string> files = FilesUnder(archive_.IssueDir(key), "");
    EXPECT_EQ(FilesUnder(Bag() / "data" / key, ""), files);
    for (const auto& file : files) {
      EXPECT_EQ(ReadFile(Bag() / "data" / key / file), ReadFile(archive_.IssueDir(key) / file));
    }
  }
  EXPECT_FALSE(fs::exists(Bag() / "data" / "k3"));
  const Manifest manifest = *ReadManifest(Bag(), "manifest-sha256.txt");
  EXPECT_EQ(manifest.size(), summary.files);
  EXPECT_EQ(manifest.at("data/k1/record.json"), Sha256OfFile(archive_.IssueDir("k1") / "record.json"));
  const Manifest tags = *ReadManifest(Bag(), "tagmanifest-sha256.txt");
  EXPECT_EQ(tags.size(), 3u);
  EXPECT_EQ(tags.at("bag-info.txt"), Sha256OfFile(Bag() / "bag-info.txt"));

  const VerifySummary check = VerifyBag(Bag());
  EXPECT_TRUE(check.problems.empty()) << check.problems.size() << " problems";
  EXPECT_EQ(check.Status(), ExitStatus::kOk);
  EXPECT_EQ(check.issues, 2);
  EXPECT_EQ(fs::directory_iterator(Bag().parent_path())->path(), Bag());  // no OUT.tmp-* left
}

TEST_F(Export, TheIndependentValidatorsAgree) {
  Make({"k1", "k2", "k3"});
  // coreutils' sha256sum reads BagIt manifest lines as they are: the hashes, payload and tags.
  const std::string check = "cd " + Quote(Bag().string()) +
                            " && sha256sum --quiet --strict -c manifest-sha256.txt" +
                            " && sha256sum --quiet --strict -c tagmanifest-sha256.txt";
  EXPECT_EQ(RunCommand(dir_.path(), check).status, 0) << ReadFile(dir_.path() / "out");
  FlipByte(Bag() / "data" / "k2" / "pages" / "0001.jpg");
  EXPECT_NE(RunCommand(dir_.path(), check).status, 0);
  FlipByte(Bag() / "data" / "k2" / "pages" / "0001.jpg");
  const std::optional<int> valid = BagitPy();
  if (!valid) GTEST_SKIP() << "python3-bagit is not installed (scripts/setup installs it where Debian has it)";
  EXPECT_EQ(*valid, 0) << ReadFile(dir_.path() / "err");
  FlipByte(Bag() / "data" / "k2" / "pages" / "0001.jpg");
  EXPECT_NE(*BagitPy(), 0);
}

TEST_F(Export, ATamperedBagFails) {
  Make({"k1", "k2"});
  FlipByte(Bag() / "data" / "k2" / "pages" / "0001.jpg");
  std::vector<FixityProblem> problems = Problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].kind, FixityProblem::Kind::kChanged);
  EXPECT_EQ(problems[0].path, "data/k2/pages/0001.jpg");
  // The payload was copied: the archive is untouched.
  EXPECT_EQ(VerifyArchive({.archive = archive_.root()}).Status(), ExitStatus::kOk);
  FlipByte(Bag() / "data" / "k2" / "pages" / "0001.jpg");
  ASSERT_TRUE(Problems().empty());

  WriteFile(Bag() / "data" / "k1" / "extra.txt", "x");
  problems = Problems();
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].kind, FixityProblem::Kind::kUnexpected);
  EXPECT_EQ(problems[0].path, "data/k1/extra.txt");
  EXPECT_EQ(problems[1].path, "bag-info.txt");  // Payload-Oxum
  fs::remove(Bag() / "data" / "k1" / "extra.txt");

  fs::remove(Bag() / "data" / "k1" / "text.txt");
  problems = Problems();
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].kind, FixityProblem::Kind::kMissing);
  EXPECT_EQ(problems[0].path, "data/k1/text.txt");
}

TEST_F(Export, AChangedTagFileFailsTheTagManifest) {
  Make({"k1"});
  WriteFile(Bag() / "bag-info.txt", ReadFile(Bag() / "bag-info.txt") + "Contact-Name: 某人\n");
  const std::vector<FixityProblem> problems = Problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].kind, FixityProblem::Kind::kChanged);
  EXPECT_EQ(problems[0].path, "bag-info.txt");
}

TEST_F(Export, RefusesAnExistingOutputAndADamagedIssue) {
  fs::create_directories(Bag());
  try {
    ExportBag({.archive = archive_.root(), .keys = {"k1"}, .bag = Bag()});
    FAIL() << "exported over an existing folder";
  } catch (const QikanError& e) {
    EXPECT_EQ(e.status(), ExitStatus::kOutputExists);
  }
  fs::remove(Bag());
  FlipByte(archive_.IssueDir("k2") / "text.txt", 2);
  try {
    Make({"k1", "k2"});
    FAIL() << "exported a damaged issue";
  } catch (const QikanError& e) {
    EXPECT_EQ(e.status(), ExitStatus::kFixityFailed);
    EXPECT_NE(std::string(e.what()).find("changed text.txt"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::is_empty(Bag().parent_path()));  // neither OUT nor its temporary folder
}

TEST_F(Export, SelectsIssuesByCatalogDate) {
  EXPECT_EQ(SelectIssues(archive_.root(), {.all = true}), (std::vector<std::string>{"k1", "k2", "k3"}));
  EXPECT_EQ(SelectIssues(archive_.root(), {.from_date = "2025-06"}), (std::vector<std::string>{"k2", "k3"}));
  EXPECT_EQ(SelectIssues(archive_.root(), {.to_date = "2025-06"}), (std::vector<std::string>{"k1", "k2"}));
  EXPECT_EQ(SelectIssues(archive_.root(), {.from_date = "2025-06-16", .to_date = "2025"}),
            (std::vector<std::string>{"k3"}));
}

TEST_F(Export, TheCommands) {
  const std::string archive = Quote(archive_.root().string());
  fs::create_directories(Bag().parent_path());
  testing::CommandResult r = RunQikan(dir_.path(), "export --archive " + archive + " --from 2025-06 --bag " +
                                                       Quote(Bag().string()) + " --organization 'Test Org'");
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("export: 2 issues,"), std::string::npos) << r.out;
  EXPECT_NE(ReadFile(Bag() / "bag-info.txt").find("Source-Organization: Test Org\n"), std::string::npos);
  r = RunQikan(dir_.path(), "verify --bag " + Quote(Bag().string()));
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("the bag is valid"), std::string::npos) << r.out;

  r = RunQikan(dir_.path(), "export k1 --archive " + archive + " --bag " + Quote(Bag().string()));
  EXPECT_EQ(r.status, 13);
  EXPECT_EQ(r.err, "qikan: error: " + Bag().string() + ": exists already; give the path of a bag to create\n");

  FlipByte(Bag() / "data" / "k3" / "record.json", 4);
  r = RunQikan(dir_.path(), "verify --bag " + Quote(Bag().string()));
  EXPECT_EQ(r.status, 12) << r.out << r.err;
  EXPECT_NE(r.out.find("CHANGED      " + Bag().string() + "  data/k3/record.json"), std::string::npos) << r.out;
  EXPECT_EQ(RunQikan(dir_.path(), "export nosuch --archive " + archive + " --bag " + Quote((dir_.path() / "b2").string())).status, 2);
}

}  // namespace
}  // namespace qikan
