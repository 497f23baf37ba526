#include "tools/samplegen/layout.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "models/text.h"
#include "tools/samplegen/line_setter.h"

namespace qikan::samplegen {
namespace {

constexpr double kEps = 1e-6;  // mm
constexpr double kPointMm = 25.4 / 72;
constexpr double kAscent = 0.88;        // of the em, for a CJK face's ideographic box
constexpr double kInkCentre = 0.38;     // height of an ideograph's centre above the baseline
constexpr double kHeadingPitch = 1.45;  // heading line pitch in heading ems

// A line set but not yet placed: x from its box's left edge, rules relative to the line's top.
struct FlowLine {
  TextLine line;
  double pitch_mm = 0;  // 0: the next line shares this one's row
  double baseline_offset_mm = 0;
  std::vector<Rule> rules;
  enum class Owner { kNone, kArticle, kBrief } owner = Owner::kNone;
  size_t owner_index = 0;
};

// One column of a band: its left edge from the text block's and its width.
struct Frame {
  double x_mm = 0;
  double width_mm = 0;
};

// A paragraph of the body flow, set line by line at the width of the column each line
// falls in (unequal columns break the same text differently).
struct Block {
  std::string text;
  FontRole role = FontRole::kBody;
  double em_mm = 0;
  double first_indent_em = 0;
  Align align = Align::kJustify;
  Spacing spacing;
  bool compress_colon = false;
  double pitch_mm = 0;
  double extra_after_mm = 0;    // added to the last line's pitch
  double space_before_mm = 0;   // unless at the top of a column
  bool keep_with_next = false;  // a heading: itself and two lines of what follows, or a new column
  bool section_rules = false;   // the digest's banner: rules either side of its words
  FlowLine::Owner owner = FlowLine::Owner::kNone;
  size_t owner_index = 0;
};

// Page 1 of the newsletter: baselines and rules in mm from the top edge, as a 简报 masthead sets
// them: title, edition, issue number, publisher and date over a red rule, then the contents.
struct MastheadPlan {
  double title_em_mm = 19;
  double title_span_mm = 150;  // the title is letter-spaced across about this width
  double title = 52;
  double edition = 66;
  double issue_number = 77;
  double publisher_and_date = 90;
  double red_rule = 94.5;
  double red_rule_thickness_mm = 1.0;
  double contents_heading = 112;
  double space_below_rule = 8;  // to the first article, where there are no contents
  double first_entry = 128;
};

TextLine Shifted(TextLine line, double dx_mm) {
  for (PlacedGlyph& g : line.glyphs) g.x_mm += dx_mm;
  return line;
}

// Appends `tail` to `head` on the same baseline, shifted right by `dx_mm`.
void AppendOnBaseline(TextLine& head, const TextLine& tail, double dx_mm) {
  for (PlacedGlyph g : tail.glyphs) {
    g.x_mm += dx_mm;
    head.glyphs.push_back(g);
  }
  head.text += ' ';
  head.text += tail.text;
}

class Paginator {
 public:
  Paginator(const LayoutOptions& options, size_t articles, size_t briefs) : options_(options) {
    placement_.articles.resize(articles);
    placement_.briefs.resize(briefs);
    NewPage();
  }

  void NewPage() {
    pages_.push_back(PageLayout{.number = static_cast<int>(pages_.size()) + 1});
    y_ = options_.text_top_mm;
  }

  bool AtPageTop() const { return y_ <= options_.text_top_mm + kEps; }
  double Y() const { return y_; }
  void SetY(double y_mm) { y_ = y_mm; }

  // A line set elsewhere, its box's left edge at `x_mm` and its top at `top_mm`.
  void PutFlow(const FlowLine& line, double x_mm, double top_mm) { Put(line, x_mm, top_mm); }

