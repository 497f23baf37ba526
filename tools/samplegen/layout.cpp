#include "tools/samplegen/layout.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>

#include "models/text.h"

namespace qikan::samplegen {
namespace {

constexpr double kEps = 1e-6;
constexpr double kPointMm = 25.4 / 72;
constexpr double kAscent = 0.88;        // of the em, for a CJK face's ideographic box
constexpr double kInkCentre = 0.38;     // height of an ideograph's centre above the baseline
constexpr double kHeadingPitch = 1.45;  // heading line pitch in heading ems

enum class Align { kJustify, kLeft, kCentre, kRight };

struct Spacing {
  double latin_space_em = 0.25;  // a space next to Latin text or digits
  double cjk_space_em = 0.5;     // a space between two CJK characters
  double tracking_em = 0;        // extra space after every character but the last
};

struct Token {
  std::u32string chars;
  std::vector<double> advances_em;
  double width_em = 0;
  double draw_offset_em = 0;
  bool is_space = false;
  bool is_latin = false;
};

bool IsNoStart(char32_t c) {
  static constexpr std::u32string_view kNoStart = U"，。、；：？！）》」』】〕”’…—·%";
  return kNoStart.find(c) != std::u32string_view::npos;
}

bool IsNoEnd(char32_t c) {
  static constexpr std::u32string_view kNoEnd = U"（《「『【〔“‘";
  return kNoEnd.find(c) != std::u32string_view::npos;
}

bool IsLatin(char32_t c) { return c > U' ' && c < 0x7F; }

// A line set but not yet placed: x from its box's left edge, rules relative to the line's top.
struct FlowLine {
  TextLine line;
  double pitch_mm = 0;  // 0: the next line shares this one's row
  double baseline_offset_mm = 0;
  std::vector<Rule> rules;
  enum class Owner { kNone, kArticle, kBrief } owner = Owner::kNone;
  size_t owner_index = 0;
};

class Setter {
 public:
  explicit Setter(FontSet& fonts) : fonts_(fonts) {}

  // Breaks `text` into lines of `width_mm`, with CJK line-breaking rules (no closing punctuation
  // at a line start, no opening one at a line end) and Latin runs kept whole.
  std::vector<TextLine> Paragraph(std::string_view text, FontRole role, double em_mm,
                                  double width_mm, double first_indent_em, double rest_indent_em,
                                  Align align, const Spacing& spacing = {},
                                  bool compress_colon = false) {
    const std::vector<Token> tokens = Tokenize(ToU32(text), role, spacing, compress_colon);
    std::vector<TextLine> lines;
    const double width_em = width_mm / em_mm;
    size_t start = 0;
    while (start < tokens.size()) {
      while (start < tokens.size() && tokens[start].is_space) ++start;
      if (start == tokens.size()) break;
      const double indent = lines.empty() ? first_indent_em : rest_indent_em;
      const double avail = width_em - indent;
      size_t end = start;
      double used = 0;
      while (end < tokens.size() &&
             used + tokens[end].width_em + (end > start ? spacing.tracking_em : 0) <= avail + kEps) {
        used += tokens[end].width_em + (end > start ? spacing.tracking_em : 0);
        ++end;
      }
      if (end == tokens.size()) {
        lines.push_back(Place(tokens, start, end, role, em_mm, width_em, indent,
                              align == Align::kJustify ? Align::kLeft : align, spacing));
        break;
      }
      if (end == start) end = start + 1;  // a token wider than the line overflows it
      size_t brk = end;
      if (!tokens[end].is_space) {
        auto bad_break = [&](size_t b) {
          return (!tokens[b].chars.empty() && IsNoStart(tokens[b].chars.front())) ||
                 (!tokens[b - 1].chars.empty() && IsNoEnd(tokens[b - 1].chars.back()));
        };
        while (brk > start + 1 && bad_break(brk)) --brk;
        if (brk == start + 1 && bad_break(brk)) brk = end;
      }
      lines.push_back(Place(tokens, start, brk, role, em_mm, width_em, indent, align, spacing));
      start = brk;
    }
    return lines;
  }

  TextLine Line(std::string_view text, FontRole role, double em_mm, double width_mm, Align align,
                const Spacing& spacing = {}) {
    const std::vector<Token> tokens = Tokenize(ToU32(text), role, spacing, false);
    return Place(tokens, 0, tokens.size(), role, em_mm, width_mm / em_mm, 0, align, spacing);
  }

