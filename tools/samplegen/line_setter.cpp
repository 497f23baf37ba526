#include "tools/samplegen/line_setter.h"

#include "models/text.h"

namespace qikan::samplegen {
namespace {

constexpr double kEps = 1e-6;

bool IsNoStart(char32_t c) {
  static constexpr std::u32string_view kNoStart = U"，。、；：？！）》」』】〕”’…—·%";
  return kNoStart.find(c) != std::u32string_view::npos;
}

bool IsNoEnd(char32_t c) {
  static constexpr std::u32string_view kNoEnd = U"（《「『【〔“‘";
  return kNoEnd.find(c) != std::u32string_view::npos;
}

bool IsLatin(char32_t c) { return c > U' ' && c < 0x7F; }

}  // namespace

// A run set as a unit: one CJK character, one space, or a whole Latin word or number.
struct LineSetter::Token {
  std::u32string chars;
  std::vector<double> advances_em;
  double width_em = 0;
  double draw_offset_em = 0;
  bool is_space = false;
  bool is_latin = false;
};

std::vector<TextLine> LineSetter::Paragraph(std::string_view text, FontRole role, double em_mm,
                                            double width_mm, double first_indent_em,
                                            double rest_indent_em, Align align,
                                            const Spacing& spacing, bool compress_colon) {
  const std::vector<Token> tokens = Tokenize(ToU32(text), role, spacing, compress_colon);
  std::vector<TextLine> lines;
  const double width_em = width_mm / em_mm;
  size_t start = 0;
  while (start < tokens.size()) {
    while (start < tokens.size() && tokens[start].is_space) ++start;
    if (start == tokens.size()) break;
    const double indent = lines.empty() ? first_indent_em : rest_indent_em;
    const size_t end = FitEnd(tokens, start, width_em - indent, spacing.tracking_em);
    if (end == tokens.size()) {
      lines.push_back(Place(tokens, start, end, role, em_mm, width_em, indent,
                            align == Align::kJustify ? Align::kLeft : align, spacing));
      break;
    }
    const size_t brk = BreakBefore(tokens, start, end);
    lines.push_back(Place(tokens, start, brk, role, em_mm, width_em, indent, align, spacing));
    start = brk;
  }
  return lines;
}

bool LineSetter::Cursor::Done() const { return !tokens_ || next_ >= tokens_->size(); }

LineSetter::Cursor LineSetter::Start(std::string_view text, FontRole role, double em_mm,
                                     double first_indent_em, double rest_indent_em, Align align,
                                     const Spacing& spacing, bool compress_colon) {
  Cursor c;
  auto tokens =
      std::make_shared<std::vector<Token>>(Tokenize(ToU32(text), role, spacing, compress_colon));
  while (c.next_ < tokens->size() && (*tokens)[c.next_].is_space) ++c.next_;
  c.tokens_ = std::move(tokens);
  c.role_ = role;
  c.em_mm_ = em_mm;
  c.first_indent_em_ = first_indent_em;
  c.rest_indent_em_ = rest_indent_em;
  c.align_ = align;
  c.spacing_ = spacing;
  return c;
}

TextLine LineSetter::NextLine(Cursor& c, double width_mm) {
  const std::vector<Token>& tokens = *c.tokens_;
  const double width_em = width_mm / c.em_mm_;
  const double indent = c.first_line_ ? c.first_indent_em_ : c.rest_indent_em_;
  c.first_line_ = false;
  const size_t start = c.next_;
  const size_t end = FitEnd(tokens, start, width_em - indent, c.spacing_.tracking_em);
  TextLine line;
  if (end == tokens.size()) {
    line = Place(tokens, start, end, c.role_, c.em_mm_, width_em, indent,
                 c.align_ == Align::kJustify ? Align::kLeft : c.align_, c.spacing_);
    c.next_ = end;
  } else {
    const size_t brk = BreakBefore(tokens, start, end);
    line = Place(tokens, start, brk, c.role_, c.em_mm_, width_em, indent, c.align_, c.spacing_);
    c.next_ = brk;
  }
  while (c.next_ < tokens.size() && tokens[c.next_].is_space) ++c.next_;
  return line;
}

size_t LineSetter::FitEnd(const std::vector<Token>& tokens, size_t start, double width_em,
                          double tracking_em) {
  size_t end = start;
  double used = 0;
  while (end < tokens.size()) {
    const double add = tokens[end].width_em + (end > start ? tracking_em : 0);
    if (used + add > width_em + kEps) break;
    used += add;
    ++end;
  }
  return end == start ? start + 1 : end;  // a token wider than the line overflows it
}

size_t LineSetter::BreakBefore(const std::vector<Token>& tokens, size_t start, size_t end) {
  if (tokens[end].is_space) return end;
  auto forbidden = [&](size_t b) {
    return IsNoStart(tokens[b].chars.front()) || IsNoEnd(tokens[b - 1].chars.back());
  };
  // Push characters down to the next line rather than start it with a closing mark (or end
  // this one with an opening mark); a line of nothing but such marks breaks where it must.
  size_t brk = end;
  while (brk > start + 1 && forbidden(brk)) --brk;
  return forbidden(brk) ? end : brk;
}

TextLine LineSetter::Line(std::string_view text, FontRole role, double em_mm, double width_mm,
                          Align align, const Spacing& spacing) {
  const std::vector<Token> tokens = Tokenize(ToU32(text), role, spacing, false);
  return Place(tokens, 0, tokens.size(), role, em_mm, width_mm / em_mm, 0, align, spacing);
}

std::vector<LineSetter::Token> LineSetter::Tokenize(const std::u32string& text, FontRole role,
                                                    const Spacing& spacing, bool compress_colon) {
  std::vector<Token> tokens;
  for (char32_t c : text) {
    const bool latin = IsLatin(c);
    if (latin && !tokens.empty() && tokens.back().is_latin) {
      tokens.back().chars += c;
      tokens.back().advances_em.push_back(fonts_.AdvanceEm(role, c));
      tokens.back().width_em += tokens.back().advances_em.back();
      continue;
    }
    Token t{
        .chars = std::u32string(1, c), .is_space = c == U' ' || c == U'\u3000', .is_latin = latin};
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
    const bool latin_side =
        (i > 0 && tokens[i - 1].is_latin) || (i + 1 < tokens.size() && tokens[i + 1].is_latin);
    tokens[i].width_em = latin_side ? spacing.latin_space_em : spacing.cjk_space_em;
    if (tokens[i].chars.front() == U'\u3000') tokens[i].width_em = 1.0;
    tokens[i].advances_em = {tokens[i].width_em};
  }
  return tokens;
}

TextLine LineSetter::Place(const std::vector<Token>& tokens, size_t begin, size_t end,
                           FontRole role, double em_mm, double width_em, double indent_em,
                           Align align, const Spacing& spacing) {
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
    case Align::kJustify:
      gap_extra = gaps > 0 ? slack / static_cast<double>(gaps) : 0;
      break;
    case Align::kLeft:
      break;
    case Align::kCentre:
      x += slack / 2;
      break;
    case Align::kRight:
      x += slack;
      break;
  }
  TextLine line;
  std::u32string text;
  for (size_t i = begin; i < end; ++i) {
    const Token& t = tokens[i];
    double cx = x + t.draw_offset_em;
    for (size_t k = 0; k < t.chars.size(); ++k) {
      text += t.is_space ? U' ' : t.chars[k];
      if (!t.is_space) {
        line.glyphs.push_back(
            PlacedGlyph{.code = t.chars[k], .x_mm = cx * em_mm, .role = role, .em_mm = em_mm});
      }
      cx += t.advances_em[k];
    }
    x += t.width_em + spacing.tracking_em + gap_extra;
  }
  line.text = ToUtf8(text);
  return line;
}

}  // namespace qikan::samplegen