  // Lines spanning the text block; moves to a new page unless they and `keep_after_mm` of what
  // follows fit.
  void PlaceFullWidth(const std::vector<FlowLine>& lines, double space_before_mm,
                      double keep_after_mm) {
    double need = keep_after_mm + (AtPageTop() ? 0 : space_before_mm);
    for (const FlowLine& l : lines) need += l.pitch_mm;
    if (!AtPageTop() && y_ + need > options_.text_bottom_mm + kEps) NewPage();
    if (!AtPageTop()) y_ += space_before_mm;
    for (const FlowLine& l : lines) {
      Put(l, options_.margin_left_mm, y_);
      y_ += l.pitch_mm;
    }
  }

  // Lines ending at the bottom of the text block, on a new page if the current one is too full.
  void PlaceAtBottom(const std::vector<FlowLine>& lines, double space_before_mm) {
    double height = 0;
    for (const FlowLine& l : lines) height += l.pitch_mm;
    if (y_ + space_before_mm + height > options_.text_bottom_mm + kEps) NewPage();
    double y = options_.text_bottom_mm - height;
    for (const FlowLine& l : lines) {
      Put(l, options_.margin_left_mm, y);
      y += l.pitch_mm;
    }
    y_ = options_.text_bottom_mm;
  }

  void PutAt(const TextLine& line, double x_mm, double baseline_mm) {
    FlowLine l{.line = line, .pitch_mm = 0, .baseline_offset_mm = 0};
    Put(l, x_mm, baseline_mm);
  }

  void AddRule(const Rule& rule) { pages_.back().rules.push_back(rule); }

  PageLayout& Page() { return pages_.back(); }

  IssueLayout Finish(LineSetter& setter) {
    const double em = 14 * kPointMm;
    for (PageLayout& page : pages_) {
      if (page.number < 2) continue;
      // Outer folios sit at the edge away from the spine: left on even pages, right on odd.
      const Align align = !options_.folio_outer  ? Align::kCentre
                          : page.number % 2 == 0 ? Align::kLeft
                                                 : Align::kRight;
      TextLine folio = setter.Line("— " + std::to_string(page.number) + " —", FontRole::kBody, em,
                                   options_.text_width_mm, align);
      for (PlacedGlyph& g : folio.glyphs) g.x_mm += options_.margin_left_mm;
      folio.baseline_mm = options_.page_number_baseline_mm;
      page.lines.push_back(std::move(folio));
    }
    return IssueLayout{.pages = std::move(pages_), .placement = std::move(placement_)};
  }

 private:
  void Put(const FlowLine& l, double x_mm, double top_mm) {
    TextLine line = l.line;
    for (PlacedGlyph& g : line.glyphs) g.x_mm += x_mm;
    line.baseline_mm = top_mm + l.baseline_offset_mm;
    PageLayout& page = pages_.back();
    for (Rule r : l.rules) {
      r.x0_mm += x_mm;
      r.x1_mm += x_mm;
      r.y_mm += top_mm;
      page.rules.push_back(r);
    }
    if (!line.glyphs.empty()) page.lines.push_back(std::move(line));
    Record(l, page.number);
  }

  void Record(const FlowLine& l, int page) {
    if (l.owner == FlowLine::Owner::kArticle) {
      Placement::Span& span = placement_.articles.at(l.owner_index);
      if (span.start_page == 0) span.start_page = page;
      span.end_page = page;
    } else if (l.owner == FlowLine::Owner::kBrief) {
      int& first = placement_.briefs.at(l.owner_index);
      if (first == 0) first = page;
    }
  }