 private:
  std::vector<Token> Tokenize(const std::u32string& text, FontRole role, const Spacing& spacing,
                              bool compress_colon) {
    std::vector<Token> tokens;
    for (char32_t c : text) {
      const bool latin = IsLatin(c);
      if (latin && !tokens.empty() && tokens.back().is_latin) {
        tokens.back().chars += c;
        tokens.back().advances_em.push_back(fonts_.AdvanceEm(role, c));
        tokens.back().width_em += tokens.back().advances_em.back();
        continue;
      }
      Token t{.chars = std::u32string(1, c), .is_space = c == U' ' || c == U'\u3000',
              .is_latin = latin};
      double advance = t.is_space ? 0 : fonts_.AdvanceEm(role, c);
      if (compress_colon && c == U'：') {
        // Print sets the colon after a heading's locality in half a cell.
        const InkSpan ink = fonts_.InkEm(role, c);
        advance = 0.5;
        t.draw_offset_em = 0.25 - (ink.left + ink.right) / 2;
      }
      t.advances_em.push_back(advance);
      t.width_em = advance;
      tokens.push_back(std::move(t));
    }
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (!tokens[i].is_space) continue;
      const bool latin_side = (i > 0 && tokens[i - 1].is_latin) ||
                              (i + 1 < tokens.size() && tokens[i + 1].is_latin);
      tokens[i].width_em = latin_side ? spacing.latin_space_em : spacing.cjk_space_em;
      if (tokens[i].chars.front() == U'\u3000') tokens[i].width_em = 1.0;
      tokens[i].advances_em = {tokens[i].width_em};
    }
    return tokens;
  }

  TextLine Place(const std::vector<Token>& tokens, size_t begin, size_t end, FontRole role,
                 double em_mm, double width_em, double indent_em, Align align,
                 const Spacing& spacing) {
    while (begin < end && tokens[begin].is_space) ++begin;
    while (end > begin && tokens[end - 1].is_space) --end;
    double natural = 0;
    for (size_t i = begin; i < end; ++i) natural += tokens[i].width_em;
    const size_t gaps = end > begin ? end - begin - 1 : 0;
    natural += spacing.tracking_em * static_cast<double>(gaps);
    const double slack = width_em - indent_em - natural;
    double x = indent_em;
    double gap_extra = 0;
    switch (align) {
      case Align::kJustify: gap_extra = gaps > 0 ? slack / static_cast<double>(gaps) : 0; break;
      case Align::kLeft: break;
      case Align::kCentre: x += slack / 2; break;
      case Align::kRight: x += slack; break;
    }
    TextLine line;
    std::u32string text;
    for (size_t i = begin; i < end; ++i) {
      const Token& t = tokens[i];
      double cx = x + t.draw_offset_em;
      for (size_t k = 0; k < t.chars.size(); ++k) {
        text += t.is_space ? U' ' : t.chars[k];
        if (!t.is_space) {
          line.glyphs.push_back(PlacedGlyph{.code = t.chars[k], .x_mm = cx * em_mm, .role = role,
                                            .em_mm = em_mm});
        }
        cx += t.advances_em[k];
      }
      x += t.width_em + spacing.tracking_em + gap_extra;
    }
    line.text = ToUtf8(text);
    return line;
  }

