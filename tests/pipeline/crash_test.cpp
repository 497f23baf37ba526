// A run killed mid-batch (SIGKILL) and run again: every input ends up in the archive exactly
// once, whole, cataloged once, and nothing is left in DIR/tmp. The real binary, real Tesseract.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/archive/catalog.h"
#include "tests/support/scan_fixture.h"
#include "tests/support/text_page.h"

extern char** environ;

namespace qikan {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::TempDir;

std::string QikanBinary() { return testing::BinaryPath("pipeline/qikan"); }

cv::Mat Page(int variant) {
  testing::TextPageSpec spec;
  spec.lines = testing::SeedProseLines(10 + 2 * variant, 16);
  spec.width = 1240;
  spec.height = 1754;
  spec.margin = 120;
  spec.glyph_px = 34;
  return testing::DrawTextPage(spec);
}

// Starts qikan with `args`, its output into `log`; returns its pid.
pid_t Spawn(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<std::string> argv_strings = {QikanBinary()};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  const int error = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(error, 0) << argv[0];
  return error == 0 ? pid : -1;
}

int Wait(pid_t pid) {
  int raw = 0;
  if (waitpid(pid, &raw, 0) != pid) return -1;
  if (WIFSIGNALED(raw)) return 128 + WTERMSIG(raw);
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

TEST(CrashTest, AKilledRunRerunLeavesEveryIssueOnceAndNothingHalfWritten) {
  TempDir dir;
  std::vector<fs::path> inputs;
  for (int i = 0; i < 3; ++i) {
    inputs.push_back(dir / ("issue-" + std::to_string(i + 1) + ".pdf"));
    testing::WriteImagePdf(inputs.back(), {Page(i)}, 150);
  }
  const fs::path archive = dir / "archive";
  std::vector<std::string> args = {"run"};
  for (const auto& input : inputs) args.push_back(input.string());
  for (const std::string arg : {"--archive", archive.c_str(), "--jobs", "1"}) args.push_back(arg);

  const pid_t first = Spawn(args, dir / "first.log");
  ASSERT_GT(first, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));
  ::kill(first, SIGKILL);  // no effect if it already finished
  const int killed = Wait(first);
  std::cerr << "first run: " << (killed == 128 + SIGKILL ? "killed" : "finished before the kill")
            << "\n"
            << ReadFile(dir / "first.log");

  const pid_t second = Spawn(args, dir / "second.log");
  ASSERT_GT(second, 0);
  const int status = Wait(second);
  ASSERT_EQ(status, 0) << ReadFile(dir / "second.log");

  // Every input exactly once in DIR/issues, each with its record.
  std::map<std::string, int> by_source;
  std::vector<std::string> keys;
  for (const auto& entry : fs::directory_iterator(archive / "issues")) {
    ASSERT_TRUE(fs::exists(entry.path() / "record.json")) << entry.path();
    ASSERT_TRUE(fs::exists(entry.path() / "text.txt")) << entry.path();
    const auto record = nlohmann::json::parse(ReadFile(entry.path() / "record.json"));
    ++by_source[record["source"]["file"].get<std::string>()];
    keys.push_back(entry.path().filename().string());
  }
  ASSERT_EQ(keys.size(), inputs.size());
  for (const auto& input : inputs) EXPECT_EQ(by_source[input.string()], 1) << input;

  // Nothing half-written left behind.
  if (fs::exists(archive / "tmp")) {
    EXPECT_TRUE(fs::is_empty(archive / "tmp"));
  }

  // The catalog lists each issue once.
  const Catalog catalog = Catalog::Open(CatalogPath(archive));
  const std::vector<IssueRow> issues = catalog.Issues();
  ASSERT_EQ(issues.size(), inputs.size());
  std::map<std::string, int> cataloged;
  for (const auto& issue : issues) ++cataloged[issue.key];
  for (const auto& key : keys) EXPECT_EQ(cataloged[key], 1) << key;
}

}  // namespace
}  // namespace qikan