  const LayoutOptions& options_;
  std::vector<PageLayout> pages_;
  Placement placement_;
  double y_ = 0;
};

class IssueSetter {
 public:
  // `toc_pages`: where the articles and briefs start, for a contents list with page numbers.
  IssueSetter(const IssueContent& content, const LayoutOptions& options, FontSet& fonts,
              const Placement& toc_pages)
      : content_(content),
        options_(options),
        fonts_(fonts),
        setter_(fonts),
        pages_(options, content.articles.size(), content.briefs.size()),
        toc_pages_(toc_pages) {
    columns_ = options.columns == ColumnMode::kTwoColumn     ? 2
               : options.columns == ColumnMode::kThreeColumn ? 3
                                                             : 1;
    column_width_mm_ =
        columns_ > 1 ? (options.text_width_mm - (columns_ - 1) * options.column_gap_mm) / columns_
                     : options.text_width_mm;
    body_em_ = columns_ == 2   ? column_width_mm_ / options.column_chars_per_line
               : columns_ == 3 ? column_width_mm_ / options.narrow_column_chars_per_line
                               : options.text_width_mm / options.body_chars_per_line;
    toc_em_ = options.text_width_mm / options.body_chars_per_line;
    pitch_ = body_em_ * options.line_spacing;
    heading_em_ = options.text_width_mm / options.heading_chars_per_line;
    column_heading_em_ = std::min(heading_em_, 1.35 * body_em_);
    heading_align_ = options.heading_align_left ? Align::kLeft : Align::kCentre;
    SetFrames();
  }

  IssueLayout Run() {
    SetMasthead();
    if (options_.toc_form == TocForm::kNone) {
      pages_.SetY(masthead_.red_rule + masthead_.space_below_rule);
    } else {
      SetContents();
      if (options_.toc_on_own_page) pages_.NewPage();
    }
    if (columns_ > 1 && options_.heading_span_columns) {
      // Headings inside the columns: the articles and the digest run on as one flow, so an
      // article may start mid-column or atop the next column beside the last one's end.
      std::vector<Block> flow;
      for (size_t i = 0; i < content_.articles.size(); ++i) AppendArticleBlocks(i, true, flow);
      AppendBriefBlocks(true, flow);
      PourSegment(flow);
    } else {
      for (size_t i = 0; i < content_.articles.size(); ++i) SetArticle(i);
      SetBriefs();
    }
    SetColophon();
    return pages_.Finish(setter_);
  }

 private:
  double Left() const { return options_.margin_left_mm; }
  double Width() const { return options_.text_width_mm; }

  void SetMasthead() {
    const IssueInfo& issue = content_.issue;
    const double em = masthead_.title_em_mm;
    const auto chars = static_cast<double>(ToU32(issue.title).size());
    const double tracking =
        chars > 1
            ? std::clamp((masthead_.title_span_mm - em * chars) / (em * (chars - 1)), 0.0, 0.5)
            : 0;
    TextLine title = setter_.Line(issue.title, FontRole::kTitle, em, Width(), Align::kCentre,
                                  Spacing{.tracking_em = tracking});
    title.ink = Ink::kRed;
    pages_.PutAt(title, Left(), masthead_.title);
    pages_.PutAt(setter_.Line(EditionLine(issue), FontRole::kBody, toc_em_, Width(), Align::kCentre,
                              Spacing{.cjk_space_em = 1.0}),
                 Left(), masthead_.edition);
    pages_.PutAt(
        setter_.Line(IssueNumberLine(issue), FontRole::kBody, toc_em_, Width(), Align::kCentre),
        Left(), masthead_.issue_number);
    pages_.PutAt(
        setter_.Line(PublisherLine(issue), FontRole::kBody, toc_em_, Width(), Align::kLeft), Left(),
        masthead_.publisher_and_date);
    pages_.PutAt(setter_.Line(DateLine(issue), FontRole::kBody, toc_em_, Width(), Align::kRight),
                 Left(), masthead_.publisher_and_date);
    pages_.AddRule(Rule{.x0_mm = Left(),
                        .x1_mm = Left() + Width(),
                        .y_mm = masthead_.red_rule,
                        .thickness_mm = masthead_.red_rule_thickness_mm,
                        .ink = Ink::kRed});
  }