  FontSet& fonts_;
};

// Appends `tail` to `head` on the same baseline, shifted right by `dx_mm`.
void AppendOnBaseline(TextLine& head, const TextLine& tail, double dx_mm) {
  for (PlacedGlyph g : tail.glyphs) {
    g.x_mm += dx_mm;
    head.glyphs.push_back(g);
  }
  head.text += " " + tail.text;
}

class Paginator {
 public:
  Paginator(const LayoutOptions& options, size_t articles, size_t briefs)
      : options_(options) {
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

  IssueLayout Finish(Setter& setter) {
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
    column_width_mm_ = two_columns_ ? (options.text_width_mm - options.column_gap_mm) / 2
                                    : options.text_width_mm;
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

  TextLine Shifted(TextLine line, double dx) {
    for (PlacedGlyph& g : line.glyphs) g.x_mm += dx;
    return line;
  }

  void SetMasthead() {
    const IssueInfo& issue = content_.issue;
    const double title_em = 19;
    const size_t title_chars = ToU32(issue.title).size();
    const double tracking = title_chars > 1 ? std::max(0.0, (150 - title_em * title_chars) /
                                                                 (title_em * (title_chars - 1)))
                                            : 0;
    TextLine title = setter_.Line(issue.title, FontRole::kTitle, title_em, Width(), Align::kCentre,
                                  Spacing{.tracking_em = std::min(tracking, 0.5)});
    title.ink = Ink::kRed;
    pages_.PutAt(title, Left(), 52);
    pages_.PutAt(setter_.Line(EditionLine(issue), FontRole::kBody, toc_em_, Width(),
                              Align::kCentre, Spacing{.cjk_space_em = 1.0}),
                 Left(), 66);
    pages_.PutAt(setter_.Line(IssueNumberLine(issue), FontRole::kBody, toc_em_, Width(),
                              Align::kCentre),
                 Left(), 77);
    pages_.PutAt(setter_.Line(PublisherLine(issue), FontRole::kBody, toc_em_, Width(), Align::kLeft),
                 Left(), 90);
    pages_.PutAt(setter_.Line(DateLine(issue), FontRole::kBody, toc_em_, Width(), Align::kRight),
                 Left(), 90);
    pages_.AddRule(Rule{.x0_mm = Left(), .x1_mm = Left() + Width(), .y_mm = 94.5,
                        .thickness_mm = 1.0, .ink = Ink::kRed});
  }

  void SetContents() {
    pages_.PutAt(setter_.Line("目 录", FontRole::kHeading, heading_em_, Width(), Align::kCentre,
                              Spacing{.cjk_space_em = 1.5}),
                 Left(), 112);
    const double label_x = toc_em_;
    const double title_x = label_x + 5 * toc_em_;
    const double toc_pitch = toc_em_ * options_.line_spacing;
    double baseline = 128;
    std::optional<std::string> previous_column;
    auto entry = [&](const std::string& column, const std::string& title) {
      std::vector<TextLine> lines = setter_.Paragraph(title, FontRole::kBody, toc_em_,
                                                      Width() - title_x, 0, 0, Align::kLeft);
      for (size_t i = 0; i < lines.size(); ++i) {
        TextLine line = Shifted(lines[i], Left() + title_x);
        if (i == 0 && previous_column != column) {
          TextLine label = setter_.Line(column, FontRole::kLabel, toc_em_, Width(), Align::kLeft);
          label = Shifted(label, Left() + label_x);
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

  std::vector<FlowLine> AttributionLines(const Attribution& a, FlowLine::Owner owner, size_t index) {
    // Attributions pad names with full-width spaces.
    return BodyLines(a.raw, Align::kRight, Spacing{.latin_space_em = 1.0, .cjk_space_em = 1.0}, 0,
                     owner, index);
  }

  std::vector<FlowLine> HeadingLines(std::string_view text, double tracking_em,
                                     FlowLine::Owner owner, size_t index) {
    std::vector<FlowLine> out;
    const double pitch = heading_em_ * kHeadingPitch;
    for (TextLine& line : setter_.Paragraph(text, FontRole::kHeading, heading_em_, Width(), 0, 0,
                                            Align::kCentre, Spacing{.tracking_em = tracking_em},
                                            true)) {
      out.push_back(FlowLine{.line = std::move(line),
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
    std::vector<FlowLine> banner =
        HeadingLines(BriefColumnName(), 0.6, FlowLine::Owner::kNone, 0);
    // Rules either side of the banner's words, as the print's section bar.
    double text_left = Width(), text_right = 0;
    for (const PlacedGlyph& g : banner.front().line.glyphs) {
      text_left = std::min(text_left, g.x_mm);
      text_right = std::max(text_right, g.x_mm + g.em_mm);
    }
    const double rule_y = banner.front().baseline_offset_mm - kInkCentre * heading_em_;
    banner.front().rules = {
        Rule{.x0_mm = 0, .x1_mm = text_left - heading_em_, .y_mm = rule_y, .thickness_mm = 0.8},
        Rule{.x0_mm = text_right + heading_em_, .x1_mm = Width(), .y_mm = rule_y,
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
        lines.push_back(FlowLine{.line = Shifted(std::move(line), inset), .pitch_mm = pitch,
                                 .baseline_offset_mm = baseline});
      }
    }
    const TextLine editor = setter_.Line("本期责任编辑：" + c.editor, FontRole::kBody, em,
                                         Width() - 2 * inset, Align::kLeft);
    const TextLine phone =
        setter_.Line("电话：" + c.phone, FontRole::kBody, em, Width() - 2 * inset, Align::kRight);
    lines.push_back(FlowLine{.line = Shifted(editor, inset), .pitch_mm = 0,
                             .baseline_offset_mm = baseline});
    lines.push_back(FlowLine{.line = Shifted(phone, inset), .pitch_mm = pitch,
                             .baseline_offset_mm = baseline});
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
  Setter setter_;
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
