#include "tools/samplegen/layout.h"

#include <algorithm>
#include <cmath>
#include <optional>
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

  // Lines of one pitch flowing down `columns` columns, balanced where they end on a page.
  void PlaceColumns(const std::vector<FlowLine>& lines, int columns, double column_width_mm,
                    double gap_mm, double pitch_mm) {
    size_t next = 0;
    while (next < lines.size()) {
      const auto capacity =
          static_cast<size_t>(std::floor((options_.text_bottom_mm - y_ + kEps) / pitch_mm));
      if (capacity == 0) {
        NewPage();
        continue;
      }
      const size_t remaining = lines.size() - next;
      const size_t per_column =
          remaining <= capacity * columns ? (remaining + columns - 1) / columns : capacity;
      for (int c = 0; c < columns && next < lines.size(); ++c) {
        const double x = options_.margin_left_mm + c * (column_width_mm + gap_mm);
        for (size_t k = 0; k < per_column && next < lines.size(); ++k) {
          Put(lines[next++], x, y_ + static_cast<double>(k) * pitch_mm);
        }
      }
      y_ += static_cast<double>(per_column) * pitch_mm;
      if (next < lines.size()) NewPage();
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
      TextLine folio = setter.Line("— " + std::to_string(page.number) + " —", FontRole::kBody, em,
                                   options_.text_width_mm, Align::kCentre);
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
  IssueSetter(const IssueContent& content, const LayoutOptions& options, FontSet& fonts)
      : content_(content),
        options_(options),
        setter_(fonts),
        pages_(options, content.articles.size(), content.briefs.size()) {
    two_columns_ = options.columns == ColumnMode::kTwoColumn;
    column_width_mm_ =
        two_columns_ ? (options.text_width_mm - options.column_gap_mm) / 2 : options.text_width_mm;
    body_em_ = two_columns_ ? column_width_mm_ / options.column_chars_per_line
                            : options.text_width_mm / options.body_chars_per_line;
    toc_em_ = options.text_width_mm / options.body_chars_per_line;
    pitch_ = body_em_ * options.line_spacing;
    heading_em_ = options.text_width_mm / options.heading_chars_per_line;
  }

  IssueLayout Run() {
    SetMasthead();
    SetContents();
    if (options_.toc_on_own_page) pages_.NewPage();
    for (size_t i = 0; i < content_.articles.size(); ++i) SetArticle(i);
    SetBriefs();
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

  // The inline TOC: a column's name in bold, its first title on the same line, further titles
  // (and wrapped lines) under the first title.
  void SetContents() {
    pages_.PutAt(setter_.Line("目 录", FontRole::kHeading, heading_em_, Width(), Align::kCentre,
                              Spacing{.cjk_space_em = 1.5}),
                 Left(), masthead_.contents_heading);
    const double label_x = toc_em_;
    const double title_x = label_x + 5 * toc_em_;
    const double toc_pitch = toc_em_ * options_.line_spacing;
    double baseline = masthead_.first_entry;
    std::optional<std::string> previous_column;
    auto entry = [&](const std::string& column, const std::string& title) {
      std::vector<TextLine> lines =
          setter_.Paragraph(title, FontRole::kBody, toc_em_, Width() - title_x, 0, 0, Align::kLeft);
      for (size_t i = 0; i < lines.size(); ++i) {
        TextLine line = Shifted(lines[i], Left() + title_x);
        if (i == 0 && previous_column != column) {
          TextLine label =
              Shifted(setter_.Line(column, FontRole::kLabel, toc_em_, Width(), Align::kLeft),
                      Left() + label_x);
          AppendOnBaseline(label, line, 0);
          line = std::move(label);
        }
        pages_.PutAt(line, 0, baseline);
        baseline += toc_pitch;
      }
      previous_column = column;
    };
    for (const Article& a : content_.articles) entry(a.column, a.title);
    if (!content_.briefs.empty()) entry(BriefColumnName(), BriefCountTitle(content_.briefs.size()));
  }

  std::vector<FlowLine> BodyLines(std::string_view text, Align align, const Spacing& spacing,
                                  double indent_em, FlowLine::Owner owner, size_t index) {
    std::vector<FlowLine> out;
    for (TextLine& line : setter_.Paragraph(text, FontRole::kBody, body_em_, column_width_mm_,
                                            indent_em, 0, align, spacing)) {
      out.push_back(FlowLine{.line = std::move(line),
                             .pitch_mm = pitch_,
                             .baseline_offset_mm = (pitch_ - body_em_) / 2 + kAscent * body_em_,
                             .rules = {},
                             .owner = owner,
                             .owner_index = index});
    }
    return out;
  }

  std::vector<FlowLine> AttributionLines(const Attribution& a, FlowLine::Owner owner,
                                         size_t index) {
    // Attributions pad names with full-width spaces.
    return BodyLines(a.raw, Align::kRight, Spacing{.latin_space_em = 1.0, .cjk_space_em = 1.0}, 0,
                     owner, index);
  }

  std::vector<FlowLine> HeadingLines(std::string_view text, double tracking_em,
                                     FlowLine::Owner owner, size_t index) {
    std::vector<FlowLine> out;
    const double pitch = heading_em_ * kHeadingPitch;
    for (TextLine& line :
         setter_.Paragraph(text, FontRole::kHeading, heading_em_, Width(), 0, 0, Align::kCentre,
                           Spacing{.tracking_em = tracking_em}, true)) {
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

  void AppendLines(std::vector<FlowLine>& to, std::vector<FlowLine> lines) {
    for (FlowLine& l : lines) to.push_back(std::move(l));
  }

  void FlowColumns(const std::vector<FlowLine>& lines) {
    pages_.PlaceColumns(lines, two_columns_ ? 2 : 1, column_width_mm_, options_.column_gap_mm,
                        pitch_);
  }

  void SetArticle(size_t index) {
    const Article& a = content_.articles[index];
    pages_.PlaceFullWidth(HeadingLines(a.title, 0, FlowLine::Owner::kArticle, index), 0.9 * pitch_,
                          2 * pitch_);
    std::vector<FlowLine> body;
    for (const std::string& p : a.paragraphs) {
      AppendLines(body, BodyLines(p, Align::kJustify, {}, 2, FlowLine::Owner::kArticle, index));
    }
    AppendLines(body, AttributionLines(a.attribution, FlowLine::Owner::kArticle, index));
    FlowColumns(body);
  }

  void SetBriefs() {
    if (content_.briefs.empty()) return;
    std::vector<FlowLine> banner = HeadingLines(BriefColumnName(), 0.6, FlowLine::Owner::kNone, 0);
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
    std::vector<FlowLine> lines;
    for (size_t i = 0; i < content_.briefs.size(); ++i) {
      const Brief& b = content_.briefs[i];
      AppendLines(lines, BodyLines(b.text, Align::kJustify, {}, 2, FlowLine::Owner::kBrief, i));
      AppendLines(lines, AttributionLines(b.attribution, FlowLine::Owner::kBrief, i));
    }
    FlowColumns(lines);
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

  const IssueContent& content_;
  const LayoutOptions& options_;
  LineSetter setter_;
  MastheadPlan masthead_;
  Paginator pages_;
  bool two_columns_ = false;
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
  return IssueSetter(content, options, fonts).Run();
}

}  // namespace qikan::samplegen