  // The contents list, in the form the options ask: the inline form puts a column's name in
  // bold before its first title, further titles (and wrapped lines) under the first title; the
  // stacked and banner forms give the name (or 【name】) a line of its own above its titles. A
  // list too long for page 1 is set smaller.
  void SetContents() {
    pages_.PutAt(setter_.Line("目 录", FontRole::kHeading, heading_em_, Width(), Align::kCentre,
                              Spacing{.cjk_space_em = 1.5}),
                 Left(), masthead_.contents_heading);
    double em = toc_em_;
    std::vector<TextLine> lines = ContentsLines(em);
    const double room = options_.text_bottom_mm - masthead_.first_entry;
    while (static_cast<double>(lines.size() - 1) * em * options_.line_spacing > room + kEps &&
           em > 0.6 * toc_em_) {
      em *= 0.92;
      lines = ContentsLines(em);
    }
    const double toc_pitch = em * options_.line_spacing;
    double baseline = masthead_.first_entry;
    for (const TextLine& line : lines) {
      pages_.PutAt(line, 0, baseline);
      baseline += toc_pitch;
    }
  }

  std::vector<TextLine> ContentsLines(double em) {
    const TocForm form = options_.toc_form;
    size_t longest_column = 0;
    for (const Article& a : content_.articles) {
      longest_column = std::max(longest_column, ToU32(a.column).size());
    }
    const double label_x = em;
    const double title_x =
        label_x + (form == TocForm::kInline
                       ? static_cast<double>(std::max<size_t>(5, longest_column + 1))
                       : static_cast<double>(options_.toc_indent_chars)) *
                      em;
    const double reserve = options_.toc_page_numbers ? 3.5 * em : 0;
    const FontRole label_role = options_.toc_label_bold ? FontRole::kLabel : FontRole::kBody;
    std::vector<TextLine> out;
    std::optional<std::string> previous_column;
    auto entry = [&](const std::string& column, const std::string& title, int page) {
      const bool new_column = previous_column != column;
      if (new_column && form != TocForm::kInline) {
        const std::string label = form == TocForm::kBanner ? "【" + column + "】" : column;
        out.push_back(
            Shifted(setter_.Line(label, label_role, em, Width(), Align::kLeft), Left() + label_x));
      }
      std::vector<TextLine> lines = setter_.Paragraph(
          title, FontRole::kBody, em, Width() - title_x - reserve, 0, 0, Align::kLeft);
      for (size_t i = 0; i < lines.size(); ++i) {
        TextLine line = Shifted(lines[i], Left() + title_x);
        if (options_.toc_page_numbers && i + 1 == lines.size()) AddLeaders(line, page, em);
        if (i == 0 && new_column && form == TocForm::kInline) {
          TextLine label = Shifted(setter_.Line(column, label_role, em, Width(), Align::kLeft),
                                   Left() + label_x);
          AppendOnBaseline(label, line, 0);
          line = std::move(label);
        }
        out.push_back(std::move(line));
      }
      previous_column = column;
    };
    for (size_t i = 0; i < content_.articles.size(); ++i) {
      const Article& a = content_.articles[i];
      entry(a.column, a.title,
            i < toc_pages_.articles.size() ? toc_pages_.articles[i].start_page : 0);
    }
    if (!content_.briefs.empty()) {
      entry(content_.brief_column, BriefCountTitle(content_.briefs.size()),
            toc_pages_.briefs.empty() ? 0 : toc_pages_.briefs.front());
    }
    return out;
  }

