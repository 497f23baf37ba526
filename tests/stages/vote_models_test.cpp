// The attribution-line vote with its real voters (stages/vote.h): the page's model and the
// second-opinion models installed by scripts/setup, reading a line cut from a committed sample.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "models/errors.h"
#include "models/text.h"
#include "stages/ocr.h"
#include "stages/reread.h"
#include "stages/vote.h"
#include "tests/support/shared_engine.h"
#include "tests/support/text_page.h"

namespace qikan {
namespace {

class VoteModelsTest : public testing::SharedEngineTest {};

// "（建德市人大常委会办公室 唐方媛）" as the page job has it after deskewing page 5 of
// samples/seed-2025-05-degraded-200.pdf (200 dpi, glyphs about 40 px): Debian's chi_sim reads the
// name 唐方姐 at every size the vote tries.
cv::Mat TangFangyuan() {
  const cv::Mat line = cv::imread(
      testing::SourcePath("tests/data/vote/tang-fangyuan-degraded-200.png"), cv::IMREAD_GRAYSCALE);
  if (line.empty()) throw std::runtime_error("tests/data/vote/tang-fangyuan-degraded-200.png");
  return line;
}

std::string LineText(const OcrPage& page) { return RemoveCjkSpaces(page.Text()); }

TEST_F(VoteModelsTest, TheDefaultVotersAreInstalledAndEachReadsTheLine) {
  const cv::Mat line = TangFangyuan();
  const RereadRegion region{.box = Box{.x = 20, .y = 25, .width = 691, .height = 42},
                            .glyph_px = 40};
  for (const LineVoter& voter : LineVoteOptions{}.voters) {
    OcrEngine* engine = voter.model.empty() ? &Engine() : Engine().Alternate(voter.model);
    ASSERT_NE(engine, nullptr) << voter.model;
    const RegionImage cut = CutRegion(line, region, RereadOptions{}, voter.scale);
    const std::string text = LineText(engine->Recognize(cut.image, Segmentation::kSingleLine));
    EXPECT_NE(text.find("建德市人大"), std::string::npos) << voter.model << " @" << voter.scale
                                                         << ": " << text;
    EXPECT_NE(text.find("唐方"), std::string::npos) << voter.model << ": " << text;
  }
}

TEST_F(VoteModelsTest, TheOtherModelsOutvoteANameThePageModelMisreadsAtEverySize) {
  const cv::Mat line = TangFangyuan();
  const RereadRegion region{.box = Box{.x = 20, .y = 25, .width = 691, .height = 42},
                            .glyph_px = 40};
  std::vector<OcrPage> readings;
  const RegionImage own = CutRegion(line, region, RereadOptions{}, 1.0);
  readings.push_back(Engine().Recognize(own.image, Segmentation::kSingleLine));  // the page's
  for (const LineVoter& voter : LineVoteOptions{}.voters) {
    OcrEngine* engine = voter.model.empty() ? &Engine() : Engine().Alternate(voter.model);
    const RegionImage cut = CutRegion(line, region, RereadOptions{}, voter.scale);
    readings.push_back(engine->Recognize(cut.image, Segmentation::kSingleLine));
  }
  const std::string voted = LineText(VoteReadings(readings).reading);
  EXPECT_NE(voted.find("唐方媛"), std::string::npos) << voted;
}

// Words of a reading, each with its box, for comparing two readings exactly.
std::vector<std::string> WordsAndBoxes(const OcrPage& page) {
  std::vector<std::string> words;
  for (const auto& block : page.blocks) {
    for (const auto& line : block.lines) {
      for (const auto& word : line.words) {
        words.push_back(word.text + "@" + std::to_string(word.box.x) + "," +
                        std::to_string(word.box.y) + "," + std::to_string(word.box.width) + "x" +
                        std::to_string(word.box.height));
      }
    }
  }
  return words;
}

// Some Tesseract parameters are process-wide, and the npm model's config sets four of them
// (stages/ocr.cpp, kProcessWide): loading it for a vote used to change how the page model found
// words on every page read afterwards. A fresh engine in a fresh process (ctest runs each test
// alone) reads the same page before and after the vote's models are loaded, word for word and
// box for box.
TEST(VoteModels, LoadingTheVotersDoesNotChangeHowThePageModelReads) {
  TesseractEngine engine{TesseractOptions{}};
  testing::TextPageSpec spec;
  spec.lines = testing::SeedProseLines(8, 30);
  spec.height = 700;
  const cv::Mat page = testing::DrawTextPage(spec);
  const std::vector<std::string> before = WordsAndBoxes(engine.Recognize(page));
  ASSERT_GT(before.size(), 100u);
  for (const LineVoter& voter : LineVoteOptions{}.voters) {
    if (!voter.model.empty()) engine.Alternate(voter.model);
  }
  EXPECT_EQ(WordsAndBoxes(engine.Recognize(page)), before);
}

TEST_F(VoteModelsTest, AnAlternateIsMadeOnceAndKept) {
  OcrEngine* first = Engine().Alternate("HanS");
  EXPECT_EQ(Engine().Alternate("HanS"), first);
}

TEST_F(VoteModelsTest, AMissingModelIsAMissingDependencyNamingIt) {
  try {
    Engine().Alternate("chi_sim@no-such-model");
    FAIL() << "no exception";
  } catch (const QikanError& e) {
    EXPECT_EQ(e.status(), ExitStatus::kMissingDependency);
    EXPECT_NE(std::string(e.what()).find("chi_sim@no-such-model"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("scripts/setup"), std::string::npos) << e.what();
  }
}

// The tail of an attribution set in 楷体 with padded names, "斌  王晓燕  俞  斌）", as the vote
// cuts it from page 2 of bench-accuracy's tune office-2col-ukai (scaled to the model's glyph, on
// its white margin): chi_sim read the cut as printed as noise at every size ("了了", "A"); with
// every wide gap closed it reads the names.
TEST_F(VoteModelsTest, APaddedNamesTailIsReadWithEveryWideGapClosed) {
  const cv::Mat image = cv::imread(testing::SourcePath("tests/data/vote/attribution-tail-ukai-office.png"),
                                   cv::IMREAD_GRAYSCALE);
  ASSERT_FALSE(image.empty());
  const RegionImage cut{.image = image, .factor = 1, .margin = RereadOptions{}.margin_px};
  const auto closed = CloseWideGaps(cut, RereadOptions{}.target_glyph_px, CloseGapsOptions{.every_gap = true});
  ASSERT_TRUE(closed.has_value());
  EXPECT_LT(closed->image.cols, image.cols);
  const std::string text = LineText(Engine().Recognize(closed->image, Segmentation::kSingleLine));
  EXPECT_NE(text.find("王晓燕"), std::string::npos) << text;
  EXPECT_GE(ToU32(text).size(), 6u) << text;
}

}  // namespace
}  // namespace qikan
