#include "pipeline/run/page_job.h"

#include <algorithm>

#include <fmt/format.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <spdlog/spdlog.h>

#include "models/errors.h"
#include "models/text.h"
#include "stages/vote.h"
#include "stages/orientation.h"

namespace qikan {
namespace {

void KeepIntermediate(const PageJobOptions& options, int page, const char* stage,
                      const cv::Mat& image) {
  if (options.intermediates_dir.empty()) return;
  std::filesystem::create_directories(options.intermediates_dir);
  cv::imwrite((options.intermediates_dir / fmt::format("{:04d}_{}.png", page, stage)).string(),
              image);
}

// OCR ran on the scaled page; the record keeps boxes in the page's own pixels.
Box Unscale(const Box& box, double factor) {
  return Box{.x = static_cast<int>(box.x / factor),
             .y = static_cast<int>(box.y / factor),
             .width = static_cast<int>(box.width / factor),
             .height = static_cast<int>(box.height / factor)};
}

void UnscaleBoxes(OcrPage& ocr, double factor, const cv::Size& page_size) {
  ocr.width = page_size.width;
  ocr.height = page_size.height;
  if (factor == 1) return;
  for (auto& block : ocr.blocks) {
    block.box = Unscale(block.box, factor);
    for (auto& line : block.lines) {
      line.box = Unscale(line.box, factor);
      for (auto& word : line.words) word.box = Unscale(word.box, factor);
    }
  }
}

// Attribution lines read by several models at several sizes, each character decided by majority
// (stages/vote.h).
// The OCR boxes are in the scaled page; the lines are cut from the deskewed page at its own
// resolution (`source`, `factor` times smaller than the scaled page's pixels), so each size is
// one resampling of the scan rather than a resampling of a resampling.
void VoteOnLines(const cv::Mat& source, double factor, OcrEngine& engine,
                 const PageJobOptions& options, OcrPage& ocr) {
  CloseGapsOptions every_gap = options.close_gaps;
  every_gap.every_gap = true;
  for (const auto& region : FindLinesToVote(ocr, options.vote)) {
    RereadRegion at_source = region;
    at_source.box = Unscale(region.box, factor);
    at_source.glyph_px = region.glyph_px / factor;
    // Whether closing every wide gap would change a cut the voters read: else a second vote with
    // them closed would read the same images again, and vote as the first.
    bool every_gap_differs = false;
    // The voters' readings of the line, each cut with `gaps` closed: the page's own first.
    auto vote = [&](const CloseGapsOptions& gaps, std::vector<RegionImage>& cuts) {
      std::vector<OcrPage> readings = {ReadingOfLine(ocr, region)};
      cuts = {RegionImage{}};  // the page's own: boxes already in place
      auto read = [&](const LineVoter& voter) {
        OcrEngine* reader = voter.model.empty() ? &engine : engine.Alternate(voter.model);
        if (!reader) return;
        RegionImage cut = CutRegion(source, at_source, options.reread, voter.scale);
        // A short bracketed line set letter-spaced ("（普    刊）") is read with its gaps closed,
        // as the reread read it: the models' readings of the spaced cut are noise to vote on.
        const double glyph = at_source.glyph_px * cut.factor;
        if (auto closed = CloseWideGaps(cut, glyph, gaps)) {
          cut = std::move(*closed);
        } else if (!gaps.every_gap && CloseWideGaps(cut, glyph, every_gap)) {
          every_gap_differs = true;
        }
        readings.push_back(reader->Recognize(cut.image, Segmentation::kSingleLine));
        cut.origin = cv::Point(static_cast<int>(cut.origin.x * factor),
                               static_cast<int>(cut.origin.y * factor));
        cut.factor /= factor;
        cuts.push_back(std::move(cut));
      };
      for (const LineVoter& voter : options.vote.voters) {
        if (voter.model.empty()) read(voter);
      }
      if (NeedsOtherModels(readings, options.vote)) {
        // In the voters' order, until the readings in hand settle the vote: a line most readings
        // agree on needs no more (the same result, a fifth of the other models' reads saved).
        const size_t planned = 1 + options.vote.voters.size();
        for (const LineVoter& voter : options.vote.voters) {
          if (voter.model.empty()) continue;
          if (VoteSettled(readings, planned)) break;
          read(voter);
        }
      }
      return VoteReadings(readings);
    };
    std::vector<RegionImage> cuts;
    VotedLine voted = vote(options.close_gaps, cuts);
    // Readings that agree with no other are the padded names of an attribution set among
    // glyphs set solid ("斌  王晓燕  俞  斌）" in 楷体 read "了了", "A", "2"): read again with every
    // wide gap closed. (Closing them for every line misreads names the cut as printed reads
    // right: 周文斌 read 周文试 when squeezed.)
    if (!voted.agreed && every_gap_differs) {
      std::vector<RegionImage> closed_cuts;
      VotedLine closed = vote(every_gap, closed_cuts);
      if (closed.agreed) {
        voted = std::move(closed);
        cuts = std::move(closed_cuts);
      }
    }
    if (voted.changed) MergeRegion(ocr, region, cuts[voted.pivot], voted.reading, options.reread);
  }
}

// Lines whose text cannot be what their ink holds (stages/ink_fit.h), read again as lines of their
// own: by the page's model at other sizes, then by the other models, until a reading fits the
// ink; the reading that fits best replaces the line.
// `found` counts the lines lost for their fit, their script or a blot, and those lost for a hole
// alone that a reading filled.
struct LostLineCount {
  int found = 0;
  int rescued = 0;
};
LostLineCount RereadLostLines(const cv::Mat& upright, int page, OcrEngine& engine,
                              const PageJobOptions& options, const std::vector<ColumnBand>& bands,
                              OcrPage& ocr) {
  const LostLineOptions& lost_options = options.lost_lines;
  std::vector<LostLine> lost = FindLostLines(upright, ocr, lost_options);
  LostLineCount count;
  for (LostLine& line : lost) {
    KeepToColumn(line.region, bands);
    std::vector<OcrPage> readings = {ReadingOfLine(ocr, line.region)};
    // An earlier lost line's rescue took this one in (the two halves of one row, each read
    // short): nothing is left to replace, and its reading would take the rescue out again.
    if (readings[0].blocks.empty()) continue;
    std::vector<RegionImage> cuts = {RegionImage{}};
    auto read = [&](OcrEngine* reader, double scale) {
      if (!reader) return false;
      RegionImage cut = CutRegion(upright, line.region, options.reread, scale);
      readings.push_back(reader->Recognize(cut.image, Segmentation::kSingleLine));
      cuts.push_back(std::move(cut));
      // (A reading that fits and is kept: one that left the hole as the page read it goes on.)
      return FitsInk(readings.back(), line.ink.ink_cells, lost_options) &&
             ChooseFittingReading({readings.front(), readings.back()}, line.ink.ink_cells,
                                  lost_options, line.hole_cells) == 1;
    };
    bool fitted = false;
    for (const double scale : lost_options.scales) {
      if ((fitted = read(&engine, scale))) break;
    }
    for (const std::string& model : lost_options.other_models) {
      if (fitted) break;
      fitted = read(engine.Alternate(model), 1.0);
    }
    const size_t chosen = ChooseFittingReading(readings, line.ink.ink_cells, lost_options,
                                               line.hole_cells);
    // The pieces of the line read apart go with it, or stay when the rescue is not kept.
    bool merged = false;
    if (chosen > 0) {
      OcrPage rescued = ocr;
      DropRepeatedPieces(rescued, line.region.box, *line.region.replaces, readings[chosen].Text());
      merged = MergeRegion(rescued, line.region, cuts[chosen], readings[chosen], options.reread);
      if (merged) ocr = std::move(rescued);
    }
    count.rescued += merged ? 1 : 0;
    // (A hole no reading filled is mostly OCR's loose boxes over a line read whole: no doubt.)
    count.found += line.for_hole && !merged ? 0 : 1;
    spdlog::info("page {}: lost line {:?} over {:.0f} cells of ink, {} readings: {}", page,
                 readings[0].Text(), line.ink.ink_cells, readings.size() - 1,
                 merged ? fmt::format("rescued as {:?}", readings[chosen].Text())
                        : std::string("still lost"));
  }
  return count;
}

// A stage that refines a page: when it throws, whatever it had half changed is put back (the
// caller's `restore`) and a review item names the stage and the error. Only the first OCR pass
// can leave a page without text (page-failed); a refinement that fails leaves the page as the
// stage before it left it.
template <typename Fn, typename Restore>
bool Refine(const char* stage, int page, PageResult& result, Fn&& fn, Restore&& restore) {
  try {
    RunStage(stage, page, result.times, fn);
    return true;
  } catch (const std::exception& e) {
    restore();
    spdlog::warn("page {}: stage {} failed, the page is kept as it was before it: {}", page,
                 stage, e.what());
    result.review.push_back({.page = page,
                             .reason = "stage-failed",
                             .detail = fmt::format("{}: {}", stage, e.what())});
    return false;
  }
}

// A refinement of the page's OCR: on failure the OCR is put back as the stage found it.
template <typename Fn>
void RefineOcr(const char* stage, int page, PageResult& result, Fn&& fn) {
  OcrPage before = result.ocr;
  Refine(stage, page, result, fn, [&] { result.ocr = std::move(before); });
}

// The vote's other models (not the page's own), each once, in the voters' order.
std::vector<std::string> OtherModels(const LineVoteOptions& vote) {
  std::vector<std::string> models;
  for (const LineVoter& voter : vote.voters) {
    if (!voter.model.empty() &&
        std::find(models.begin(), models.end(), voter.model) == models.end()) {
      models.push_back(voter.model);
    }
  }
  return models;
}

OcrEngine* DigitsEngine(const PageJobOptions& options) {
  return options.digits_engine ? options.digits_engine(options.folio.digits_model)
                               : FolioDigitsEngine(options.folio.digits_model);
}

}  // namespace

PageResult ProcessPage(const RasterPage& page, OcrEngine& engine, const PageJobOptions& options) {
  PageResult result;
  PageRecord& record = result.record;
  record.index = page.index;
  record.dpi = page.dpi;
  record.native_resolution = page.native;
  record.width = page.gray.cols;
  record.height = page.gray.rows;
  KeepIntermediate(options, page.index, "raster", page.gray);

  try {
    // Deskew and scale, as the page stands or turned upright. Each only improves the page for
    // OCR: one that fails leaves the page unlevelled or unscaled, which OCR still reads.
    cv::Mat level, scaled;
    ScaleEstimate scale;
    auto level_and_scale = [&](const cv::Mat& gray) {
      level = gray;
      record.skew_degrees = 0;
      record.skew_confidence = 0;
      Refine("deskew", page.index, result, [&] {
        const SkewEstimate skew = EstimateSkew(gray, options.deskew);
        level = ApplyDeskew(gray, skew);
        record.skew_degrees = skew.degrees;
        record.skew_confidence = skew.confidence;
      }, [&] {
        level = gray;
        record.skew_degrees = 0;
        record.skew_confidence = 0;
      });
      scaled = level;
      scale = ScaleEstimate{};
      Refine("scale", page.index, result, [&] {
        const ScaleEstimate estimate = EstimateScale(level, options.scale);
        scaled = ApplyScale(level, estimate);
        scale = estimate;
      }, [&] {
        scaled = level;
        scale = ScaleEstimate{};
      });
      record.scale = scale.factor;
    };
    level_and_scale(page.gray);

    // A page turned a quarter: its lines run down the image. It is turned upright and deskewed
    // and scaled again, the skew measured on the turned page being meaningless.
    OrientationEstimate orientation;
    Refine("orientation", page.index, result, [&] {
      orientation = EstimateOrientation(scaled, engine, options.orientation);
    }, [&] { orientation = OrientationEstimate{}; });
    if (orientation.rotation != 0) {
      record.rotation = orientation.rotation;
      level_and_scale(TurnClockwise(page.gray, orientation.rotation));
    }
    KeepIntermediate(options, page.index, "deskew", level);
    KeepIntermediate(options, page.index, "scale", scaled);
    const cv::Mat uncleaned = scaled;
    Refine("cleanup", page.index, result, [&] { scaled = CleanPage(scaled, options.cleanup); },
           [&] { scaled = uncleaned; });
    KeepIntermediate(options, page.index, "cleanup", scaled);

    // The first OCR pass: the one failure (with rasterizing) that leaves the page without text.
    cv::Mat upright = scaled;
    result.ocr = RunStage("ocr", page.index, result.times, [&] { return engine.Recognize(scaled); });
    // Upside down: a poor reading of the page is checked on a sample of its text read both
    // ways up, and only a clearly better sample turned gets the whole page read again turned.
    if (result.ocr.MeanConfidence() < options.try_upside_down_below) {
      OrientationChoice flip;
      Refine("orientation", page.index, result, [&] {
        const cv::Rect sample = SampleWindow(scaled, LineDirection::kAcross, options.orientation);
        flip = ChooseRotation(scaled, sample, {0, 180}, 0, engine, options.orientation);
      }, [&] { flip = OrientationChoice{}; });
      if (flip.rotation == 180) {
        Refine("ocr", page.index, result, [&] {
          cv::Mat turned = TurnClockwise(scaled, 180);
          OcrPage other = engine.Recognize(turned);
          if (other.MeanConfidence() <= result.ocr.MeanConfidence()) return;
          cv::Mat turned_level = TurnClockwise(level, 180);
          // Nothing below throws: the page is turned whole or not at all.
          result.ocr = std::move(other);
          upright = turned;
          level = turned_level;
          record.rotation = (record.rotation + 180) % 360;
        }, [] {});
      }
    }
    // The page's bands of columns: read again column by column where the page reading went
    // wrong in them, and the bounds of every line read again after.
    std::vector<ColumnBand> column_bands;
    if (options.read_columns_apart) {
      RefineOcr("columns", page.index, result, [&] {
        column_bands = FindColumnBands(upright, options.columns);
        for (const ColumnBand& band : column_bands) {
          const bool across = ReadAcrossGutter(result.ocr, band, options.columns);
          const bool badly = !across && ReadBadlyInBand(result.ocr, band, options.columns);
          const bool replaced = (across || badly) &&
                                ReadBandByColumns(upright, band, engine, options.columns, result.ocr);
          std::string gutters;
          for (const ColumnGutter& g : band.gutters) gutters += fmt::format(" {}..{}", g.left, g.right);
          spdlog::debug("page {}: {} columns in rows {}..{}, x {}..{}, gutters{}{}{}", page.index,
                        band.gutters.size() + 1, band.top, band.bottom, band.text_left,
                        band.text_right, gutters,
                        across ? ": a line read across a gutter, read again by columns"
                               : badly ? ": a line read badly, read again by columns" : "",
                        (across || badly) && !replaced ? " (no better: kept as read)" : "");
        }
      });
    }
    // Contents lines set with dot leaders, read again without them (stages/leaders.h).
    RefineOcr("leaders", page.index, result, [&] {
      const int lines = ReadLeaderLines(upright, engine, options.reread, options.leaders, result.ocr);
      if (lines > 0) spdlog::debug("page {}: {} line(s) with dot leaders read again", page.index, lines);
    });
    ReadingDoubts reading_doubts;
    RefineOcr("reread", page.index, result, [&] {
      DropStrayWords(result.ocr, options.reread);
      if (const int strips = DropLinesInsideLines(result.ocr)) {
        spdlog::debug("page {}: {} line(s) read inside another line's rows taken out", page.index, strips);
      }
      // The region at one size, as printed and, when it is a short line set letter-spaced, with
      // its wide gaps closed (CloseWideGaps): the more confident of the two readings.
      auto read_region = [&](const RereadRegion& region, double scale, OcrEngine* reader = nullptr) {
        if (!reader) reader = &engine;
        std::pair<RegionImage, OcrPage> best;
        best.first = CutRegion(upright, region, options.reread, scale);
        best.second = reader->Recognize(best.first.image, Segmentation::kSingleLine);
        const double glyph_in_cut = region.glyph_px * best.first.factor;
        if (auto closed = CloseWideGaps(best.first, glyph_in_cut, options.close_gaps)) {
          OcrPage read = reader->Recognize(closed->image, Segmentation::kSingleLine);
          if (read.MeanConfidence() > best.second.MeanConfidence()) {
            best = {std::move(*closed), std::move(read)};
          }
        }
        return best;
      };
      // The ink a cell of text takes on this page (MeasurePageInk), measured when first needed.
      std::optional<double> ink_cell_px;
      auto reread = [&](const std::vector<RereadRegion>& regions, const std::vector<double>& scales) {
        for (const auto& region : regions) {
          RegionImage best_cut;
          OcrPage best;
          std::vector<std::u32string> texts;
          for (const double scale : scales) {
            auto [cut, read] = read_region(region, scale);
            texts.push_back(StripWhitespace(ToU32(read.Text())));
            if (best.blocks.empty() || read.MeanConfidence() > best.MeanConfidence()) {
              best = std::move(read);
              best_cut = std::move(cut);
            }
          }
          reading_doubts.disagreeing_chars += DisagreeingCharacters(texts);
          // A surer reading that reads less than the ink holds, where the line as read fitted
          // it, is no better.
          const OcrLine* as_read = region.replaces ? result.ocr.FindLine(*region.replaces) : nullptr;
          bool short_of_ink = false;
          if (as_read && !region.extends &&
              TextCells(best.Text(), options.lost_lines.ink) <
                  TextCells(as_read->text, options.lost_lines.ink)) {
            if (!ink_cell_px) {
              ink_cell_px = MeasurePageInk(upright, result.ocr, options.lost_lines.ink).cell_px;
            }
            short_of_ink =
                ReadsShortOfInk(upright, *region.replaces, BodyGlyphHeight(result.ocr),
                                *ink_cell_px, as_read->text, best.Text(), options.lost_lines.ink);
          }
          const bool merged =
              !short_of_ink && MergeRegion(result.ocr, region, best_cut, best, options.reread);
          spdlog::debug("page {}: line at {}x{}+{}+{} ({:.0f}) read again {:?} ({:.0f}{}): {}",
                        page.index, region.box.width, region.box.height, region.box.x,
                        region.box.y, region.confidence, best.Text(), best.MeanConfidence(),
                        best_cut.columns.empty() ? "" : ", gaps closed",
                        merged ? "kept" : short_of_ink ? "dropped (short of its ink)" : "dropped");
        }
      };
      std::vector<RereadRegion> lines = FindLinesToReread(upright, result.ocr, options.reread);
      for (RereadRegion& region : lines) KeepToColumn(region, column_bands);
      reread(lines, options.reread.line_scales);
      // A glyph just past a line's end that no line covers: the line read again over it.
      std::vector<RereadRegion> ends = FindLostLineEnds(upright, result.ocr, options.reread);
      for (RereadRegion& region : ends) KeepToColumn(region, column_bands);
      reread(ends, options.reread.line_scales);
      // Ink no line covers: kept when read confidently, or when a second size reads the same.
      for (RereadRegion region : FindUnreadText(upright, result.ocr, options.reread)) {
        KeepToColumn(region, column_bands);
        auto [cut, read] = read_region(region, 1.0);
        // Tesseract's single-line mode finds no line at all in some cuts the page's model is
        // given (a one-bit page's lone "监督纵横", read as nothing at 0.9 and 1.0 of its size,
        // as a raw line as "版从模"): the vote's other models read such ink, each as the page's
        // model would, until one reads something.
        OcrEngine* reader = &engine;
        for (const std::string& model : OtherModels(options.vote)) {
          if (!StripWhitespace(ToU32(read.Text())).empty()) break;
          OcrEngine* other = engine.Alternate(model);
          if (!other) continue;
          auto [other_cut, other_read] = read_region(region, 1.0, other);
          if (StripWhitespace(ToU32(other_read.Text())).empty()) continue;
          spdlog::debug("page {}: ink no line covers at {}x{}+{}+{}: read by {} alone", page.index,
                        region.box.width, region.box.height, region.box.x, region.box.y, model);
          cut = std::move(other_cut);
          read = std::move(other_read);
          reader = other;
        }
        if (read.MeanConfidence() < options.reread.unread_confidence &&
            read.MeanConfidence() >= options.reread.confirm_confidence) {
          region.confirmed = ConfirmedByAgreement(
              read, read_region(region, options.reread.confirm_scale, reader).second,
              options.reread);
        }
        const bool merged = MergeRegion(result.ocr, region, cut, read, options.reread);
        spdlog::debug("page {}: ink no line covers at {}x{}+{}+{} read {:?} ({:.0f}{}{}): {}",
                      page.index, region.box.width, region.box.height, region.box.x,
                      region.box.y, read.Text(), read.MeanConfidence(),
                      cut.columns.empty() ? "" : ", gaps closed",
                      region.confirmed ? ", confirmed at a second size" : "",
                      merged ? "kept" : "dropped");
      }
      // Again: a line read again was widened to the ink of its row, marks included.
      DropStrayWords(result.ocr, options.reread);
    });
    LostLineCount lost_lines;
    RefineOcr("lost-lines", page.index, result, [&] {
      lost_lines = RereadLostLines(upright, page.index, engine, options, column_bands, result.ocr);
    });
    RefineOcr("vote", page.index, result,
              [&] { VoteOnLines(level, scale.factor, engine, options, result.ocr); });
    RefineOcr("quotes", page.index, result, [&] {
      const int marks = RepairQuotes(upright, scale.glyph_height_px * scale.factor, engine,
                                     options.reread, options.quotes, result.ocr);
      if (marks > 0) {
        spdlog::debug("page {}: {} quote(s) the page reading dropped put in", page.index, marks);
      }
      if (const int dots = PutBackMiddleDots(upright, result.ocr)) {
        spdlog::debug("page {}: {} middle dot(s) the page reading dropped put back", page.index, dots);
      }
    });
    // Lines set solid in Han read a character long: the character no other model reads goes.
    RefineOcr("cells", page.index, result, [&] {
      const double glyph = scale.glyph_height_px * scale.factor;
      for (const LineReadLong& found : FindLinesReadLong(upright, result.ocr, glyph, options.cells)) {
        OcrLine& line = result.ocr.blocks[found.block].lines[found.line];
        const RereadRegion region{.box = line.box, .glyph_px = BodyGlyphHeight(result.ocr)};
        const RegionImage cut = CutRegion(upright, region, options.reread, 1.0);
        std::vector<std::u32string> others;
        for (const std::string& model : OtherModels(options.vote)) {
          if (OcrEngine* reader = engine.Alternate(model)) {
            others.push_back(ToU32(reader->Recognize(cut.image, Segmentation::kSingleLine).Text()));
          }
        }
        const auto extra = CharacterNoOtherReads(ToU32(line.text), others);
        std::string read_by_others;
        for (const auto& other : others) read_by_others += " | " + ToUtf8(StripWhitespace(other));
        spdlog::debug("page {}: line {:?} {:.2f} cell(s) long, read by the other models{}: {}",
                      page.index, line.text, found.excess, read_by_others,
                      extra ? "one character taken out" : "left as read");
        if (extra) line.EraseCharacters({*extra});
      }
    });
    RefineOcr("folio", page.index, result, [&] {
      const double glyph = scale.glyph_height_px * scale.factor;
      const auto shape = FindFolio(upright, glyph, options.folio);
      OcrEngine* digits = shape ? DigitsEngine(options) : nullptr;
      if (digits) {
        const auto line = ReadFolio(upright, *shape, *digits, options.folio);
        if (line) PlaceFolio(result.ocr, *line);
        spdlog::debug("page {}: folio's shape at {}x{}+{}+{}, read {:?}", page.index,
                      shape->Whole().width, shape->Whole().height, shape->Whole().x,
                      shape->Whole().y, line ? line->text : "(nothing sure)");
      } else {
        spdlog::debug("page {}: {}", page.index, shape ? "no digits model" : "no folio's shape");
      }
    });
    RefineOcr("numbers", page.index, result, [&] {
      const double glyph = scale.glyph_height_px * scale.factor;
      if (OcrEngine* digits = DigitsEngine(options)) {
        RereadNumbers(upright, glyph, *digits, options.folio, result.ocr);
        CheckNumbersByInk(upright, glyph, *digits, options.folio, result.ocr);
        RereadDateSlots(upright, glyph, *digits, options.folio, result.ocr);
      }
    });
    RefineOcr("doubt", page.index, result, [&] {
      reading_doubts.lost_lines = lost_lines.found;
      record.doubt = EstimateLineErrors(upright, result.ocr, reading_doubts,
                                        Lexicon::Load(options.doubt.lexicon), options.doubt);
      record.doubt.lines_lost = lost_lines.found;
      record.doubt.lines_rescued = lost_lines.rescued;
      record.estimated_cer = EstimateCer(record.doubt, options.doubt);
    });
    // The page's ink, for the layout to tell a gutter from white that OCR's boxes leave between
    // the characters of a row (stages/regions.h).
    Refine("ink-grid", page.index, result, [&] {
      result.ocr.ink = MeasureInkGrid(upright, BodyGlyphHeight(result.ocr), scale.factor);
    }, [&] { result.ocr.ink = InkGrid{}; });
    // `level` is the deskewed page turned upright: the boxes, the size recorded and the image
    // kept all refer to it.
    UnscaleBoxes(result.ocr, scale.factor, level.size());
    record.width = level.cols;
    record.height = level.rows;
    if (options.image_jpeg_quality > 0) {
      Refine("image", page.index, result, [&] {
        std::vector<uchar> bytes;
        cv::imencode(".jpg", level, bytes,
                     {cv::IMWRITE_JPEG_QUALITY, options.image_jpeg_quality,
                      cv::IMWRITE_JPEG_OPTIMIZE, 1});
        result.image_jpeg.assign(bytes.begin(), bytes.end());
      }, [&] { result.image_jpeg.clear(); });
    }
  } catch (const std::exception& e) {
    result.failed = true;
    result.ocr = OcrPage{.width = record.width, .height = record.height};
    result.review.push_back(
        {.page = page.index, .reason = "page-failed", .detail = e.what()});
  }

  record.mean_confidence = result.ocr.MeanConfidence();
  record.text = result.ocr.Text();
  if (result.failed) record.estimated_cer = 1;  // nothing read: all of it wrong
  if (!result.failed && record.estimated_cer >= options.doubt.review_from) {
    result.review.push_back(
        {.page = page.index,
         .reason = "estimated-error",
         .detail = fmt::format("estimated character error {:.1f}% >= {:.1f}% (mean word "
                               "confidence {:.1f})",
                               100 * record.estimated_cer, 100 * options.doubt.review_from,
                               record.mean_confidence)});
  }
  return result;
}

}  // namespace qikan