  // Dot leaders from the end of `line` to `page`, set flush with the right margin.
  void AddLeaders(TextLine& line, int page, double em) {
    double end = Left();
    for (const PlacedGlyph& g : line.glyphs) {
      end = std::max(end, g.x_mm + fonts_.AdvanceEm(g.role, g.code) * g.em_mm);
    }
    const std::string number = std::to_string(page);
    TextLine folio =
        Shifted(setter_.Line(number, FontRole::kBody, em, Width(), Align::kRight), Left());
    double number_left = Left() + Width();
    for (const PlacedGlyph& g : folio.glyphs) number_left = std::min(number_left, g.x_mm);
    const double start = end + 0.25 * em;
    const int count =
        std::max(2, static_cast<int>(std::floor((number_left - 0.25 * em - start) / em)));
    std::string leaders;
    for (int k = 0; k < count; ++k) {
      line.glyphs.push_back(
          PlacedGlyph{.code = U'…', .x_mm = start + k * em, .role = FontRole::kBody, .em_mm = em});
      leaders += "…";
    }
    for (const PlacedGlyph& g : folio.glyphs) line.glyphs.push_back(g);
    line.text += leaders + number;
  }

  std::vector<FlowLine> HeadingLines(std::string_view text, double tracking_em,
                                     FlowLine::Owner owner, size_t index,
                                     Align align = Align::kCentre) {
    std::vector<FlowLine> out;
    const double pitch = heading_em_ * kHeadingPitch;
    for (TextLine& line : setter_.Paragraph(text, FontRole::kHeading, heading_em_, Width(), 0, 0,
                                            align, Spacing{.tracking_em = tracking_em}, true)) {
      out.push_back(
          FlowLine{.line = std::move(line),
                   .pitch_mm = pitch,
                   .baseline_offset_mm = (pitch - heading_em_) / 2 + kAscent * heading_em_,
                   .rules = {},
                   .owner = owner,
                   .owner_index = index});
    }
    out.back().pitch_mm += 0.35 * pitch_;
    return out;
  }

  // A heading across the text block, then the article's text in the columns below it.
  void SetArticle(size_t index) {
    const Article& a = content_.articles[index];
    pages_.PlaceFullWidth(
        HeadingLines(a.title, 0, FlowLine::Owner::kArticle, index, heading_align_), 0.9 * pitch_,
        2 * pitch_);
    std::vector<Block> body;
    AppendArticleBlocks(index, false, body);
    PourSegment(body);
  }

  void SetBriefs() {
    if (content_.briefs.empty()) return;
    std::vector<FlowLine> banner =
        HeadingLines(content_.brief_column, 0.6, FlowLine::Owner::kNone, 0);
    // Rules either side of the banner's words, as the print's section bar.
    double text_left = Width(), text_right = 0;
    for (const PlacedGlyph& g : banner.front().line.glyphs) {
      text_left = std::min(text_left, g.x_mm);
      text_right = std::max(text_right, g.x_mm + g.em_mm);
    }
    const double rule_y = banner.front().baseline_offset_mm - kInkCentre * heading_em_;
    banner.front().rules = {
        Rule{.x0_mm = 0, .x1_mm = text_left - heading_em_, .y_mm = rule_y, .thickness_mm = 0.8},
        Rule{.x0_mm = text_right + heading_em_,
             .x1_mm = Width(),
             .y_mm = rule_y,
             .thickness_mm = 0.8}};
    pages_.PlaceFullWidth(banner, 1.2 * pitch_, 2 * pitch_);
    std::vector<Block> briefs;
    AppendBriefBlocks(false, briefs);
    PourSegment(briefs);
  }

  void SetColophon() {
    const Colophon& c = content_.colophon;
    if (c.distribution.empty() && c.editor.empty() && c.phone.empty()) return;
    const double em = 14 * kPointMm;
    const double pitch = em * 1.6;
    const double baseline = (pitch - em) / 2 + kAscent * em;
    const double inset = em / 2;
    std::vector<FlowLine> lines;
    for (size_t i = 0; i < c.distribution.size(); ++i) {
      const std::string text = (i == 0 ? "送：" : "") + c.distribution[i];
      const double first_indent = i == 0 ? 0 : 2;
      for (TextLine& line : setter_.Paragraph(text, FontRole::kBody, em, Width() - 2 * inset,
                                              first_indent, 2, Align::kJustify)) {
        lines.push_back(FlowLine{.line = Shifted(std::move(line), inset),
                                 .pitch_mm = pitch,
                                 .baseline_offset_mm = baseline});
      }
    }
    const TextLine editor = setter_.Line("本期责任编辑：" + c.editor, FontRole::kBody, em,
                                         Width() - 2 * inset, Align::kLeft);
    const TextLine phone =
        setter_.Line("电话：" + c.phone, FontRole::kBody, em, Width() - 2 * inset, Align::kRight);
    lines.push_back(
        FlowLine{.line = Shifted(editor, inset), .pitch_mm = 0, .baseline_offset_mm = baseline});
    lines.push_back(
        FlowLine{.line = Shifted(phone, inset), .pitch_mm = pitch, .baseline_offset_mm = baseline});
    auto rule = [&](double y, double thickness) {
      return Rule{.x0_mm = 0, .x1_mm = Width(), .y_mm = y, .thickness_mm = thickness};
    };
    lines.front().rules.push_back(rule(0, 0.35));
    if (!c.distribution.empty()) lines[lines.size() - 2].rules.push_back(rule(0, 0.25));
    lines.back().rules.push_back(rule(pitch, 0.35));
    pages_.PlaceAtBottom(lines, 2 * pitch_);
  }

  void SetFrames() {
    if (columns_ == 1) {
      frames_ = {Frame{.x_mm = 0, .width_mm = Width()}};
      return;
    }
    std::vector<double> shares(static_cast<size_t>(columns_), 1.0);
    if (options_.unequal_columns)
      shares = columns_ == 2 ? std::vector<double>{3, 2} : std::vector<double>{4, 3, 3};
    double total = 0;
    for (double s : shares) total += s;
    const double room = Width() - (columns_ - 1) * options_.column_gap_mm;
    double x = 0;
    for (double s : shares) {
      frames_.push_back(Frame{.x_mm = x, .width_mm = room * s / total});
      x += frames_.back().width_mm + options_.column_gap_mm;
    }
  }

  Block BodyBlock(std::string text, Align align, const Spacing& spacing, double indent_em,
                  FlowLine::Owner owner, size_t index) const {
    return Block{.text = std::move(text),
                 .em_mm = body_em_,
                 .first_indent_em = indent_em,
                 .align = align,
                 .spacing = spacing,
                 .pitch_mm = pitch_,
                 .owner = owner,
                 .owner_index = index};
  }

  Block ColumnHeadingBlock(std::string text, double tracking_em, Align align, double space_before,
                           FlowLine::Owner owner, size_t index) const {
    return Block{.text = std::move(text),
                 .role = FontRole::kHeading,
                 .em_mm = column_heading_em_,
                 .align = align,
                 .spacing = Spacing{.tracking_em = tracking_em},
                 .compress_colon = true,
                 .pitch_mm = column_heading_em_ * kHeadingPitch,
                 .extra_after_mm = 0.35 * pitch_,
                 .space_before_mm = space_before,
                 .keep_with_next = true,
                 .owner = owner,
                 .owner_index = index};
  }

  void AppendArticleBlocks(size_t index, bool with_heading, std::vector<Block>& to) const {
    const Article& a = content_.articles[index];
    const auto owner = FlowLine::Owner::kArticle;
    if (with_heading) {
      to.push_back(ColumnHeadingBlock(a.title, 0, heading_align_, 0.9 * pitch_, owner, index));
    }
    for (const std::string& p : a.paragraphs) {
      to.push_back(BodyBlock(p, Align::kJustify, {}, 2, owner, index));
    }
    to.push_back(BodyBlock(a.attribution.raw, Align::kRight,
                           Spacing{.latin_space_em = 1.0, .cjk_space_em = 1.0}, 0, owner, index));
  }

  void AppendBriefBlocks(bool with_banner, std::vector<Block>& to) const {
    if (content_.briefs.empty()) return;
    if (with_banner) {
      Block banner = ColumnHeadingBlock(content_.brief_column, 0.6, Align::kCentre, 1.2 * pitch_,
                                        FlowLine::Owner::kNone, 0);
      banner.section_rules = true;
      to.push_back(std::move(banner));
    }
    for (size_t i = 0; i < content_.briefs.size(); ++i) {
      const Brief& b = content_.briefs[i];
      to.push_back(BodyBlock(b.text, Align::kJustify, {}, 2, FlowLine::Owner::kBrief, i));
      to.push_back(BodyBlock(b.attribution.raw, Align::kRight,
                             Spacing{.latin_space_em = 1.0, .cjk_space_em = 1.0}, 0,
                             FlowLine::Owner::kBrief, i));
    }
  }

  // Where a flow has got to: the block being set and, once it has started, its next line.
  struct FlowState {
    size_t block = 0;
    std::optional<LineSetter::Cursor> cursor;
  };

  struct Poured {
    std::vector<std::vector<std::pair<FlowLine, double>>> columns;  // lines and their tops
    FlowState end;
    double height_mm = 0;  // of the tallest column
    bool Empty() const {
      for (const auto& c : columns) {
        if (!c.empty()) return false;
      }
      return true;
    }
  };

  FlowLine MakeFlowLine(const Block& b, TextLine line, double width_mm) const {
    FlowLine fl{.line = std::move(line),
                .pitch_mm = b.pitch_mm,
                .baseline_offset_mm = (b.pitch_mm - b.em_mm) / 2 + kAscent * b.em_mm,
                .rules = {},
                .owner = b.owner,
                .owner_index = b.owner_index};
    if (b.section_rules && !fl.line.glyphs.empty()) {
      double text_left = width_mm, text_right = 0;
      for (const PlacedGlyph& g : fl.line.glyphs) {
        text_left = std::min(text_left, g.x_mm);
        text_right = std::max(text_right, g.x_mm + g.em_mm);
      }
      const double y = fl.baseline_offset_mm - kInkCentre * b.em_mm;
      if (text_left - b.em_mm > 2) {
        fl.rules.push_back(
            Rule{.x0_mm = 0, .x1_mm = text_left - b.em_mm, .y_mm = y, .thickness_mm = 0.8});
        fl.rules.push_back(
            Rule{.x0_mm = text_right + b.em_mm, .x1_mm = width_mm, .y_mm = y, .thickness_mm = 0.8});
      }
    }
    return fl;
  }

  // Height a heading block needs in a column of `width_mm` with two lines of what follows.
  double KeepHeight(const Block& b, double width_mm) {
    LineSetter::Cursor c = StartBlock(b);
    double height = b.extra_after_mm + 2 * pitch_;
    while (!c.Done()) {
      setter_.NextLine(c, width_mm);
      height += b.pitch_mm;
    }
    return height;
  }

  LineSetter::Cursor StartBlock(const Block& b) {
    return setter_.Start(b.text, b.role, b.em_mm, b.first_indent_em, 0, b.align, b.spacing,
                         b.compress_colon);
  }

  // Sets `blocks` from `state` down the columns in turn, each at most `height_mm` tall.
  Poured Pour(const std::vector<Block>& blocks, FlowState state, double height_mm) {
    Poured out;
    out.columns.resize(frames_.size());
    for (size_t c = 0; c < frames_.size() && state.block < blocks.size(); ++c) {
      const double width = frames_[c].width_mm;
      double y = 0;
      while (state.block < blocks.size()) {
        const Block& b = blocks[state.block];
        if (!state.cursor) {
          const double before = y > kEps ? b.space_before_mm : 0;
          const double need = before + (b.keep_with_next ? KeepHeight(b, width) : b.pitch_mm);
          if (y + need > height_mm + kEps) break;
          y += before;
          state.cursor = StartBlock(b);
        }
        bool full = false;
        while (!state.cursor->Done()) {
          if (y + b.pitch_mm > height_mm + kEps) {
            full = true;
            break;
          }
          FlowLine line = MakeFlowLine(b, setter_.NextLine(*state.cursor, width), width);
          if (state.cursor->Done()) line.pitch_mm += b.extra_after_mm;
          out.columns[c].emplace_back(line, y);
          y += line.pitch_mm;
        }
        if (full) break;
        state.cursor.reset();
        ++state.block;
      }
      out.height_mm = std::max(out.height_mm, y);
    }
    out.end = std::move(state);
    return out;
  }

  // Pours a run of blocks into bands of columns from the current position: full columns page
  // by page, and the last band balanced, its columns as short as they can be.
  void PourSegment(const std::vector<Block>& blocks) {
    FlowState state;
    while (state.block < blocks.size()) {
      const double top = pages_.Y();
      const double room = options_.text_bottom_mm - top;
      Poured band = Pour(blocks, state, room);
      if (band.Empty()) {
        if (pages_.AtPageTop()) throw std::runtime_error("a block taller than the page");
        pages_.NewPage();
        continue;
      }
      const bool last = band.end.block >= blocks.size();
      if (last) {
        double lo = 0, hi = room;
        for (int i = 0; i < 40 && hi - lo > 0.05; ++i) {
          const double mid = (lo + hi) / 2;
          if (Pour(blocks, state, mid).end.block >= blocks.size()) {
            hi = mid;
          } else {
            lo = mid;
          }
        }
        band = Pour(blocks, state, hi);
      }
      Commit(band, top);
      state = band.end;
      if (last) {
        pages_.SetY(top + band.height_mm);
      } else {
        pages_.NewPage();
      }
    }
  }

  void Commit(const Poured& band, double top) {
    for (size_t c = 0; c < band.columns.size(); ++c) {
      for (const auto& [line, y] : band.columns[c]) {
        pages_.PutFlow(line, Left() + frames_[c].x_mm, top + y);
      }
    }
    if (!options_.column_rule) return;
    for (size_t c = 0; c + 1 < band.columns.size(); ++c) {
      if (band.columns[c + 1].empty()) continue;
      const double x = Left() + frames_[c].x_mm + frames_[c].width_mm + options_.column_gap_mm / 2;
      pages_.AddRule(Rule{.x0_mm = x,
                          .x1_mm = x,
                          .y_mm = top + 0.2 * pitch_,
                          .thickness_mm = 0.25,
                          .y1_mm = top + band.height_mm - 0.2 * pitch_});
    }
  }

  const IssueContent& content_;
  const LayoutOptions& options_;
  FontSet& fonts_;
  LineSetter setter_;
  MastheadPlan masthead_;
  Paginator pages_;
  const Placement& toc_pages_;
  int columns_ = 1;
  std::vector<Frame> frames_;
  double column_heading_em_ = 0;
  Align heading_align_ = Align::kCentre;
  double column_width_mm_ = 0;
  double body_em_ = 0;
  double toc_em_ = 0;
  double pitch_ = 0;
  double heading_em_ = 0;
};

}  // namespace

std::string PageLayout::Text() const {
  std::string out;
  for (const TextLine& line : lines) {
    if (!out.empty()) out += '\n';
    out += line.text;
  }
  return out;
}

IssueLayout LayOutIssue(const IssueContent& content, const LayoutOptions& options, FontSet& fonts) {
  if (!options.toc_page_numbers) return IssueSetter(content, options, fonts, Placement{}).Run();
  // The contents page comes first but names pages set after it: set the issue once to learn
  // them. The contents have page 1 to themselves, so printing the numbers moves nothing.
  const IssueLayout draft = IssueSetter(content, options, fonts, Placement{}).Run();
  return IssueSetter(content, options, fonts, draft.placement).Run();
}

}  // namespace qikan::samplegen
