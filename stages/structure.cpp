#include "stages/structure.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <chrono>
#include <limits>
#include <map>
#include <optional>
#include <numeric>
#include <set>
#include <utility>

#include "models/text.h"
#include "stages/names.h"
#include "stages/pattern.h"

namespace qikan {
namespace {

constexpr size_t kNone = static_cast<size_t>(-1);

size_t Chars(std::string_view s) { return Utf8Length(s); }

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// A stroke chi_sim reads for the digit 1 now and then in the masthead's numbers ("1]", "l", "|").
bool OneLike(char c) { return c == ']' || c == '|' || c == 'l' || c == 'I'; }

// A number read as strokes alone, with no digit in it: one or two 1-like marks standing right
// before a unit a number is printed with (日 月 期), after no digit (`7月]l日` is 7月11日).
size_t StrokeNumberAt(const std::string& text, size_t i) {
  if ((i > 0 && IsDigit(text[i - 1])) || !OneLike(text[i])) {
    return 0;
  }
  size_t end = i;
  while (end < text.size() && end - i < 2 && OneLike(text[end])) ++end;
  for (const std::string_view unit : {"日", "月", "期"}) {
    if (text.compare(end, unit.size(), unit) == 0) return end - i;
  }
  return 0;
}

// Digits read as look-alike strokes mended (`1]` is one 1, `]2` is 12, `]l日` is 11日).
std::string RepairDigits(std::string text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (const size_t strokes = StrokeNumberAt(text, i); strokes > 0) {
      out.append(strokes, '1');
      i += strokes - 1;
      continue;
    }
    const bool after_digit = !out.empty() && IsDigit(out.back());
    const bool before_digit = i + 1 < text.size() && IsDigit(text[i + 1]);
    if (OneLike(c) && after_digit && out.back() == '1') {
      continue;  // "1]" is one 1
    }
    if (OneLike(c) && (after_digit || before_digit)) {
      out += '1';
      continue;
    }
    out += c;
  }
  return out;
}

// A line's text with each number OCR read with look-alike strokes ("1I!" for 11, "1]" for 1)
// counted by its word's width: RepairDigits reads a stroke after a 1 as that 1's serif ("1]" is
// one 1), which is wrong when the word's box holds two digits. The digit's width is the line's
// numbers' own (its words of digits alone, read at 70 or more), else half its glyph.
// tune2 t24: "10月1I!日", "1I!" boxed 34 px where "10" is 39.
std::string DigitsByWidth(const LayoutLine& line) {
  auto digit_or_stroke = [](char c) { return IsDigit(c) || OneLike(c); };
  std::vector<double> widths;
  for (const auto& word : line.words) {
    const bool digits = word.text.size() >= 2 && std::all_of(word.text.begin(), word.text.end(), IsDigit);
    if (digits && word.confidence >= 70) widths.push_back(static_cast<double>(word.box.width) / word.text.size());
  }
  // (The narrowest: OCR boxes a year's four digits with the white around them, 23 px a digit
  // beside "10" at 19.5 on tune2 t24's line.)
  const double digit_px =
      widths.empty() ? 0.5 * line.glyph_ratio * line.glyph_px : *std::min_element(widths.begin(), widths.end());
  if (digit_px <= 0) return line.text;
  std::string text = line.text;
  size_t from = 0;
  for (const auto& word : line.words) {
    size_t run = 0;  // the word's leading digits and strokes
    while (run < word.text.size() && digit_or_stroke(word.text[run])) ++run;
    const std::string read = word.text.substr(0, run);
    const bool strokes = std::any_of(read.begin(), read.end(), OneLike);
    const bool digit = std::any_of(read.begin(), read.end(), IsDigit);
    if (!strokes || !digit) continue;
    std::string ones = read;
    std::replace_if(ones.begin(), ones.end(), OneLike, '1');
    const long wide = std::lround(word.box.width / digit_px);
    const auto count = [](const std::string& t) { return static_cast<long>(std::count_if(t.begin(), t.end(), IsDigit)); };
    if (count(ones) != wide || count(RepairDigits(read)) == wide) continue;
    const size_t at = text.find(read, from);
    if (at == std::string::npos) continue;
    text.replace(at, read.size(), ones);
    from = at + ones.size();
  }
  return text;
}

// A double quote, opening or closing.
bool IsDoubleQuote(char32_t c) { return c == U'“' || c == U'”'; }

// Whether the text opens as many double quotes as it closes.
bool QuotesPair(std::u32string_view text) {
  return std::count(text.begin(), text.end(), U'“') == std::count(text.begin(), text.end(), U'”');
}

// OCR fills the printed gaps between an attribution's organization and names with stray marks:
// each is a gap.
std::string MarksToGaps(std::string text) {
  for (const std::string mark :
       {"”", "“", "\"", "，", ",", "、", "·", "。", ".", "《", "》", "「", "」", "：", "；"}) {
    size_t pos = 0;
    while ((pos = text.find(mark, pos)) != std::string::npos) text.replace(pos, mark.size(), " ");
  }
  return text;
}

// OCR puts a stray closing quote into the gap before a title now and then, and reads a
// title's last closing quote as a dash.
std::string CleanTitle(std::string title) {
  while (StartsWith(title, "”") || StartsWith(title, " ")) {
    title.erase(0, StartsWith(title, " ") ? 1 : std::string("”").size());
  }
  // No title ends in a pause (a comma, a colon) or a full stop: one there is the first of the
  // leaders, or a speck, OCR read as one ("…情况报告制度，", "…第一区”.", dev4 h22).
  for (bool cut = true; cut;) {
    cut = false;
    for (const std::string_view mark : {"，", "、", "；", "：", ",", ";", ":", " ", "。", "."}) {
      if (title.size() > mark.size() && EndsWith(title, mark)) {
        title.resize(title.size() - mark.size());
        cut = true;
      }
    }
  }
  // A title quotes no empty words: an opening mark just before a closing one is a stray
  // ("第一区“”").
  for (size_t pos = title.find("“”"); pos != std::string::npos; pos = title.find("“”", pos)) {
    title.erase(pos, std::string("“").size());
  }
  auto count = [&](std::string_view mark) {
    size_t n = 0;
    for (size_t pos = title.find(mark); pos != std::string::npos; pos = title.find(mark, pos + 1)) ++n;
    return n;
  };
  if (count("“") > count("”") && !title.empty()) {
    if (title.back() == '-' || title.back() == '"' || title.back() == '\'') title.pop_back();
    // A closing quote read as an opening one (“安全网“): the last mark of an unbalanced
    // title closes.
    if (EndsWith(title, "“")) {
      title.resize(title.size() - std::string("“").size());
      title += "”";
    } else if (!EndsWith(title, "”")) {
      title += "”";
    }
  }
  return title;
}

// A stop, comma or colon at either end of a column name is dirt OCR read beside it on a poor
// page (":代表工作，" on a one-bit contents page, matrix m28): a name neither starts nor ends
// with one.
std::string TrimStopsOffName(std::string name) {
  static constexpr std::u32string_view kStops = U"：:，,。.、·；;";
  std::u32string u = ToU32(name);
  while (!u.empty() && kStops.find(u.front()) != std::u32string_view::npos) u.erase(0, 1);
  while (!u.empty() && kStops.find(u.back()) != std::u32string_view::npos) u.pop_back();
  return ToUtf8(u);
}

// OCR reads the printed gap after a column name as a quote now and then (基层之声”), and puts
// the title's opening quote with the name when it does ("法治建设”“" | "双标双带”…"): the marks
// go. Returns whether an opening quote was among them.
bool CutQuotesAfterName(std::string& name) {
  bool opening = false;
  for (bool cut = true; cut;) {
    cut = false;
    for (const std::string_view mark : {"”", "“", "\"", "'"}) {
      if (name.size() <= mark.size() || !EndsWith(name, mark)) continue;
      name.resize(name.size() - mark.size());
      opening = opening || mark == "“";
      cut = true;
    }
  }
  return opening;
}

// A short line bracketed on one side only is a 【banner】 whose other bracket OCR lost
// ("[工作研究", "代表风采]").
std::string MendBanner(std::string text) {
  if (Chars(text) < 3 || Chars(text) > 10) return text;
  const std::u32string u = ToU32(text);
  auto bracket = [](char32_t c) { return c == U'【' || c == U'[' || c == U'】' || c == U']'; };
  const bool opens = u.front() == U'【' || u.front() == U'[';
  const bool closes = u.back() == U'】' || u.back() == U']';
  if (opens == closes || std::any_of(u.begin() + 1, u.end() - 1, bracket)) return text;
  return opens ? text + "】" : "【" + text;
}

std::string RemoveSpaces(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  return s;
}

// OCR reads the full-width parentheses of attributions as angle brackets or half-width forms,
// and the opening one now and then as a book-title mark (《滨江区人大常委会…).
std::string NormalizeBrackets(std::string s) {
  if (StartsWith(s, "《") && s.find("》") == std::string::npos) s.replace(0, 3, "（");
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"〈", "（"}, {"〉", "）"}, {"(", "（"}, {")", "）"}}) {
    size_t pos = 0;
    while ((pos = s.find(from, pos)) != std::string::npos) {
      s.replace(pos, from.size(), to);
      pos += to.size();
    }
  }
  // (A speck OCR read apart after the closing bracket, "（研究室张伟钱程） ." on a one-bit page,
  // dev d10: dropped.)
  const size_t close = s.rfind("）");
  if (close != std::string::npos) {
    const size_t end = close + std::string("）").size();
    if (end < s.size() && s.find_first_not_of(" .,'`", end) == std::string::npos) {
      s.erase(end);
    }
  }
  return s;
}

// Marks prose sets and an organization's name does not: a line that holds one opens no
// attribution whose parenthesis OCR lost.
constexpr const char* kProseMarks[] = {"，", "、", "；", "：", "（", "“", "”"};

// Where an attribution's text starts: after a speck OCR read before its opening parenthesis
// (人（临平区…), at the second of two (（（临平区…). npos without one among its first characters.
size_t AttributionOpening(std::string_view text) {
  const std::u32string first = ToU32(text).substr(0, 3);
  const size_t open = first.rfind(U'（');
  return open == std::u32string::npos ? std::string::npos
                                      : ToUtf8(std::u32string_view(first).substr(0, open)).size();
}

// The place an organization begins with: up to the first of the profile's locality suffixes
// among its first six characters (西湖区 in 西湖区人大常委会办公室), else its first three.
std::string PlaceOf(const std::string& organization, const PublicationProfile& profile) {
  const std::u32string chars = ToU32(organization);
  size_t end = std::min<size_t>(3, chars.size());
  for (size_t k = 2; k <= std::min<size_t>(6, chars.size()); ++k) {
    const std::string head = ToUtf8(chars.substr(0, k));
    if (std::any_of(profile.locality_suffixes.begin(), profile.locality_suffixes.end(),
                    [&](const std::string& suffix) { return EndsWith(head, suffix); })) {
      end = k;
      break;
    }
  }
  return ToUtf8(chars.substr(0, end));
}

// Whether `text` names `place` other than right after an opening bracket (an attribution left in
// the text).
bool NamedOutsideBrackets(const std::string& text, const std::string& place) {
  for (size_t at = text.find(place); at != std::string::npos; at = text.find(place, at + 1)) {
    if (!EndsWith(std::string_view(text).substr(0, at), "（") &&
        !EndsWith(std::string_view(text).substr(0, at), "(")) {
      return true;
    }
  }
  return false;
}

int FamilyNameWeight(const std::u32string& run, size_t i, const PublicationProfile& profile,
                     size_t& length);
bool AmbiguousNameSplit(const std::string& run, const PublicationProfile& profile,
                        const std::vector<std::string>* known = nullptr);

// Joins lines of one paragraph: no space between CJK text, one between Latin words.
void AppendLine(std::string& paragraph, const std::string& line) {
  if (!paragraph.empty() && !line.empty()) {
    const char32_t last = ToU32(paragraph).back();
    const char32_t first = ToU32(line).front();
    if (!IsCjk(last) && !IsCjk(first) && std::isalnum(static_cast<int>(last & 0x7F)) &&
        last < 0x80 && first < 0x80 && std::isalnum(static_cast<int>(first))) {
      paragraph += ' ';
    }
  }
  paragraph += line;
}

struct Heading {
  size_t first = 0;  // line index
  size_t last = 0;   // the last line of a heading that wraps
  std::string text;
  float confidence = 0;
  int toc_index = -1;  // the TOC entry it matched, or -1
  // A line of it in the next column, level with its first: a heading set across two columns
  // that the layout parted at the gutter (its quote's white half fell there).
  std::optional<size_t> east;
};

class Parser {
 public:
  Parser(const IssueLayout& layout, const PublicationProfile& profile,
         const StructureOptions& options)
      : lines_(layout.lines),
        profile_(profile),
        options_(options),
        edition_(profile.edition_pattern),
        issue_(profile.issue_pattern),
        publisher_(profile.publisher_pattern),
        date_(profile.date_pattern),
        toc_heading_(profile.toc_heading_pattern),
        digest_count_(profile.digest_count_pattern),
        banner_(profile.column_banner_pattern),
        distribution_(profile.distribution_pattern),
        editor_(profile.editor_pattern),
        phone_(profile.phone_pattern) {
    out_.line_parts.resize(lines_.size());
  }

  ParsedIssue Parse() {
    const size_t colophon = FindColophon();
    const size_t toc_line = FindTocHeading(colophon);
    size_t body = 0;
    if (toc_line != kNone) {
      ParseMasthead(0, toc_line);
      MarkLines(0, toc_line, "masthead");
      body = ParseToc(toc_line + 1, colophon);
      MarkLines(toc_line, body, "toc");
      FlagDoubtfulColumns(toc_line + 1, body);
    } else {
      Review(1, "toc-missing", "no table of contents (目录) found on the first pages");
      for (const auto& name : profile_.digest_columns) digest_columns_.insert(name);
      body = MastheadEnd(colophon);
      ParseMasthead(0, body);
      MarkLines(0, body, "masthead");
    }
    ParseBody(body, colophon);
    ParseColophon(colophon);
    MarkLines(colophon, lines_.size(), "colophon");
    MendOrganizationSuffixes();
    ReconcileNamesInIssue();
    MendLostPlaces();
    MendOrganizations();
    CheckCounts();
    return std::move(out_);
  }

 private:
  const LayoutLine& Line(size_t i) const { return lines_[i]; }

  void MarkLines(size_t begin, size_t end, const char* role, size_t item = kNone) {
    for (size_t i = begin; i < std::min(end, lines_.size()); ++i) {
      out_.line_parts[i] = LinePart{.role = role, .item = item == kNone ? -1 : static_cast<int>(item)};
    }
  }

  void Review(int page, std::string reason, std::string detail) {
    out_.review.push_back(
        ReviewItem{.page = page, .reason = std::move(reason), .detail = std::move(detail)});
  }

  // Whether the text names an organization (holds one of the profile's suffixes): what tells an
  // attribution whose parenthesis OCR lost or misplaced from a line of prose.
  bool NamesOrganization(std::string_view text) const {
    return std::any_of(profile_.organization_suffixes.begin(), profile_.organization_suffixes.end(),
                       [&](const std::string& suffix) { return text.find(suffix) != std::string::npos; });
  }

  // The line's text from its opening parenthesis on, past a speck OCR read before it (人（临平区…);
  // empty when the line opens none.
  std::string FromOpening(size_t i) const {
    const std::string text = NormalizeBrackets(Line(i).text);
    const size_t open = AttributionOpening(text);
    if (open == std::string::npos || (open > 0 && !NamesOrganization(text))) return "";
    return text.substr(open);
  }

  // A line no printed character is as small as: a speck OCR read as a character (办 at a quarter
  // of the body's height between two lines of an attribution).
  bool IsSpeck(size_t i) const { return Line(i).glyph_ratio < 0.5; }

  bool IsAttribution(size_t i) const {
    const std::string text = FromOpening(i);
    const size_t n = Chars(text);
    if (n >= 4 && n <= options_.attribution_max_chars && EndsWith(text, "）") &&
        !EndsASentence(text)) {
      return true;
    }
    return LostOpening(i);
  }

  // Whether `text` holds a full stop that ends a sentence. OCR reads a printed gap between an
  // attribution's organization and its names, or between two names, as one now and then
  // ("（富阳区人大常委会办公室。章晓东周文斌孙佳）" dev4 h27, "（桐访县人大常委会办公室钱程。郑海涛楼倩倩）"
  // h25): a stop after an organization's name is such a gap.
  bool EndsASentence(std::string_view text) const {
    static const std::string kStop = "。";
    const size_t at = text.find(kStop);
    return at != std::string_view::npos && !NamesOrganization(text.substr(0, at));
  }

  // An organization's attribution whose opening parenthesis OCR lost (富阳区人大常委会办公室）):
  // a short line that closes a parenthesis it does not open, right after a sentence ended.
  bool LostOpening(size_t i) const {
    const std::string text = NormalizeBrackets(Line(i).text);
    const size_t n = Chars(text);
    if (i == 0 || n < 4 || n > options_.attribution_max_chars || !EndsWith(text, "）") ||
        text.find("（") != std::string::npos || EndsASentence(text) || !NamesOrganization(text)) {
      return false;
    }
    return AfterSentence(i);
  }

  // Whether `text` under column `column` is its count with 则 misread or lost: the profile
  // names the column a digest's, and the text is a number of one or two digits, with a
  // character after it at most.
  bool IsDigestCount(const std::string& column, const std::string& text) const {
    static const Pattern kMisreadCount(R"(^\d{1,2}\s*\S?$)");
    return !column.empty() && kMisreadCount.Matches(text) && ProfileDigestColumn(column);
  }

  // A number alone (one or two digits) where a contents line's title would stand: no title is a
  // bare number, so it is a digest's count with its 则 lost ("简讯" / "4…………", dev3 g27), under
  // a column name the profile need not know.
  static bool IsBareCount(const std::string& text) {
    static const Pattern kBareCount(R"(^\d{1,2}$)");
    return kBareCount.Matches(RemoveSpaces(text));
  }

  // Whether the profile names `column` a digest's.
  bool ProfileDigestColumn(const std::string& column) const {
    return std::find(profile_.digest_columns.begin(), profile_.digest_columns.end(), column) !=
           profile_.digest_columns.end();
  }

  // Whether the line before line i ends a sentence.
  bool AfterSentence(size_t i) const {
    if (i == 0) return false;
    const std::string before = NormalizeBrackets(Line(i - 1).text);
    return EndsWith(before, "。") || EndsWith(before, "！") || EndsWith(before, "？") ||
           EndsWith(before, "”");
  }

  // How many lines the attribution starting at line i takes: 0 (none), 1, or up to 4 when a
  // narrow column wraps it ("（滨江区人大常委会办" / "公室，章晓东王晓燕" / "吴敏）"): it opens a
  // parenthesis on its own line, the lines under it in the same column close it, and no
  // sentence ends inside. Specks between its lines count in its span. An attribution that ends
  // its column may close at the top of the next column or page (WrapsInto). An organization's
  // attribution whose closing parenthesis OCR lost ends where its column, its article or its
  // paragraph does;
  // one whose opening parenthesis OCR lost ("上城区人大常委会办" / "公室刘洋章晓" / "东）", atop
  // a column after a sentence ended) must close, and name an organization on its first line.
  size_t AttributionSpan(size_t i) const {
    if (IsAttribution(i)) return 1;
    std::string first = FromOpening(i);
    const bool opened = !first.empty();
    if (!opened && AfterSentence(i)) {
      const std::string line = NormalizeBrackets(Line(i).text);
      const bool marks = std::any_of(std::begin(kProseMarks), std::end(kProseMarks), [&](const char* mark) {
        return line.find(mark) != std::string::npos;
      });
      if (!marks && NamesOrganization(line)) first = line;
    }
    if (first.empty() || first.find("）") != std::string::npos ||
        first.find("。") != std::string::npos) {
      return 0;
    }
    size_t chars = Chars(first);
    std::string text = first;
    size_t k = i + 1;
    size_t last = i;  // the last line taken into it
    for (; k < lines_.size(); ++k) {
      const bool crossed = Line(k).page != Line(last).page || Line(k).column != Line(last).column;
      if (crossed && !WrapsInto(last, k)) break;
      if (IsSpeck(k)) continue;
      const size_t previous = last;
      last = k;
      if (k > i + 3) return 0;
      const std::string next = NormalizeBrackets(Line(k).text);
      // (A short line set flush right under it is its tail, however tall OCR boxed it: "伟方观"
      // boxed 1.9 glyphs tall under "（滨江区人大常委会办公室陈立群张", order12 o08. No heading
      // is set so.)
      const bool set_right = Line(k).right_gap <= options_.attribution_tail_right_gap &&
                             Line(k).indent > Line(k).right_gap + 2 && Chars(next) <= 8;
      const bool heading = Line(k).glyph_ratio >= options_.heading_glyph_ratio && !set_right;
      if (next.find("（") != std::string::npos || next.find("。") != std::string::npos) {
        if (heading) break;
        return 0;
      }
      const size_t close = next.find("）");
      // (A line that closes the parenthesis stands taller than the body: its box holds the mark.)
      if (close == std::string::npos && heading) break;
      // A paragraph starts under a line that stops a glyph or more short of its column's edge:
      // the attribution ended on that line, its closing parenthesis lost ("（富阳区人大常委会办公室"
      // over the next brief's indented first line, dev3 g12). A line that wraps runs to the
      // edge, and the line under it may stand a paragraph's indent in ("（临安区人大常委会办" /
      // "公室钱程刘" / "洋）", tuning t05).
      if (close == std::string::npos && IsParagraphStart(k) &&
          Line(previous).right_gap >= options_.attribution_short_line) {
        break;
      }
      chars += Chars(next);
      text += next;
      if (chars > options_.attribution_max_chars) return 0;
      if (close != std::string::npos) return close + std::string("）").size() == next.size() ? k - i + 1 : 0;
    }
    return opened && NamesOrganization(text) ? k - i : 0;
  }

  // Whether line k, the first of the next column or page after line `last` of an attribution
  // (its column's last line), is the attribution's tail: the next column of the same band or the
  // next page, set flush right with white on its left, closing the parenthesis, no sentence in
  // it ("（余杭区人大常委会办公室 周文斌 蒋丽华" at a column's foot, "孙 佳）" atop the next), or
  // a full line and such a line under it in the next column.
  bool WrapsInto(size_t last, size_t k) const {
    const LayoutLine& from = Line(last);
    const LayoutLine& to = Line(k);
    const bool next_column = to.page == from.page && from.column > 0 && to.column == from.column + 1;
    const bool next_page = to.page == from.page + 1;
    if ((!next_column && !next_page) || IsSpeck(k)) return false;
    const std::string text = NormalizeBrackets(to.text);
    auto no_sentence = [](const std::string& t) {
      return t.find("（") == std::string::npos && t.find("。") == std::string::npos;
    };
    auto set_right = [&](const LayoutLine& line) {
      return line.right_gap <= options_.attribution_tail_right_gap && line.indent > line.right_gap;
    };
    // (Atop the next page, alone above a banner, a tail is a band of its own across the page,
    // and is set right in the column it stands in, not the page: "丽华）" 16 glyphs in and 22
    // from the page's right edge, order12 o07. A few characters closing the parenthesis are it.)
    if (EndsWith(text, "）") && no_sentence(text) &&
        (set_right(to) || (next_page && to.column == 0 && Chars(text) <= 8))) {
      return true;
    }
    // ... or runs on over two lines: the first flush left to the column's edge, the second set
    // flush right and closing it ("〈拱墅区人大常委会西兴街" at a column's foot, "道工委蒋丽华张伟"
    // / "楼倩倩）" atop the next, dev3 g19).
    if (!next_column || !no_sentence(text) || to.indent >= options_.paragraph_indent_min ||
        to.right_gap > options_.attribution_short_line || k + 1 >= lines_.size()) {
      return false;
    }
    const LayoutLine& tail = Line(k + 1);
    const std::string tail_text = NormalizeBrackets(tail.text);
    return tail.page == to.page && tail.column == to.column && EndsWith(tail_text, "）") &&
           no_sentence(tail_text) && set_right(tail);
  }

  bool IsParagraphStart(size_t i) const {
    return Line(i).indent >= options_.paragraph_indent_min &&
           Line(i).indent <= options_.paragraph_indent_max;
  }

  bool LooksLikeHeading(size_t i) const {
    const LayoutLine& line = Line(i);
    if (IsAttribution(i) || Chars(line.text) > 45) return false;
    const bool large = line.glyph_ratio >= options_.heading_glyph_ratio;
    return large || line.Centred();
  }

  std::optional<std::string> DigestColumnOf(const std::string& text) const {
    std::string bare = text;
    if (auto m = banner_.Search(text)) bare = m->Group("column");
    for (const auto& column : digest_columns_) {
      if (bare == column || (Chars(bare) <= Chars(column) + 2 && Similarity(bare, column) >= 0.75)) {
        return column;
      }
    }
    return std::nullopt;
  }

  // A centred line set apart that OCR misread further than DigestColumnOf allows, letter-spaced
  // and set large as a digest's banner is ("信有她摘登" for 信息摘登, a glyph read as two; "人摘登",
  // two read as one, dev4 h02): a digest column's name when it starts or ends as the name does,
  // is at most two characters longer and half alike.
  std::optional<std::string> MisreadDigestBanner(size_t i) const {
    const LayoutLine& line = Line(i);
    if (!line.Centred()) return std::nullopt;
    const std::u32string bare = ToU32(RemoveSpaces(line.text));
    for (const auto& column : digest_columns_) {
      const std::u32string name = ToU32(column);
      if (bare.size() < 3 || name.size() < 3 || bare.size() > name.size() + 2) continue;
      if ((bare.front() == name.front() || bare.back() == name.back()) &&
          Similarity(ToUtf8(bare), column) >= 0.5) {
        return column;
      }
    }
    return std::nullopt;
  }

  size_t FindColophon() const {
    for (size_t i = lines_.size(); i-- > 0;) {
      if (distribution_.Matches(Line(i).text)) return i;
    }
    return lines_.size();
  }

  size_t FindTocHeading(size_t end) const {
    for (size_t i = 0; i < end && Line(i).page <= 2; ++i) {
      if (toc_heading_.Matches(RemoveSpaces(Line(i).text)) ||
          toc_heading_.Matches(Line(i).text)) {
        return i;
      }
    }
    // Letter-spaced and set large, 目 录 is misread more than any other line: take the short
    // centred line between the masthead's last line (its date) and the first column name.
    size_t date_line = kNone;
    for (size_t i = 0; i < end && Line(i).page == 1; ++i) {
      if (date_.Matches(RepairDigits(Line(i).text)) || issue_.Matches(Line(i).text)) date_line = i;
    }
    if (date_line == kNone) return kNone;
    // (Centred on the page, under the masthead's title, which is: the text column measured on
    // a page of columns may not be the page's.)
    size_t title = kNone;
    for (size_t i = 0; i < date_line; ++i) {
      if (title == kNone || Line(i).glyph_ratio > Line(title).glyph_ratio) title = i;
    }
    auto centre = [&](size_t i) { return Line(i).box.x + Line(i).box.width / 2.0; };
    for (size_t i = date_line + 1; i < end && i <= date_line + 2 && Line(i).page == 1; ++i) {
      const bool under_title = title != kNone && Line(title).glyph_ratio >= 2.0 &&
                               std::abs(centre(i) - centre(title)) < 1.5 * Line(i).glyph_px;
      if (Chars(Line(i).text) <= 4 && (Line(i).Centred() || under_title)) return i;
    }
    return kNone;
  }

  // Without a TOC the masthead ends at the first heading-like line after the date.
  size_t MastheadEnd(size_t end) const {
    for (size_t i = 0; i < end && Line(i).page == 1; ++i) {
      if (date_.Matches(Line(i).text)) return i + 1;
    }
    return 0;
  }

  // Why the digits OCR read in line i are not to be trusted, or empty when they are: a digit
  // mended from a look-alike ("1]" read for 1), or a word with digits read below the options'
  // confidence. A value read from such digits is kept, and flagged for review.
  std::string DigitDoubt(size_t i) const {
    const LayoutLine& line = Line(i);
    const std::string bare = RemoveSpaces(line.text);
    if (RepairDigits(bare) != bare) return "digits mended from look-alike marks";
    for (const auto& word : line.words) {
      const bool digits = std::any_of(word.text.begin(), word.text.end(), IsDigit);
      if (digits && word.confidence < options_.min_digit_confidence) {
        return fmt::format("\"{}\" read at confidence {:.0f}", word.text, word.confidence);
      }
    }
    return {};
  }

  // A date whose 月 OCR misread as another character (2021年5崩20目, 2020年7同21目): the digits
  // around it read as a date the profile's pattern would take with 月 in its place. Always
  // flagged: the line was misread, and a reviewer checks it.
  void ParseDateWithMisreadMonth(size_t i, const std::string& bare) {
    static const Pattern kMisreadMonth(
        R"((?<year>(?:19|20)\d\d)\s*年\s*(?<month>\d{1,2})\s*(?<unit>\p{Han})\s*(?<day>\d{1,2})\s*(?:\S?\s*日|\p{Han}\s*$))");
    const auto m = kMisreadMonth.Search(bare);
    if (!m || m->Group("unit") == "月") return;
    ParseDate(i, *m, fmt::format("its 月 read as {}", m->Group("unit")));
  }

  void ParseDate(size_t i, const Pattern::Match& m, std::string doubt = {}) {
    IssueInfo& info = out_.issue;
    const std::string& text = Line(i).text;
    const int year = std::stoi(m.Group("year"));
    const int month = std::stoi(m.Group("month"));
    const int day = std::stoi(m.Group("day"));
    const std::chrono::year_month_day date{std::chrono::year(year),
                                           std::chrono::month(static_cast<unsigned>(month)),
                                           std::chrono::day(static_cast<unsigned>(day))};
    if (!date.ok() || year < options_.earliest_year || year > LatestYear()) {
      Review(Line(i).page, "masthead-date",
             fmt::format("\"{}\" is not a calendar date ({}-{}-{}); left empty", text, year, month, day));
      return;
    }
    info.date = fmt::format("{:04d}-{:02d}-{:02d}", year, month, day);
    // The pattern lets one stray mark stand between a number and 年/月/日 ("1]日"): what it
    // skipped may have been a digit.
    const std::string& matched = m.text;
    const std::string digits_and_units = RepairDigits(matched);
    static const Pattern kClean(R"(^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$)");
    if (doubt.empty()) doubt = DigitDoubt(i);
    if (doubt.empty() && !kClean.Matches(digits_and_units)) doubt = "a stray mark beside a number";
    if (!doubt.empty()) {
      Review(Line(i).page, "masthead-date",
             fmt::format("date read as {} from \"{}\": {}; check it", info.date, text, doubt));
    }
  }

  void ParseMasthead(size_t begin, size_t end) {
    IssueInfo& info = out_.issue;
    std::vector<std::string> bares;  // each line's text as the patterns read it, from `begin`
    for (size_t i = begin; i < end; ++i) {
      const std::string& text = Line(i).text;
      const std::string& bare = bares.emplace_back(RepairDigits(RemoveSpaces(DigitsByWidth(Line(i)))));
      if (info.title.empty() && !profile_.title.empty() && ReadTitle(i)) continue;
      if (auto m = edition_.Search(bare); m && info.edition.empty()) {
        info.edition = RemoveSpaces(m->Group("edition"));
        if (!profile_.editions.empty() && !PrintsEdition(info.edition)) {
          Review(Line(i).page, "masthead-edition",
                 fmt::format("edition read as {} from \"{}\", not one the publication prints ({})",
                             info.edition, text, fmt::join(profile_.editions, ", ")));
        } else if (profile_.editions.empty() && LowestConfidence(i) < options_.min_digit_confidence) {
          // No list of editions to check it against: only its reading vouches for it.
          Review(Line(i).page, "masthead-edition",
                 fmt::format("edition read as {} from \"{}\" at confidence {:.0f}; check it",
                             info.edition, text, LowestConfidence(i)));
        }
        continue;
      }
      // (Under the title: the profile's, or the generic profile's first line.)
      const bool under_title = title_line_ != kNone ? i > title_line_ : i > begin;
      if (info.edition.empty() && !info.number && under_title && ReadMisprintedEdition(i)) {
        continue;
      }
      if (auto m = issue_.Search(bare); m && !info.number) {
        info.number = std::stoi(m->Group("number"));
        info.cumulative_number = std::stoi(m->Group("cumulative"));
        if (const std::string doubt = DigitDoubt(i); !doubt.empty()) {
          Review(Line(i).page, "masthead-number",
                 fmt::format("issue numbers read as 第{}期（总第{}期） from \"{}\": {}; check them",
                             *info.number, *info.cumulative_number, text, doubt));
        }
      }
      if (auto m = publisher_.Search(bare); m && info.publisher.empty()) {
        const std::string read = m->Group("publisher");
        info.publisher = Mend(read, Line(i).page, "issue.publisher");
        FlagDoubtfulPublisher(i, read, info.publisher);
      }
      if (auto m = date_.Search(bare); m && info.date.empty()) ParseDate(i, *m);
    }
    for (size_t i = begin; i < end && info.date.empty() && !HasReview("masthead-date"); ++i) {
      ParseDateWithMisreadMonth(i, bares[i - begin]);
    }
    if (info.title.empty()) TitleFromGeometry(begin, end);
    if (info.edition.empty() && !profile_.editions.empty() && !HasReview("masthead-edition")) {
      Review(1, "masthead-edition", "edition line (（…刊）) not found");
    }
    if (!info.number) Review(1, "masthead-number", "issue number (第…期) not found");
    if (info.date.empty() && !HasReview("masthead-date")) {
      Review(1, "masthead-date", "issue date not found");
    }
    if (info.publisher.empty()) Review(1, "masthead-publisher", "publisher line (…编) not found");
  }

  // A character as OCR read it: its word's confidence, the share of its word's box it stands in
  // and its line. (A character no line reads there, put in or mended by a later step, is taken
  // as sure, and stands nowhere.)
  struct CharacterRead {
    char32_t character = 0;
    float confidence = 100;
    std::optional<Box> box;
    size_t line = kNone;
  };

  // Line i's characters as OCR read them.
  std::vector<CharacterRead> CharacterReadsOf(size_t i) const {
    std::vector<CharacterRead> out;
    for (const OcrWord& word : Line(i).words) {
      const std::u32string characters = ToU32(word.text);
      const int n = static_cast<int>(characters.size());
      for (int c = 0; c < n; ++c) {
        out.push_back(CharacterRead{
            .character = characters[static_cast<size_t>(c)],
            .confidence = word.confidence,
            .box = Box{word.box.x + word.box.width * c / n, word.box.y, word.box.width / n, word.box.height},
            .line = i});
      }
    }
    return out;
  }

  // Line i's characters as OCR read them, each with its word's confidence.
  std::pair<std::u32string, std::vector<float>> CharactersOf(size_t i) const {
    std::pair<std::u32string, std::vector<float>> out;
    for (const CharacterRead& read : CharacterReadsOf(i)) {
      out.first += read.character;
      out.second.push_back(read.confidence);
    }
    return out;
  }

  // A publisher is as OCR read it where the lexicon did not mend it: a character of it read
  // below min_publisher_confidence that the mended publisher still holds (莆 at 0 for 萧 in
  // 萧山区人大常委会办公室, the lexicon's mend having taken out only an inserted 和) makes it a
  // value to check.
  void FlagDoubtfulPublisher(size_t i, const std::string& as_read, const std::string& publisher) {
    const auto [read, confidence] = CharactersOf(i);
    const std::u32string wanted = ToU32(as_read), kept = ToU32(publisher);
    const size_t from = read.find(wanted);
    if (from == std::u32string::npos) return;
    size_t lowest = std::u32string::npos;
    for (size_t c = from; c < from + wanted.size(); ++c) {
      if (kept.find(read[c]) == std::u32string::npos) continue;  // mended away
      if (lowest == std::u32string::npos || confidence[c] < confidence[lowest]) lowest = c;
    }
    if (lowest == std::u32string::npos ||
        confidence[lowest] >= options_.min_publisher_confidence) {
      return;
    }
    Review(Line(i).page, "masthead-publisher",
           fmt::format("publisher read as {}, its {} at confidence {:.0f}; check it", publisher,
                       ToUtf8(read.substr(lowest, 1)), confidence[lowest]));
  }

  // The profile's title on line i, or a title like it: one OCR error in six characters is the
  // profile's title misread, and is mended to it; a title further from it is another
  // publication's of the same kind (余杭人大信息 beside 杭州人大信息), kept as read and flagged.
  // False when line i reads like no such title.
  bool ReadTitle(size_t i) {
    const std::string read = RemoveSpaces(Line(i).text);
    const double similarity =
        read.find(profile_.title) != std::string::npos ? 1.0 : Similarity(read, profile_.title);
    if (similarity < 0.5) return false;
    title_line_ = i;
    if (similarity >= options_.title_mend_similarity) {
      out_.issue.title = profile_.title;
      if (read != profile_.title) {
        out_.corrections.push_back(Correction{.page = Line(i).page,
                                              .field = "issue.title",
                                              .before = Line(i).text,
                                              .after = profile_.title,
                                              .source = "profile"});
      }
      return true;
    }
    out_.issue.title = read;
    Review(Line(i).page, "masthead-title",
           fmt::format("title read as {}: not the profile's {}, kept as read; check it", read,
                       profile_.title));
    return true;
  }

  float LowestConfidence(size_t i) const {
    float lowest = 100;
    for (const auto& word : Line(i).words) lowest = std::min(lowest, word.confidence);
    return lowest;
  }

  bool PrintsEdition(const std::string& edition) const {
    return std::find(profile_.editions.begin(), profile_.editions.end(), edition) !=
           profile_.editions.end();
  }

  // The short line between the title and the issue number whose brackets or 刊 OCR misread
  // ("（增.刊）", "普_刊）", "（普有", "（普", ".刊"): what its characters say of the edition. X刊 is
  // taken (flagged unless the publication prints it); X with 刊 misread or lost is the one edition the
  // publication prints that starts with X, flagged; a line with 刊 and no X is flagged with the
  // edition left empty. False when line i is no edition line.
  bool ReadMisprintedEdition(size_t i) {
    const std::string text = RemoveSpaces(Line(i).text);
    const std::u32string u = ToU32(text);
    if (u.empty() || u.size() > 6) return false;
    std::u32string han;
    for (const char32_t c : u) {
      if (IsCjk(c) && c != U'（' && c != U'）') han += c;
    }
    const bool bracketed = text.find("（") != std::string::npos || text.find("）") != std::string::npos;
    const bool has_kan = han.find(U'刊') != std::u32string::npos;
    if (han.size() > 2 || (!has_kan && !bracketed)) return false;
    IssueInfo& info = out_.issue;
    const int page = Line(i).page;
    if (han.size() == 2 && han[1] == U'刊') {
      info.edition = ToUtf8(han);
      if (PrintsEdition(info.edition)) {
        out_.corrections.push_back(Correction{
            .page = page, .field = "issue.edition", .before = Line(i).text, .after = info.edition,
            .source = "profile"});
      } else {
        Review(page, "masthead-edition",
               fmt::format("edition read as {} from \"{}\" (its brackets misread); check it",
                           info.edition, Line(i).text));
      }
      return true;
    }
    // (One character alone in its bracket: 刊 and the closing bracket lost, "（普".)
    if ((han.size() == 2 || (han.size() == 1 && han[0] != U'刊')) && bracketed) {
      std::vector<std::string> starting;
      for (const auto& edition : profile_.editions) {
        if (ToU32(edition).front() == han[0]) starting.push_back(edition);
      }
      if (starting.size() == 1) {
        info.edition = starting.front();
        Review(page, "masthead-edition",
               fmt::format("edition read as {} from \"{}\" (刊 {}); check it", info.edition,
                           Line(i).text, han.size() == 1 ? "lost" : "misread"));
        return true;
      }
    }
    if (!has_kan) return false;
    Review(page, "masthead-edition",
           fmt::format("edition line read as \"{}\": edition not read; check it", Line(i).text));
    return true;
  }

  // Next year: an issue may be dated ahead of its printing, never further.
  static int LatestYear() {
    const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    return static_cast<int>(std::chrono::year_month_day(today).year()) + 1;
  }

  bool HasReview(std::string_view reason) const {
    return std::any_of(out_.review.begin(), out_.review.end(),
                       [&](const ReviewItem& r) { return r.reason == reason; });
  }

  // A publication without a profile (or whose profile's title was not found): the masthead's
  // title is the largest print at the top of page 1, recorded as read and flagged.
  void TitleFromGeometry(size_t begin, size_t end) {
    size_t best = kNone;
    for (size_t i = begin; i < end && Line(i).page == 1; ++i) {
      if (Chars(Line(i).text) < 2 || Chars(Line(i).text) > 20) continue;
      if (Line(i).glyph_ratio < 1.5) continue;
      if (best == kNone || Line(i).glyph_ratio > Line(best).glyph_ratio) best = i;
    }
    if (best == kNone) {
      Review(1, "masthead-title", "publication title not found");
      return;
    }
    out_.issue.title = RemoveSpaces(Line(best).text);
    title_line_ = best;
    Review(1, "masthead-title",
           profile_.title.empty()
               ? fmt::format("title read as {} from the largest print of page 1, with no profile to check it",
                             out_.issue.title)
               : fmt::format("title read as {}: not the profile's {}", out_.issue.title, profile_.title));
  }

  bool IsKnownColumn(const std::string& text) const {
    return std::find(profile_.columns.begin(), profile_.columns.end(), text) !=
           profile_.columns.end();
  }

  // The distance from one character to the next along line i's CJK words read at 50 or more
  // (OCR's box heights may be wrong, its advance along a line hardly); 0 with fewer than three.
  static double Pitch(const LayoutLine& line) {
    size_t chars = 0;
    int left = 0, right = 0;
    for (const auto& word : line.words) {
      const std::u32string text = ToU32(word.text);
      if (word.confidence < 50 || text.empty() ||
          !std::all_of(text.begin(), text.end(), [](char32_t c) { return IsCjk(c); })) {
        continue;
      }
      if (chars == 0) left = word.box.x;
      right = word.box.Right();
      chars += text.size();
    }
    return chars >= 3 ? static_cast<double>(right - left) / static_cast<double>(chars) : 0;
  }

  // A contents line with what print puts after a title taken off: dot leaders and the start
  // page ("……3", or the page number alone after a gap).
  struct TocLine {
    size_t index = 0;
    std::string text;
    std::optional<int> page;
    bool leaders = false;
  };

  TocLine StripLeaders(size_t i) const {
    // (One ellipsis is three dots: leaders before a page, "高质量发展…4", or whose page OCR
    // lost, "5则…".)
    static const Pattern kLeaders(
        R"((?:\s*(?:[.·…⋯．。_\-—－一]{2,}|[…⋯])\s*|\s+)(?<page>\d{1,3})$)");
    static const Pattern kLeadersOnly(R"(\s*(?:[.·…⋯．。_\-—－一]{3,}|[…⋯]{1,2})\s*$)");
    // (Leaders read as flat words leave the marks OCR put after the last character too: "3则|".)
    if (auto flat = StripFlatLeaders(i)) return WithoutTrailingMarks(*flat);
    TocLine out{.index = i, .text = Line(i).spaced_text};
    if (auto m = kLeaders.Search(out.text)) {
      const std::string digits = m->Group("page");
      // "4 则" is a count, not a page.
      out.page = std::stoi(digits);
      out.leaders = m->text.find_first_not_of(" 0123456789") != std::string::npos;
      out.text = out.text.substr(0, m->begin);
    } else if (auto m = kLeadersOnly.Search(out.text)) {
      out.leaders = true;
      out.text = out.text.substr(0, m->begin);
    }
    out.text = RemoveSpaces(out.text);
    if (!out.page) StripMisreadLeaders(i, out);
    // A run of Latin letters in a Chinese contents line is leaders OCR misread, whatever follows
    // it (a page number misread too): the title ends before it.
    static const Pattern kLatinLeaders(R"([A-Za-z.·…_\-—]{5,}.{0,2}$)");
    if (auto m = kLatinLeaders.Search(out.text); m && m->begin > 0) {
      out.text = out.text.substr(0, m->begin);
      out.leaders = true;
    }
    return WithoutTrailingMarks(out);
  }

  // A mark OCR put after the last character ("2则-"), and a banner's lost bracket mended.
  static TocLine WithoutTrailingMarks(TocLine out) {
    static const Pattern kTrailingMarks(R"([\-—_~·.|]+$)");
    if (auto m = kTrailingMarks.Search(out.text); m && m->begin > 0) out.text.resize(m->begin);
    out.text = MendBanner(out.text);
    return out;
  }

  // A word read as characters or digits whose box is as flat as a dot (a third of a glyph
  // tall, where no character or digit is) is dot leaders OCR misread ("放生让本全生生让", "7",
  // "……….": chi_sim boxes a run of dots a dot tall): the title ends before the first such
  // word, and what follows the last, bar low-confidence junk, is the start page (or nothing to
  // keep, a misread page: "直", "S)"). None when the line has no flat word.
  std::optional<TocLine> StripFlatLeaders(size_t i) const {
    const LayoutLine& line = Line(i);
    const auto& words = line.words;
    auto flat = [&](const OcrWord& w) {
      if (w.box.height <= 0 || w.box.height >= 0.35 * line.glyph_px) return false;
      // (Quotes, stops, dashes and 一 are flat in print.)
      const std::u32string text = ToU32(w.text);
      const bool never_flat = std::any_of(text.begin(), text.end(), [](char32_t c) {
        return (c >= 0x4E00 && c <= 0x9FFF && c != U'一') || (c < 0x80 && std::isalnum(static_cast<int>(c)));
      });
      const bool dots = !text.empty() && std::all_of(text.begin(), text.end(), [](char32_t c) {
        return c == U'…' || c == U'⋯' || c == U'.' || c == U'·';
      });
      // (A character read with confidence is the title's, whatever box OCR gave it: 展 boxed
      // 3 px tall at 90 before the leaders.)
      return (never_flat && w.confidence < options_.flat_leader_max_confidence) || dots;
    };
    size_t first = words.size(), last = 0;
    for (size_t k = 0; k < words.size(); ++k) {
      if (!flat(words[k])) continue;
      first = std::min(first, k);
      last = k;
    }
    if (first == words.size()) return std::nullopt;
    std::string tail;
    for (size_t k = last + 1; k < words.size(); ++k) {
      if (words[k].confidence >= 60) tail += words[k].text;
    }
    if (Chars(tail) > 3) return std::nullopt;
    // Characters read surely after it, short of the margin where a page number stands: the flat
    // word is a character of the title OCR boxed a dot (意 boxed 11 px at 0 in "审议意见质量",
    // the line wrapping on), and the line has no leaders.
    const std::u32string tail_u = ToU32(tail);
    if (line.right_gap >= 1.0 &&
        std::any_of(tail_u.begin(), tail_u.end(), IsHan)) {
      return std::nullopt;
    }
    TocLine out{.index = i, .leaders = true};
    out.text = RemoveSpaces(WordsText({words.begin(), words.begin() + static_cast<long>(first)}));
    static const Pattern kPage(R"(^\d{1,3}$)");
    if (kPage.Matches(tail)) out.page = std::stoi(tail);
    return out;
  }

  // Dot leaders in a small or poor scan: chi_sim reads the dots as a run of Han characters at
  // low confidence (让才让下下2, 放生让本全生生让让下于3). A line ending in a number after words
  // read below 60 has leaders there: the words from the first of them on are taken off.
  void StripMisreadLeaders(size_t i, TocLine& out) const {
    // Leaders read as Latin letters may run on from the title's last character (地soeeeceesos).
    static const Pattern kLatinTail(R"([A-Za-z.·…_\-—]{3,}(?<page>\d{0,3})$)");
    std::vector<OcrWord> words = Line(i).words;
    if (words.empty()) return;
    for (auto& word : words) {
      if (auto m = kLatinTail.Search(word.text); m && m->begin > 0) {
        word.text = word.text.substr(0, m->begin) + m->Group("page");
      }
    }
    static const Pattern kTrailingNumber(R"((?<page>\d{1,3})$)");
    static const Pattern kLatinJunk(R"(^[A-Za-z.·…_\-—]{3,}$)");
    const auto number = kTrailingNumber.Search(words.back().text);
    if (!number) return;
    // Leaders read as junk: low-confidence characters, or a run of Latin letters (oeseeso…).
    auto junk = [&](const OcrWord& w) { return w.confidence < 60 || kLatinJunk.Matches(w.text); };
    // Leaders OCR did not see at all leave a blank before the page: the word before it, boxed
    // a glyph to a character, is the title's end read unsure ("地" at 26, then 20 glyphs of
    // nothing and "2"), not leaders (which OCR boxes flat or wide).
    const double glyph = Line(i).glyph_px;
    auto before_blank = [&](size_t k) {
      const OcrWord& w = words[k];
      const double chars = static_cast<double>(Chars(w.text));
      return k + 1 < words.size() && !kLatinJunk.Matches(w.text) && w.box.height >= 0.6 * glyph &&
             w.box.width <= 1.6 * w.box.height * chars && words[k + 1].box.x - w.box.Right() >= 3 * glyph;
    };
    size_t first_leader = words.size() - 1;
    while (first_leader > 0 && junk(words[first_leader - 1]) && !before_blank(first_leader - 1)) --first_leader;
    // A line's first character standing alone is the end of a wrapped title, whatever OCR's
    // confidence in it (leaders run wider).
    if (first_leader == 0 && words.size() >= 2 && words[0].box.width <= 1.5 * Line(i).glyph_px &&
        Chars(words[0].text) == 1) {
      first_leader = 1;
    }
    const bool number_alone = number->begin == 0;
    const bool junk_before = first_leader < words.size() - 1;
    // The number may sit at the end of the last junk word ("下于3"), or, with leaders OCR did
    // not see at all, after the title's last character at the right margin ("展2").
    const bool at_margin = Line(i).right_gap < 1.0;
    if (!junk_before && !(number_alone && at_margin) && !(!number_alone && (junk(words.back()) || at_margin))) {
      return;
    }
    std::vector<OcrWord> kept(words.begin(), words.begin() + static_cast<long>(first_leader));
    if (!junk_before && !number_alone) {  // "展2": the title's end and the page in one word
      OcrWord last = words.back();
      last.text = last.text.substr(0, number->begin);
      if (!junk(last)) kept.push_back(last);
    }
    out.text = kept.empty() ? std::string() : RemoveSpaces(WordsText(kept));
    out.page = std::stoi(number->Group("page"));
    out.leaders = true;
  }

  // A column name stands alone on its line: short, no punctuation, and no article's heading in
  // the body reads like it (a short title standing alone is a title).
  // A name over a digest's count (工作简讯 / 4 则) is a column whatever the body prints: the
  // digest's banner there reads like it.
  bool LooksLikeColumnName(const std::string& text, size_t body_from, bool heads_count = false) const {
    const size_t n = Chars(text);
    if (n < 2 || n > 8) return false;
    for (char32_t c : ToU32(text)) {
      if (!IsCjk(c) || c == U'：' || c == U'，' || c == U'“' || c == U'”') return false;
    }
    if (IsKnownColumn(text) || heads_count) return true;
    for (size_t k = body_from; k < lines_.size(); ++k) {
      if (LooksLikeHeading(k) && Similarity(Line(k).text, text) >= 0.8) return false;
    }
    return true;
  }

  // The TOC runs from the 目录 line to the first heading of the first article (or the page's
  // end). Its shape tells columns from titles, whatever the columns are called: a column name
  // heads a group of titles, alone on its line (stacked, or as a 【banner】) or before the
  // group's first title on the same line (inline); titles wrap onto a second line; a digest
  // column prints a count (信息摘登 4 则).
  size_t ParseToc(size_t begin, size_t end) {
    std::vector<size_t> toc_lines;
    // The first contents line that is no 【banner】: the entries' size. (A banner is set in a
    // face of its own, and OCR boxes its brackets short: 63 px over titles of 85-95.)
    size_t first_entry = kNone;
    for (size_t i = begin; i < end; ++i) {
      const LayoutLine& line = Line(i);
      if (line.page != Line(begin).page) break;
      // An article's heading is set larger than the contents' entries (which may be larger
      // than the body of a two-column issue); OCR boxes the odd short line ("告制度", the end of
      // a wrapped title) tall. Under banners alone the entries' size is not known yet: a banner
      // heads a group, and its first title follows it, whatever its size.
      const size_t entry = first_entry != kNone ? first_entry
                                                : toc_lines.empty() ? kNone : toc_lines.front();
      const double entry_ratio = entry == kNone ? 1.0 : Line(entry).glyph_ratio;
      // (OCR boxes the odd line of a poor scan twice its height, "设情况报告制度" at 150 dpi:
      // set larger, a line's characters also stand further apart.)
      const double pitch = Pitch(line);
      const double entry_pitch = entry == kNone ? 0 : Pitch(Line(entry));
      const bool same_pitch = pitch > 0 && entry_pitch > 0 && pitch < 1.1 * entry_pitch;
      // (A contents line OCR boxed tall is followed by more of the contents: a banner, a
      // column name, a count.)
      // Or a title: one that ends in dot leaders and its page, or one set where and as the
      // contents' titles are set, indented from where this line starts (a stacked column name
      // OCR boxed tall, 民主法治视窗).
      static const Pattern kDotsAndPage(R"([.·…⋯]{2,}\s*\d{1,3}$)");
      auto titles_place = [&](const LayoutLine& next) {
        const double unit = Line(toc_lines.front()).glyph_px;
        return std::abs(next.glyph_ratio - entry_ratio) < 0.15 * entry_ratio &&
               next.box.x > line.box.x + 1.5 * unit &&
               std::any_of(toc_lines.begin(), toc_lines.end(), [&](size_t t) {
                 return Line(t).box.x > line.box.x + 1.5 * unit &&
                        std::abs(Line(t).box.x - next.box.x) < 0.5 * unit;
               });
      };
      const bool more_contents =
          i + 1 < end && Line(i + 1).page == line.page &&
          (banner_.Matches(MendBanner(RemoveSpaces(Line(i + 1).text))) ||
           digest_count_.Matches(Line(i + 1).text) ||
           (Chars(Line(i + 1).text) <= 8 && Line(i + 1).glyph_ratio < 1.15 * entry_ratio) ||
           kDotsAndPage.Search(Line(i + 1).text) || (!toc_lines.empty() && titles_place(Line(i + 1))));
      // (A banner is contents, however tall OCR boxed it; so is a digest's count, alone or after
      // a name no longer than a column's: 信息摘登4则 boxed half again the entries' height.)
      const std::string flat = RemoveSpaces(line.text);
      const bool banner_line = banner_.Matches(MendBanner(flat));
      const auto count = digest_count_.Search(flat);
      const bool count_line = count && Chars(flat.substr(0, count->begin)) <= 8;
      // (Every line so far a banner: none has set first_entry.)
      const bool under_banners_only = !toc_lines.empty() && first_entry == kNone;
      if (!toc_lines.empty() && !banner_line && !count_line &&
          (line.space_before > 3.0 ||
           (!under_banners_only &&
            ((line.glyph_ratio >= 1.15 * entry_ratio && !same_pitch && Chars(line.text) >= 6 &&
              !more_contents) ||
             (line.Centred() && !same_pitch &&
              line.glyph_ratio >= options_.heading_glyph_ratio * entry_ratio))))) {
        break;
      }
      toc_lines.push_back(i);
      if (first_entry == kNone && !banner_line) first_entry = i;
    }
    if (toc_lines.empty()) {
      Review(Line(begin).page, "toc-empty", "the table of contents has no entries");
      return begin;
    }
    const size_t body_from = toc_lines.back() + 1;
    std::vector<TocLine> items;
    bool numbered = false;
    bool banners = false;  // a contents of 【banners】 names its columns in them, nowhere else
    for (size_t i : toc_lines) {
      items.push_back(StripLeaders(i));
      numbered |= items.back().leaders;
      banners |= banner_.Matches(items.back().text);
    }
    // Column names start at the left; titles (of every form but inline's first) further in or
    // at the same place.
    int column_x = std::numeric_limits<int>::max();
    for (size_t i : toc_lines) column_x = std::min(column_x, Line(i).box.x);
    const double unit = Line(toc_lines.front()).glyph_px;
    std::vector<int> title_lefts;
    for (size_t i : toc_lines) {
      if (Line(i).box.x > column_x + 1.5 * unit) title_lefts.push_back(Line(i).box.x);
    }
    // Titles start at one place: where most of the lines further in start (the leftmost of
    // those places when none holds more lines than another). A column name misread short or a
    // stray mark before a title starts once elsewhere.
    int title_x = -1;
    size_t most = 0;
    std::sort(title_lefts.begin(), title_lefts.end());
    for (const int left : title_lefts) {
      const auto near = static_cast<size_t>(std::count_if(
          title_lefts.begin(), title_lefts.end(),
          [&](int x) { return std::abs(x - left) <= 0.5 * unit; }));
      if (near > most) most = near, title_x = left;
    }
    // An inline contents whose titles all fit their lines has no line further in: its titles
    // start where its lines' gaps line up.
    if (title_x < 0) title_x = InlineTitleX(toc_lines, column_x, unit);

    size_t stacked_names = 0;
    for (size_t k = 0; k < items.size(); ++k) {
      stacked_names += Line(items[k].index).box.x < column_x + 1.5 * unit && StackedName(items, k, body_from);
    }
    const bool stacked = !banners && stacked_names >= 2;
    std::string column;
    bool open_title = false;  // the last title may go on on the next line
    std::string open_read;    // the last title as read, before CleanTitle closed its quotes
    // The profile's digest columns the contents names (their counts may be lost: see below).
    std::vector<std::pair<std::string, int>> named_digests;  // column, page
    bool after_name = false;  // the line before was a column name alone (stacked)
    for (size_t k = 0; k < items.size(); ++k) {
      const TocLine& item = items[k];
      const LayoutLine& line = Line(item.index);
      const bool stacked_count = after_name;
      after_name = false;
      const bool at_column_x = line.box.x < column_x + 1.5 * unit;
      auto add_title = [&](std::string title) {
        if (column.empty()) Review(line.page, "toc-column", "TOC title without a column: " + title);
        open_read = title;
        out_.toc.push_back(TocEntry{.column = column,
                                    .title = Mend(CleanTitle(title), line.page, "toc.title"),
                                    .page = item.page});
        toc_reads_.push_back(TocReading{.confidence = line.confidence, .text = title, .lines = {item.index}});
        // Printed page numbers end a title: a title without one goes on on the next line.
        // Unnumbered, a title that runs to the margin or leaves a quote open goes on.
        open_title = numbered ? !item.page.has_value() && !item.leaders
                              : line.right_gap < 1.0 || OpensAQuote(title);
      };
      if (item.text.empty()) {  // leaders and the page alone: the end of the title above
        if (open_title && !out_.toc.empty() && item.page) out_.toc.back().page = item.page;
        open_title = false;
        continue;
      }
      if (auto m = banner_.Search(item.text)) {
        column = SnapColumn(m->Group("column"), line.page);
        if (ProfileDigestColumn(column)) named_digests.emplace_back(column, line.page);
        open_title = false;
        continue;
      }
      if (auto m = digest_count_.Search(item.text)) {
        std::string name = RemoveSpaces(item.text.substr(0, m->begin));
        CutQuotesAfterName(name);  // ("信息快递”2则", dev4 h25)
        name = SnapColumn(name, line.page);
        if (name.empty()) name = column;
        out_.toc.push_back(TocEntry{.column = name, .count = std::stoi(m->Group("count"))});
        digest_columns_.insert(name);
        toc_reads_.push_back(TocReading{.confidence = line.confidence});
        open_title = false;
        continue;
      }
      // Under a digest column's name alone on its line (stacked), its count with 则 lost among
      // the leaders ("2………………0") or misread ("2 风"); under any name alone on its line, a
      // number alone (IsBareCount).
      if (IsDigestCount(column, item.text) || (stacked_count && IsBareCount(item.text))) {
        out_.toc.push_back(TocEntry{.column = column, .count = std::stoi(item.text)});
        digest_columns_.insert(column);
        toc_reads_.push_back(TocReading{.confidence = line.confidence});
        open_title = false;
        continue;
      }
      // The end of a wrapped title: under the title, not at the column names' place (unless
      // the titles are there too), and not itself a column name.
      // Unnumbered, a title's end is short: a line that runs to the margin is a title of its own.
      // A column name heads a group: a title follows it.
      const bool next_is_title = NextIsTitle(items, k);
      // (A digest column's name may stand over its count: 信息摘登 / 3 则, or 简讯 / 4 with 则 lost.)
      const bool heads_count = HeadsCount(items, k);
      if (open_title && !out_.toc.empty() && out_.toc.back().title &&
          (numbered || line.right_gap > 3.0) && (!at_column_x || title_x < 0) &&
          !(at_column_x && (next_is_title || heads_count) && !banners && !item.page &&
            LooksLikeColumnName(item.text, body_from, heads_count)) &&
          !TwoTitles(open_read, item.text, body_from, end)) {
        // (Cleaned whole: a quote the first line opens closes on this one, “青年留杭第 / 一区”.)
        open_read += item.text;
        out_.toc.back().title = Mend(CleanTitle(open_read), line.page, "toc.title");
        toc_reads_.back().text = open_read;
        toc_reads_.back().lines.push_back(item.index);
        if (item.page) out_.toc.back().page = item.page;
        // (A title's last line that runs to the margin ran on in leaders OCR did not read: the
        // title ends there.)
        open_title = numbered ? !item.page.has_value() && !item.leaders && line.right_gap >= 1.0 : false;
        continue;
      }
      // A digest column's name alone on its line, the contents' last, its count lost with the
      // line under it (order12 o01: "信息摘登" and nothing after it): the digest column, no title.
      if (at_column_x && !item.page && k + 1 == items.size()) {
        const std::string name = RemoveSpaces(item.text);
        if (ProfileDigestColumn(name) && SnapColumn(name, line.page) == name) {
          column = name;
          named_digests.emplace_back(column, line.page);
          open_title = false;
          continue;
        }
      }
      if (at_column_x && !banners) {
        // Alone on its line and heading a group: a column (stacked).
        if (StackedName(items, k, body_from)) {
          column = SnapColumn(item.text, line.page);
          open_title = false;
          after_name = true;
          continue;
        }
        auto [name, rest] = SplitColumnAndTitle(line, title_x);
        name = TrimStopsOffName(name);
        // (An opening quote cut from the name goes to the title: "法治建设”“" | "双标双带”….)
        if (CutQuotesAfterName(name) && !StartsWith(rest, "“")) rest = "“" + rest;
        // "信息摘登 4 风": a digest column's count with 则 misread.
        const std::string snapped = SnapColumn(RemoveSpaces(name), line.page);
        if (IsDigestCount(snapped, rest)) {
          out_.toc.push_back(TocEntry{.column = snapped, .count = std::stoi(rest)});
          digest_columns_.insert(snapped);
          toc_reads_.push_back(TocReading{.confidence = line.confidence});
          open_title = false;
          continue;
        }
        // Inline: the column name, a gap, the group's first title (a contents that sets its
        // names alone on their lines sets none before a title).
        if (!stacked && !rest.empty() && LooksLikeColumnName(RemoveSpaces(name), body_from)) {
          column = snapped;
          std::string title = RemoveSpaces(rest);
          if (item.page) {  // the leaders and page were taken off the whole line: item.text
            const size_t at = item.text.find(RemoveSpaces(name));
            title = at == 0 ? item.text.substr(RemoveSpaces(name).size()) : title;
          }
          add_title(title);
          continue;
        }
      }
      add_title(item.text);
    }
    // A digest column the contents names with no count and no title under it (its count lost:
    // "【信息摘登】" over leaders and a page alone, tune2 t03) is an entry of its own, its count
    // left to the digest's briefs (CheckCounts).
    for (const auto& [name, page] : named_digests) {
      if (std::any_of(out_.toc.begin(), out_.toc.end(), [&](const TocEntry& e) { return e.column == name; })) {
        continue;
      }
      out_.toc.push_back(TocEntry{.column = name});
      toc_reads_.push_back(TocReading{});
      uncounted_digests_.push_back({out_.toc.size() - 1, page});
    }
    for (const auto& name : profile_.digest_columns) digest_columns_.insert(name);
    return body_from;
  }

  // How like a heading in the body (a line FindHeadings could take for one, with the lines it
  // wraps onto) the title reads: the best similarity. (A heading set bold at the body's size
  // and flush left, 建德市：“三张清单”…, is neither larger nor centred.)
  double HeadingLikeness(const std::string& title, size_t body_from, size_t end) const {
    double best = 0;
    for (size_t k = body_from; k < end; ++k) {
      if (IsAttribution(k) || (IsParagraphStart(k) && !LooksLikeHeading(k))) continue;
      best = std::max(best, MatchAt(k, end, title).first);
    }
    return best;
  }

  // A title that fills its contents line and the line under it are two titles, not one title
  // wrapped, when the body heads an article with each of them and with neither joined to the
  // other (a wrapped title's end is short, and a heading reads like the whole of it).
  bool TwoTitles(const std::string& above, const std::string& line, size_t body_from,
                 size_t end) const {
    if (Chars(line) < 6) return false;
    const double joined = HeadingLikeness(above + line, body_from, end);
    const double first = HeadingLikeness(above, body_from, end);
    const double second = HeadingLikeness(line, body_from, end);
    if (std::min(first, second) >= 0.8 && std::min(first, second) > joined) return true;
    // (Nor when the body heads an article with the line above as it reads, and the line under
    // reads more like a heading of its own than joined to it: a title that fills its line
    // exactly, "富阳区：“双标双带”制推动代表工作高质量发展", over one whose heading OCR read badly,
    // "西兴街道“三维发力”…" headed "。西兴街道“三维发力”助力优化" on a one-bit page, matrix m28.)
    return first >= 0.95 && second > joined;
  }

  // The text opens a quote it does not close (打造“青年留杭第一 / 区”).
  static bool OpensAQuote(const std::string& text) {
    const size_t open = text.rfind("“");
    return open != std::string::npos && text.find("”", open) == std::string::npos;
  }

  bool NextIsTitle(const std::vector<TocLine>& items, size_t k) const {
    return k + 1 < items.size() && !items[k + 1].text.empty() && !banner_.Matches(items[k + 1].text) &&
           !digest_count_.Matches(items[k + 1].text);
  }

  // Whether contents line k stands over a digest's count, its line starting with it (3 则).
  bool HeadsDigestCount(const std::vector<TocLine>& items, size_t k) const {
    return k + 1 < items.size() && digest_count_.Matches(items[k + 1].text) &&
           digest_count_.Search(items[k + 1].text)->begin == 0;
  }

  // ... or over a number alone (IsBareCount: its 则 lost).
  bool HeadsCount(const std::vector<TocLine>& items, size_t k) const {
    return HeadsDigestCount(items, k) || (k + 1 < items.size() && IsBareCount(items[k + 1].text));
  }

  // Contents line k is a column name on a line of its own heading a group: a title or a digest
  // count (信息摘登 / 3 则) follows it, and it has no page number.
  bool StackedName(const std::vector<TocLine>& items, size_t k, size_t body_from) const {
    const bool heads_count = HeadsCount(items, k);
    return (heads_count || NextIsTitle(items, k)) && !items[k].page &&
           LooksLikeColumnName(items[k].text, body_from, heads_count) &&
           Line(items[k].index).segments.size() <= 1;
  }

  // A word of marks only read below the confidence of print: a speck (show-through, dirt) OCR
  // read as a quote or a comma, in the gap after a column name as often as anywhere.
  bool Speck(const OcrWord& word) const {
    return word.confidence < options_.speck_confidence && HoldsNoCharacter(ToU32(word.text));
  }

  // Where the titles of an inline contents start, from the lines themselves: each line at the
  // column names' place has its name (two to eight Han characters) before the widest gap among
  // its first characters (specks left out), and the titles after the gaps start at one place.
  // The place most lines' gaps put a title's start at, when two lines and half of them at least
  // agree; -1 otherwise (a stacked contents' names stand alone, and where OCR glued a stray
  // mark to a title's start, the gaps do not agree).
  int InlineTitleX(const std::vector<size_t>& toc_lines, int column_x, double unit) const {
    std::vector<int> starts;  // each line's title start, -1 for none
    for (size_t i : toc_lines) {
      const LayoutLine& line = Line(i);
      if (line.box.x >= column_x + 1.5 * unit) continue;
      int start = -1, widest = 0;
      size_t chars = 0;
      const OcrWord* previous = nullptr;
      for (const OcrWord& word : line.words) {
        if (Speck(word)) continue;
        const int gap = previous ? word.box.x - previous->box.Right() : 0;
        if (previous && chars >= 2 && gap > widest) widest = gap, start = word.box.x;
        const std::u32string text = ToU32(word.text);
        if (!std::all_of(text.begin(), text.end(), IsHan)) break;
        chars += text.size();
        if (chars > 8) break;
        previous = &word;
      }
      starts.push_back(widest >= 0.5 * unit ? start : -1);
    }
    int best_x = -1;
    size_t best = 0;
    for (const int x : starts) {
      if (x < 0) continue;
      const auto lines = static_cast<size_t>(std::count_if(
          starts.begin(), starts.end(), [&](int y) { return y >= 0 && std::abs(y - x) <= 0.5 * unit; }));
      if (lines > best || (lines == best && x < best_x)) best = lines, best_x = x;
    }
    return best >= 2 && 2 * best >= starts.size() ? best_x : -1;
  }

  // A column-name line: the words left of where titles start are the column, the rest its first
  // title. Without continuation lines to show where titles start, the first gap of half a
  // glyph or more, or a known column name, divides them.
  std::pair<std::string, std::string> SplitColumnAndTitle(const LayoutLine& line, int title_x) const {
    if (title_x > 0) {
      std::vector<OcrWord> name, rest;
      for (const auto& word : line.words) {
        (word.box.x + word.box.width / 2 < title_x ? name : rest).push_back(word);
      }
      while (!name.empty() && Speck(name.back())) name.pop_back();
      return {WordsText(name), WordsText(rest)};
    }
    for (const auto& name : profile_.columns) {
      if (StartsWith(line.text, name)) return {name, line.text.substr(name.size())};
    }
    for (size_t k = 1; k < line.words.size(); ++k) {
      if (line.words[k].box.x - line.words[k - 1].box.Right() >= 0.5 * line.glyph_px) {
        return {WordsText({line.words.begin(), line.words.begin() + static_cast<long>(k)}),
                WordsText({line.words.begin() + static_cast<long>(k), line.words.end()})};
      }
    }
    // A known column name read with one error.
    const std::u32string text = ToU32(line.text);
    for (const auto& name : profile_.columns) {
      const size_t n = ToU32(name).size();
      if (text.size() > n && Similarity(ToUtf8(text.substr(0, n)), name) >= 0.75) {
        return {ToUtf8(text.substr(0, n)), ToUtf8(text.substr(n))};
      }
    }
    return {line.text, ""};
  }

  // A column name of the contents that is none of the profile's nor the catalog's, as read on
  // lines [begin, end) with a character below min_column_confidence, is flagged (toc-column):
  // nothing vouches for it.
  void FlagDoubtfulColumns(size_t begin, size_t end) {
    std::set<std::string> seen;
    for (const TocEntry& entry : out_.toc) {
      if (entry.column.empty() || IsKnownColumn(entry.column) ||
          std::find(options_.known_columns.begin(), options_.known_columns.end(), entry.column) !=
              options_.known_columns.end() ||
          !seen.insert(entry.column).second) {
        continue;
      }
      const std::u32string name = ToU32(entry.column);
      for (size_t i = begin; i < end && i < lines_.size(); ++i) {
        const auto [read, confidence] = CharactersOf(i);
        const size_t from = read.find(name);
        if (from == std::u32string::npos) continue;
        const auto lowest =
            std::min_element(confidence.begin() + static_cast<long>(from),
                             confidence.begin() + static_cast<long>(from + name.size()));
        if (*lowest < options_.min_column_confidence) {
          Review(Line(i).page, "toc-column",
                 fmt::format("column name read as {}, its {} at confidence {:.0f}; check it",
                             entry.column,
                             ToUtf8(read.substr(static_cast<size_t>(lowest - confidence.begin()), 1)),
                             *lowest));
        }
        break;
      }
    }
  }

  // A column name read with an error is mended from the profile's list of known columns.
  std::string SnapColumn(const std::string& name, int page) {
    if (name.empty() || IsKnownColumn(name)) return name;
    std::string best;
    double best_similarity = 0.7;
    for (const auto& known : profile_.columns) {
      const double similarity = Similarity(name, known);
      if (similarity >= best_similarity) {
        best_similarity = similarity;
        best = known;
      }
    }
    if (best.empty()) return name;
    out_.corrections.push_back(Correction{
        .page = page, .field = "toc.column", .before = name, .after = best, .source = "profile"});
    return best;
  }

  // A heading may wrap onto further lines (three or four in a narrow column); try the line
  // alone and with the next ones set like it.
  std::pair<double, size_t> MatchAt(size_t i, size_t end, const std::string& title) const {
    double best = Similarity(Line(i).text, title);
    size_t last = i;
    std::string joined = Line(i).text;
    for (size_t k = i + 1; k < end && k <= i + 3; ++k) {
      if (Line(k).page != Line(i).page || Line(k).column != Line(i).column ||
          (IsParagraphStart(k) && !LooksLikeHeading(k)) || IsAttribution(k)) {
        break;
      }
      joined += Line(k).text;
      if (Chars(joined) > Chars(title) + 4) break;
      const double similarity = Similarity(joined, title);
      // (A heading's wrapped end, set as large as it and shorter, is the heading's even where
      // the contents' reading of the title lost its end and matches the first line closer:
      // "…建设情况报" / "告制度" under the contents' "…建设情况报告".)
      const bool heading_tail = last == k - 1 && similarity >= options_.title_similarity &&
                                Line(i).glyph_ratio >= options_.heading_glyph_ratio &&
                                std::abs(Line(k).glyph_ratio - Line(i).glyph_ratio) <
                                    0.1 * Line(i).glyph_ratio &&
                                Chars(Line(k).text) < Chars(Line(k - 1).text);
      if (similarity > best || heading_tail) {
        best = std::max(best, similarity);
        last = k;
      }
    }
    return {best, last};
  }

  std::vector<Heading> FindHeadings(size_t begin, size_t end) {
    std::vector<Heading> headings;
    size_t from = begin;
    for (size_t t = 0; t < out_.toc.size(); ++t) {
      if (!out_.toc[t].title) continue;
      const std::string& title = *out_.toc[t].title;
      double best_score = 0;
      Heading best;
      // A close match ends the search one line later: a heading under a fragment OCR read above
      // it ("和", a piece of a rule, tune2 t16) matches the title closely from that fragment on,
      // and exactly from its own first line.
      size_t last_try = kNone;
      for (size_t i = from; i < end && (last_try == kNone || i <= last_try); ++i) {
        // (A heading's first line set in as far as a paragraph is one when its characters
        // stand as far apart as a heading's: OCR boxed "“双标双带”制推" at the body's height,
        // dev d22, and the lines under it, "动代表工作高质量" and "发展", at 1.4 and 1.9.)
        if (IsAttribution(i) || (IsParagraphStart(i) && !LooksLikeHeading(i) && !SetLarge(i))) continue;
        auto [similarity, last] = MatchAt(i, end, title);
        // A heading across two columns parted at the gutter (dev d08, order12 o16: "临安区：西兴
        // 街道“三维发力”" heads the first column, "助力优化营商环境" level with it atop the
        // second): the line set large level with its first line, first in the next column, goes
        // on with it where the title then reads closer.
        std::optional<size_t> east;
        if (const auto j = EastHalf(i, end); j && LooksLikeHeading(i)) {
          std::string joined;
          for (size_t k = i; k <= last; ++k) joined += Line(k).text;
          const double across = Similarity(joined + Line(*j).text, title);
          if (across > similarity + 0.1) {
            similarity = across;
            east = j;
          }
        }
        if (similarity < options_.title_similarity) continue;
        const double score = similarity + (LooksLikeHeading(i) ? 0.3 : 0);
        if (score > best_score) {
          best_score = score;
          best = Heading{.first = i, .last = last, .toc_index = static_cast<int>(t), .east = east};
        }
        if (similarity > 0.9 && LooksLikeHeading(i) && last_try == kNone) last_try = i + 1;
      }
      if (best_score == 0) {
        Review(0, "toc-heading-missing", "no heading found for TOC title: " + title);
        continue;
      }
      for (size_t k = best.first; k <= best.last; ++k) {
        best.text += Line(k).text;
      }
      if (best.east) best.text += Line(*best.east).text;
      best.text = Mend(CleanTitle(best.text), Line(best.first).page, "heading");
      for (size_t k = best.first; k <= best.last; ++k) {
        best.confidence += Line(k).confidence / static_cast<float>(best.last - best.first + 1);
      }
      headings.push_back(best);
      from = best.last + 1;
    }
    // Headings the TOC does not list: large, centred, standing alone.
    std::set<size_t> taken;
    for (const auto& h : headings) {
      for (size_t k = h.first; k <= h.last; ++k) taken.insert(k);
      if (h.east) taken.insert(*h.east);
    }
    const bool listed = std::any_of(out_.toc.begin(), out_.toc.end(),
                                    [](const TocEntry& e) { return e.title.has_value(); });
    if (!listed) {
      // No contents to go by: headings from geometry alone.
      for (Heading& heading : HeadingsFromGeometry(begin, end)) headings.push_back(std::move(heading));
      std::sort(headings.begin(), headings.end(),
                [](const Heading& a, const Heading& b) { return a.first < b.first; });
      return headings;
    }
    for (size_t i = begin; i < end; ++i) {
      const LayoutLine& line = Line(i);
      // (A line laid over most of the line above in its column is OCR reading that ink again,
      // "人大过要会拉胃省要对汗" over a heading's last line: no heading of its own.)
      const bool overlaps_above = i > begin && Line(i - 1).page == line.page &&
                                  Line(i - 1).column == line.column && line.space_before < -0.5;
      // (A line that opens a parenthesis and leaves it open is an attribution's first line whose
      // rest OCR misread, "（西湖区人大常委" boxed tall on tune2 t16: a heading leaves no bracket open.)
      const std::string brackets = NormalizeBrackets(line.text);
      const bool left_open = StartsWith(brackets, "（") && brackets.find("）") == std::string::npos;
      if (taken.count(i) || !line.Centred() || line.glyph_ratio < options_.heading_glyph_ratio ||
          IsAttribution(i) || banner_.Matches(line.text) || DigestColumnOf(line.text) ||
          overlaps_above || left_open) {
        continue;
      }
      Heading extra{.first = i, .last = i, .text = line.text, .confidence = line.confidence};
      if (i + 1 < end && !taken.count(i + 1) && Line(i + 1).Centred() &&
          Line(i + 1).glyph_ratio >= options_.heading_glyph_ratio) {
        extra.last = i + 1;
        extra.text += Line(i + 1).text;
      }
      for (size_t k = extra.first; k <= extra.last; ++k) taken.insert(k);
      Review(line.page, "heading-not-in-toc", "heading not listed in the TOC: " + extra.text);
      headings.push_back(extra);
      i = extra.last;
    }
    std::sort(headings.begin(), headings.end(),
              [](const Heading& a, const Heading& b) { return a.first < b.first; });
    return headings;
  }

  // The line that heading line `first` (in a column) goes on with in the next column of its band:
  // the first line there on the same page, set large and level with it (their middles within
  // half the taller's height). None elsewhere.
  std::optional<size_t> EastHalf(size_t first, size_t end) const {
    const LayoutLine& west = Line(first);
    if (west.column <= 0) return std::nullopt;
    for (size_t j = first + 1; j < end && Line(j).page == west.page; ++j) {
      const LayoutLine& line = Line(j);
      if (line.column != west.column + 1) continue;
      const double middle = line.box.y + line.box.height / 2.0;
      const double west_middle = west.box.y + west.box.height / 2.0;
      const bool level = std::abs(middle - west_middle) <= 0.5 * std::max(line.box.height, west.box.height);
      const bool large = line.glyph_ratio >= options_.heading_glyph_ratio || SetLarge(j);
      if (level && large && !IsAttribution(j)) return j;
      // (Only the first line of the next column, or one level with the heading below lines of
      // the column's top: the first line at or below the heading's top.)
      if (middle > west_middle) return std::nullopt;
    }
    return std::nullopt;
  }

  // A line set larger than the body: its characters stand further apart than the body's glyph
  // (OCR's box heights are not to be trusted, a tall quote mark makes a body line look large;
  // the width a line's characters take is), Latin letters and digits counted half.
  bool SetLarge(size_t i) const {
    const LayoutLine& line = Line(i);
    double chars = 0;
    for (char32_t c : ToU32(line.text)) chars += c < 0x80 ? 0.5 : 1.0;
    if (chars < 2 || line.glyph_px <= 0) return false;
    return line.box.width / chars >= options_.heading_pitch_ratio * line.glyph_px;
  }

  // A short name set between marks on both sides (-~工作简讯-~, ——信息摘登——): a column's
  // banner, not an article's heading.
  static bool Decorated(const std::string& text) {
    const std::u32string u = ToU32(text);
    auto han = [](char32_t c) { return c >= 0x3400 && c <= 0x9FFF; };
    const auto first = std::find_if(u.begin(), u.end(), han);
    const auto last = std::find_if(u.rbegin(), u.rend(), han);
    if (first == u.begin() || last == u.rbegin() || first == u.end()) return false;
    const std::u32string name(first, last.base());
    return name.size() >= 2 && name.size() <= 8 && std::all_of(name.begin(), name.end(), han);
  }

  // An issue without a contents: a heading is a run of lines set larger than the body, in one
  // column of one page, that ends no sentence and is followed by body text; centred or flush
  // left, across the page or inside a column. Each becomes an article, flagged: nothing
  // confirms it.
  std::vector<Heading> HeadingsFromGeometry(size_t begin, size_t end) {
    std::vector<Heading> headings;
    std::set<size_t> attributions;  // lines of attributions, however wrapped
    for (size_t i = begin; i < end; ++i) {
      for (size_t k = 0; k < AttributionSpan(i); ++k) attributions.insert(i + k);
    }
    auto candidate = [&](size_t i) {
      const std::string& text = Line(i).text;
      return SetLarge(i) && !attributions.count(i) && text.find("。") == std::string::npos &&
             Chars(text) <= 45 && !banner_.Matches(text) && !DigestColumnOf(text) &&
             !Decorated(text);
    };
    for (size_t i = begin; i < end; ++i) {
      if (!candidate(i)) continue;
      size_t last = i;
      while (last + 1 < end && last < i + 3 && Line(last + 1).page == Line(i).page &&
             Line(last + 1).column == Line(i).column && candidate(last + 1)) {
        ++last;
      }
      // A paragraph follows a heading, its first line indented.
      if (last + 1 >= end || Line(last + 1).page != Line(i).page || !IsParagraphStart(last + 1) ||
          Chars(Line(i).text) + (last > i ? Chars(Line(last).text) : 0) < 4) {
        i = last;
        continue;
      }
      Heading heading{.first = i, .last = last};
      for (size_t k = i; k <= last; ++k) {
        heading.text += Line(k).text;
        heading.confidence += Line(k).confidence / static_cast<float>(last - i + 1);
      }
      heading.text = Mend(CleanTitle(heading.text), Line(i).page, "heading");
      Review(Line(i).page, "heading-from-geometry",
             "heading found by its print alone, with no contents to confirm it: " + heading.text);
      headings.push_back(std::move(heading));
      i = last;
    }
    return headings;
  }

  // Each character of `text`, a title read from `lines` (cleaned and mended since), as OCR read
  // it (CharacterRead), aligned to what the lines read.
  std::vector<CharacterRead> ReadingOfCharacters(const std::u32string& text,
                                                 const std::vector<size_t>& lines) const {
    std::u32string read;
    std::vector<CharacterRead> reads;
    for (size_t k : lines) {
      for (CharacterRead& character : CharacterReadsOf(k)) {
        read += character.character;
        reads.push_back(std::move(character));
      }
    }
    std::vector<CharacterRead> out(text.size());
    for (const AlignedPair& pair : AlignCharacters(text, read)) {
      if (pair.a != kUnaligned && pair.b != kUnaligned && text[pair.a] == read[pair.b]) {
        out[pair.a] = reads[pair.b];
      }
    }
    return out;
  }

  // Whether OCR left white a glyph wide or more between two characters of one line that it read
  // side by side (`before`, `after`), where the line's words otherwise stand close: a glyph read
  // as nothing.
  bool GlyphLostBetween(const CharacterRead& before, const CharacterRead& after) const {
    if (!before.box || !after.box || before.line == kNone || before.line != after.line) return false;
    const LayoutLine& line = Line(before.line);
    const double glyph = line.glyph_ratio * line.glyph_px;
    std::vector<int> gaps;
    for (size_t w = 1; w < line.words.size(); ++w) {
      gaps.push_back(line.words[w].box.x - line.words[w - 1].box.Right());
    }
    if (gaps.empty() || glyph <= 0) return false;
    std::nth_element(gaps.begin(), gaps.begin() + static_cast<long>(gaps.size() / 2), gaps.end());
    const int typical = gaps[gaps.size() / 2];
    return typical < options_.title_lost_glyph * glyph / 2 &&
           after.box->x - before.box->Right() >= options_.title_lost_glyph * glyph;
  }

  // Whether character `at` of `text` stands in a word of the profile's lexicon.
  bool InLexiconTerm(const std::u32string& text, size_t at) const {
    for (const auto& term : profile_.lexicon) {
      const std::u32string word = ToU32(term);
      if (word.size() < 2) continue;
      for (size_t from = text.find(word); from != std::u32string::npos; from = text.find(word, from + 1)) {
        if (from <= at && at < from + word.size()) return true;
      }
    }
    return false;
  }

  // `kept`, with each Han character where `other` reads another Han character in its place
  // taken from `other` when `other` read it surer (StructureOptions::title_character_confidence
  // and title_character_margin): one line's mean confidence says little of one character in it.
  // A Han character only `other` reads, read surely, is put in where `kept`'s line leaves white
  // a glyph wide for it (GlyphLostBetween: dev3 g11's heading set across two columns, "“三维" and
  // "力”…" read as two lines with 发 in the white between them, the contents' 发 read at 92).
  // Readings that differ in more than a quarter of their characters are left as they are.
  std::string SurerCharacters(const std::string& kept, const std::vector<size_t>& kept_lines,
                              const std::string& other, const std::vector<size_t>& other_lines) const {
    const std::u32string in = ToU32(kept);
    const std::u32string alternative = ToU32(other);
    if (kept_lines.empty() || other_lines.empty()) return kept;
    const std::vector<AlignedPair> aligned = AlignCharacters(in, alternative);
    const auto differing = std::count_if(aligned.begin(), aligned.end(), [&](const AlignedPair& p) {
      return p.a == kUnaligned || p.b == kUnaligned || in[p.a] != alternative[p.b];
    });
    if (differing == 0 || 4 * static_cast<size_t>(differing) > in.size()) return kept;
    const std::vector<CharacterRead> kept_read = ReadingOfCharacters(in, kept_lines);
    const std::vector<CharacterRead> other_read = ReadingOfCharacters(alternative, other_lines);
    std::u32string out;
    size_t previous = kNone;  // the last character of `kept` passed
    for (size_t p = 0; p < aligned.size(); ++p) {
      const AlignedPair& pair = aligned[p];
      if (pair.a == kUnaligned) {
        const char32_t theirs = alternative[pair.b];
        size_t next = kNone;
        for (size_t q = p + 1; q < aligned.size() && next == kNone; ++q) next = aligned[q].a;
        if (IsHan(theirs) && other_read[pair.b].confidence >= options_.title_character_confidence &&
            previous != kNone && next != kNone && GlyphLostBetween(kept_read[previous], kept_read[next])) {
          out += theirs;
        }
        continue;
      }
      previous = pair.a;
      char32_t mine = in[pair.a];
      if (pair.b != kUnaligned) {
        const char32_t theirs = alternative[pair.b];
        // (Nor where it would unmake a word of the profile's lexicon: the contents' 拱墅区, 墅
        // read at 0, under the heading's "扶野区", 野 at 86, order12 o01.)
        if (mine != theirs && IsHan(mine) && IsHan(theirs) &&
            other_read[pair.b].confidence >= options_.title_character_confidence &&
            other_read[pair.b].confidence >= kept_read[pair.a].confidence + options_.title_character_margin &&
            !InLexiconTerm(in, pair.a)) {
          mine = theirs;
        }
      }
      out += mine;
    }
    return ToUtf8(out);
  }

  // TOC and heading are two readings of one title: keep the more confident one, with the
  // characters of the other read surer (SurerCharacters) or that the article's body confirms
  // (MendTitleFromBody).
  std::string ReconcileTitle(const Heading& heading, size_t article_index, const std::string& body) {
    if (heading.toc_index < 0) return heading.text;
    TocEntry& entry = out_.toc[static_cast<size_t>(heading.toc_index)];
    if (*entry.title == heading.text) return heading.text;
    const TocReading& toc_reading = toc_reads_[static_cast<size_t>(heading.toc_index)];
    bool heading_wins = heading.confidence >= toc_reading.confidence;
    // One reading is the other with a few characters lost at an end (a wrapped line's end left
    // in another column, a quote mark): the whole one is kept, whichever was read surer.
    const std::u32string toc_u = ToU32(*entry.title);
    const std::u32string heading_u = ToU32(heading.text);
    // (What the whole one has more is characters or quote marks, not a stop or leaders read on.)
    auto cut_short = [](const std::u32string& part, const std::u32string& whole) {
      if (part.size() + 4 < whole.size() || part.size() >= whole.size() || part.size() < 4) return false;
      auto lost = [](const std::u32string& extra) {
        return std::all_of(extra.begin(), extra.end(), [](char32_t c) {
          return (c >= 0x3400 && c <= 0x9FFF) || IsDoubleQuote(c);
        });
      };
      const size_t n = whole.size() - part.size();
      return (whole.compare(0, part.size(), part) == 0 && lost(whole.substr(part.size()))) ||
             (whole.compare(n, part.size(), part) == 0 && lost(whole.substr(0, n)));
    };
    if (cut_short(heading_u, toc_u)) heading_wins = false;
    if (cut_short(toc_u, heading_u)) heading_wins = true;
    // The two differ in quote marks only: a reading that lost one (西兴街道三维发力”) leaves
    // its quotes unpaired, and the one whose quotes pair is kept.
    auto without_quotes = [](std::u32string text) {
      std::erase_if(text, IsDoubleQuote);
      return text;
    };
    const auto paired = QuotesPair;
    if (without_quotes(toc_u) == without_quotes(heading_u) && paired(toc_u) != paired(heading_u)) {
      heading_wins = paired(heading_u);
    }
    // ... or both pair, and one lost a pair (a heading set large, its quotes lost by OCR:
    // "桐庐县：三张清单推动…" under the contents' "桐庐县：“三张清单”推动…"): OCR does not
    // invent a pair of quotes round a word, so the one with more is kept.
    if (without_quotes(toc_u) == without_quotes(heading_u) && paired(toc_u) && paired(heading_u) &&
        toc_u.size() != heading_u.size()) {
      heading_wins = heading_u.size() > toc_u.size();
    }
    // The two read the same characters and differ in marks only, one reading's quotes as OCR read
    // them paired and the other's not: a quote misread as another mark ("“三张清单，推动…",
    // "西兴街道三维.发力”"; CleanTitle closes such a title at its end, and pairs it wrongly).
    // The reading whose own quotes pair is kept.
    std::string heading_read;
    for (size_t k = heading.first; k <= heading.last; ++k) heading_read += Line(k).text;
    const std::u32string toc_read = ToU32(toc_reading.text);
    const std::u32string heading_read_u = ToU32(heading_read);
    auto characters = [](std::u32string text) {
      std::erase_if(text, [](char32_t c) { return !IsCharacter(c); });
      return text;
    };
    if (!toc_read.empty() && characters(toc_u) == characters(heading_u) &&
        paired(toc_read) != paired(heading_read_u)) {
      heading_wins = paired(heading_read_u);
    }
    // One reading holds a question mark before a closing quote where the other holds the quote
    // alone: chi_sim reads a closing quote set large now and then as "？”" ("第一区？”" in dev
    // d11's heading over the contents' "第一区”", in tuning t22's contents line under its
    // heading's). The reading without it is kept.
    auto without_question = [](std::u32string text) {
      for (size_t at; (at = text.find(U"？”")) != std::u32string::npos ||
                      (at = text.find(U"?”")) != std::u32string::npos;) {
        text.erase(at, 1);
      }
      return text;
    };
    if (toc_u != heading_u && without_question(toc_u) == heading_u) heading_wins = true;
    if (toc_u != heading_u && without_question(heading_u) == toc_u) heading_wins = false;
    // The two read the same characters, and one sets off the place the title begins with by a
    // colon where the other read another mark (dev2 e08's contents "拱墅区，多措并举…" under
    // its heading's "拱墅区："): a title's place is set off by a colon, and that reading is kept.
    if (toc_u.size() == heading_u.size() && characters(toc_u) == characters(heading_u)) {
      const bool toc_place = LocalityOf(*entry.title, profile_).has_value();
      const bool heading_place = LocalityOf(heading.text, profile_).has_value();
      if (toc_place != heading_place) heading_wins = heading_place;
    }
    const std::string& kept = heading_wins ? heading.text : *entry.title;
    const std::string& other = heading_wins ? *entry.title : heading.text;
    std::vector<size_t> heading_lines;
    for (size_t k = heading.first; k <= heading.last; ++k) heading_lines.push_back(k);
    if (heading.east) heading_lines.push_back(*heading.east);
    const std::vector<size_t>& kept_lines = heading_wins ? heading_lines : toc_reading.lines;
    const std::vector<size_t>& other_lines = heading_wins ? toc_reading.lines : heading_lines;
    const std::string surer = SurerCharacters(kept, kept_lines, other, other_lines);
    std::string chosen = PutBackQuotes(MendTitleFromBody(surer, other, body), other);
    std::string source = chosen == kept ? "" : chosen == surer ? "+confidence" : "+body";
    // Each reading lost one quote of a pair, not the same one ("“三张清单推动…" in the contents,
    // CleanTitle closing it at its end; "三张清单”推动…" over the article): the quotes of both,
    // each where its reading set it.
    if (!toc_read.empty() && characters(toc_u) == characters(heading_u) && !paired(toc_read) &&
        !paired(heading_read_u)) {
      const std::string merged = CleanTitle(PutBackQuotes(toc_reading.text, heading_read, false));
      if (QuotesPair(ToU32(merged)) && without_quotes(ToU32(merged)) == without_quotes(ToU32(chosen))) {
        chosen = merged;
        source = heading_wins ? "+toc" : "+heading";
      }
    }
    const int page = Line(heading.first).page;
    if (chosen != *entry.title) {
      out_.corrections.push_back(Correction{.page = page,
                                            .field = fmt::format("toc[{}].title", heading.toc_index),
                                            .before = *entry.title,
                                            .after = chosen,
                                            .source = (heading_wins ? "heading" : "toc") + source});
    }
    if (chosen != heading.text) {
      out_.corrections.push_back(Correction{.page = page,
                                            .field = fmt::format("articles[{}].title", article_index),
                                            .before = heading.text,
                                            .after = chosen,
                                            .source = (heading_wins ? "heading" : "toc") + source});
    }
    entry.title = chosen;
    return chosen;
  }

  // The paragraphs of lines `lines` (in reading order; a banner or a heading's half taken out).
  std::vector<std::string> Paragraphs(const std::vector<size_t>& lines) const {
    std::vector<std::string> paragraphs;
    for (size_t i : lines) {
      if (paragraphs.empty() || IsParagraphStart(i)) paragraphs.emplace_back();
      AppendLine(paragraphs.back(), Line(i).text);
    }
    return paragraphs;
  }

  std::vector<std::string> Paragraphs(size_t begin, size_t end) const {
    std::vector<size_t> lines(end - begin);
    std::iota(lines.begin(), lines.end(), begin);
    return Paragraphs(lines);
  }

  // The text with words one OCR error from the profile's lexicon mended, the change recorded.
  std::string Mend(const std::string& read, int page, const char* field) {
    const std::string mended = MendWithLexicon(read, profile_.lexicon);
    if (mended != read) {
      out_.corrections.push_back(Correction{
          .page = page, .field = field, .before = read, .after = mended, .source = "lexicon"});
    }
    return mended;
  }

  Attribution AttributionAt(size_t i, size_t span) {
    std::string text = Line(i).spaced_text;
    std::u32string read;  // the characters OCR read, with the confidence of each
    std::vector<float> confidence;
    for (size_t k = i; k < i + span; ++k) {
      if (k > i && IsSpeck(k)) continue;
      if (k > i) text += Line(k).spaced_text;
      const auto [line_read, line_confidence] = CharactersOf(k);
      read += line_read;
      confidence.insert(confidence.end(), line_confidence.begin(), line_confidence.end());
    }
    Attribution attribution =
        ParseAttribution(Mend(NormalizeBrackets(text), Line(i).page, "attribution"), profile_,
                         &options_.known_authors);
    FlagDoubtfulNames(attribution, read, confidence, Line(i).page);
    FlagGuessedSplits(attribution, text, Line(i).page);
    NoteDoubtfulOrganization(attribution, read, confidence, Line(i).page);
    return attribution;
  }

  // The characters of the organization OCR read below min_name_confidence, for
  // MendOrganizations (an organization the lexicon mended is no longer as read: left alone).
  void NoteDoubtfulOrganization(const Attribution& attribution, const std::u32string& read,
                                const std::vector<float>& confidence, int page) {
    const std::u32string organization = ToU32(attribution.organization);
    if (organization.empty()) return;
    const size_t from = read.find(organization);
    if (from == std::u32string::npos) return;
    OrganizationDoubt doubt{.page = page};
    for (size_t c = from; c < from + organization.size(); ++c) {
      doubt.sure.push_back(confidence[c] >= options_.min_name_confidence);
      if (doubt.sure.back()) continue;
      ++doubt.doubtful;
      doubt.lowest = std::min(doubt.lowest, confidence[c]);
    }
    if (doubt.doubtful == 0) {
      sure_organizations_.insert(attribution.organization);
      return;
    }
    // (Read twice with doubts, the reading with fewer stands for both.)
    const auto [it, fresh] = organization_doubts_.try_emplace(attribution.organization, doubt);
    if (!fresh && doubt.doubtful < it->second.doubtful) it->second = doubt;
  }

  // A name OCR read a character of below the confidence it can be trusted at, or that is no
  // plausible name (a digit or letter in it, no family name, one character or five), is kept as
  // read and named in a review item: no silent wrong author.
  void FlagDoubtfulNames(const Attribution& attribution, const std::u32string& read,
                         const std::vector<float>& confidence, int page) {
    size_t from = read.find(ToU32(attribution.organization.empty() ? "（" : attribution.organization));
    from = from == std::u32string::npos ? 0 : from;
    for (const auto& name : attribution.authors) {
      const std::u32string chars = ToU32(name);
      std::string why;
      bool settles = false;
      size_t family = 1;
      if (std::any_of(chars.begin(), chars.end(), [](char32_t c) { return !IsCjk(c); })) {
        why = "not all Chinese characters";
      } else if (chars.size() < 2 || chars.size() > 4) {
        why = fmt::format("{} characters", chars.size());
      } else if (FamilyNameWeight(chars, 0, profile_, family) == 0 &&
                 !(profile_.common_surnames.empty() && profile_.other_surnames.empty())) {
        why = "no family name";
      } else {
        float lowest = 100;
        for (size_t c = 0, at = from; c < chars.size(); ++c) {
          const size_t pos = read.find(chars[c], at);
          if (pos == std::u32string::npos) {
            lowest = 0;
            break;
          }
          lowest = std::min(lowest, confidence[pos]);
          at = pos + 1;
        }
        if (lowest < options_.min_name_confidence) why = fmt::format("read at confidence {:.0f}", lowest);
        settles = lowest >= options_.name_settles_confidence;
      }
      const bool misshapen = !why.empty() && !StartsWith(why, "read at");
      // Decided once the whole issue is read (ReconcileNames): another reading may settle it.
      if (!why.empty()) {
        name_doubts_[NameKey(attribution.raw, name)] =
            NameDoubt{.page = page, .why = why, .misshapen = misshapen, .settles = settles};
      }
    }
  }

  // Names OCR read with no gap between them (`spaced`, the attribution's text) that family names
  // split two ways alike: each is a guess, doubtful whatever its confidence.
  void FlagGuessedSplits(const Attribution& attribution, const std::string& spaced, int page) {
    const auto& names = attribution.authors;
    // A padded name whose first half OCR ran into the name before (章晓东方 舟): which
    // characters the two names share is a guess.
    const std::u32string read = ToU32(MarksToGaps(spaced));
    for (const auto& name : names) {
      const std::u32string u = ToU32(name);
      if (u.size() != 2) continue;
      const std::u32string padded = {u[0], U' ', u[1]};
      const size_t at = read.find(padded);
      if (at != std::u32string::npos && at > 0 && read[at - 1] != U' ' && read[at - 1] != U'（') {
        name_doubts_[NameKey(attribution.raw, name)] = NameDoubt{
            .page = page, .why = fmt::format("{} split from the name before by guess", name),
            .misshapen = true};
      }
    }
    for (size_t first = 0; first < names.size(); ++first) {
      std::string run = names[first];
      for (size_t last = first + 1; last < names.size(); ++last) {
        run += names[last];
        if (spaced.find(run) == std::string::npos || !AmbiguousNameSplit(run, profile_, &options_.known_authors)) continue;
        for (size_t k = first; k <= last; ++k) {
          name_doubts_[NameKey(attribution.raw, names[k])] = NameDoubt{
              .page = page, .why = fmt::format("{} split from {} by guess", names[k], run), .misshapen = true};
        }
      }
    }
  }

  // Every attribution of the issue: the articles' and the briefs'.
  std::vector<Attribution*> Attributions() {
    std::vector<Attribution*> out;
    for (auto& a : out_.articles) {
      if (a.attribution) out.push_back(&*a.attribution);
    }
    for (auto& b : out_.briefs) {
      if (b.attribution) out.push_back(&*b.attribution);
    }
    return out;
  }

  // An organization's last suffix misread and cut off as a name (（上城区人大常委会 办公宝）): a
  // doubtful first name one character from exactly one suffix that ends another attribution's
  // organization in the issue is that suffix (办公室, not 办公厅, where the issue's other
  // organizations end in 办公室).
  void MendOrganizationSuffixes() {
    const std::vector<Attribution*> attributions = Attributions();
    for (Attribution* a : attributions) {
      if (a->authors.empty()) continue;
      const std::string first = a->authors[0];
      const auto doubt = name_doubts_.find(NameKey(a->raw, first));
      if (doubt == name_doubts_.end() || !doubt->second.misshapen) continue;
      const std::u32string read = ToU32(first);
      std::set<std::string> matches;
      for (const auto& suffix : profile_.organization_suffixes) {
        const std::u32string s = ToU32(suffix);
        if (s.size() != read.size() || EditDistance(s, read) != 1) continue;
        const bool ends_another = std::any_of(attributions.begin(), attributions.end(), [&](const Attribution* o) {
          return o != a && EndsWith(o->organization, suffix);
        });
        if (ends_another) matches.insert(suffix);
      }
      if (matches.size() != 1) continue;
      const std::string before = a->raw;
      a->organization += *matches.begin();
      a->authors.erase(a->authors.begin());
      a->raw = "（" + a->organization;
      for (const auto& name : a->authors) a->raw += " " + name;
      a->raw += "）";
      for (const auto& name : a->authors) {
        const auto d = name_doubts_.find(NameKey(before, name));
        if (d != name_doubts_.end()) name_doubts_[NameKey(a->raw, name)] = d->second;
      }
      out_.corrections.push_back(Correction{
          .page = doubt->second.page, .field = "attribution", .before = before, .after = a->raw, .source = "issue"});
    }
  }

  // Doubtful author names against the issue's other readings (stages/names.h): a name read
  // alike elsewhere stands, one a character away from a settled name is mended to it (a
  // correction says so), any other is kept as read and named in a review item.
  void ReconcileNamesInIssue() {
    const std::vector<Attribution*> attributions = Attributions();
    std::vector<NameReading> readings;
    std::vector<std::pair<Attribution*, size_t>> where;
    std::vector<NameDoubt> doubts;  // (a mend rewrites raw, the key of the names after it)
    for (Attribution* a : attributions) {
      for (size_t k = 0; k < a->authors.size(); ++k) {
        const auto doubt = name_doubts_.find(NameKey(a->raw, a->authors[k]));
        const bool doubtful = doubt != name_doubts_.end();
        readings.push_back(NameReading{.name = a->authors[k],
                                       .doubtful = doubtful,
                                       .misshapen = doubtful && doubt->second.misshapen,
                                       .settles = doubtful && doubt->second.settles});
        where.emplace_back(a, k);
        doubts.push_back(doubt != name_doubts_.end() ? doubt->second : NameDoubt{});
      }
    }
    const std::vector<NameVerdict> verdicts = ReconcileNames(readings, options_.known_authors);
    for (size_t r = 0; r < verdicts.size(); ++r) {
      if (verdicts[r].kind == NameVerdict::kSure || verdicts[r].kind == NameVerdict::kAgreed) continue;
      Attribution& a = *where[r].first;
      const std::string& read = readings[r].name;
      const NameDoubt& doubt = doubts[r];
      if (verdicts[r].kind == NameVerdict::kDoubtful) {
        Review(doubt.page, "attribution-name",
               fmt::format("author name '{}' doubtful ({}) in {}", read, doubt.why, a.raw));
        continue;
      }
      const std::string before = a.raw;
      a.authors[where[r].second] = verdicts[r].name;
      const size_t at = a.raw.find(read, a.organization.size());
      if (at != std::string::npos) a.raw.replace(at, read.size(), verdicts[r].name);
      out_.corrections.push_back(Correction{.page = doubt.page,
                                            .field = "attribution",
                                            .before = before,
                                            .after = a.raw,
                                            .source = verdicts[r].known ? "catalog" : "issue"});
      // (A name of other issues, not this one's: someone new may differ from it by a character.)
      if (verdicts[r].known) {
        Review(doubt.page, "attribution-name",
               fmt::format("author name '{}' doubtful ({}), mended to '{}' as other issues print it, in {}",
                           read, doubt.why, verdicts[r].name, a.raw));
      }
    }
  }

  // An organization that starts with a place's suffix alone may have lost its place to OCR
  // ("（区人大常委会办公室…" for 萧山区…, dev4 h03). Where the text it credits names the
  // organization's start after a place, and only so (a brief's "萧山区人大常委会高度关注…"), the
  // place is taken from there: a correction from "body" and a review item to confirm it. Where
  // the text names it bare too, or not at all, it is left as read: "市人大常委会办公厅" is how a
  // city's congress names its own office.
  // Each attribution of the issue's articles and briefs, with the text it credits (an article's
  // title and paragraphs, a brief's text) and the page that starts it.
  struct Credited {
    Attribution* attribution;
    std::string text;
    int page;
  };
  std::vector<Credited> CreditedTexts() {
    std::vector<Credited> credited;
    for (auto& article : out_.articles) {
      if (!article.attribution) continue;
      std::string text = article.title;
      for (const auto& paragraph : article.paragraphs) text += "\n" + paragraph;
      credited.push_back({&*article.attribution, std::move(text), article.start_page});
    }
    for (auto& brief : out_.briefs) {
      if (brief.attribution) credited.push_back({&*brief.attribution, brief.text, brief.page});
    }
    return credited;
  }

  void MendLostPlaces() {
    for (auto& [a, text, page] : CreditedTexts()) {
      const std::u32string organization = ToU32(a->organization);
      if (organization.size() < 4 ||
          std::find(profile_.locality_suffixes.begin(), profile_.locality_suffixes.end(),
                    ToUtf8(organization.substr(0, 1))) == profile_.locality_suffixes.end()) {
        continue;
      }
      // The place before the organization's first characters in the text: two Han characters.
      const std::u32string body = ToU32(text);
      const std::u32string start = organization.substr(0, std::min<size_t>(6, organization.size()));
      std::u32string place;
      bool bare = false;
      for (size_t at = body.find(start); at != std::u32string::npos; at = body.find(start, at + 1)) {
        if (at < 2 || !IsHan(body[at - 2]) || !IsHan(body[at - 1])) {
          bare = true;
        } else if (place.empty()) {
          place = body.substr(at - 2, 2);
        }
      }
      if (place.empty() || bare) continue;
      const std::string before = a->raw;
      const std::string was = a->organization;
      a->organization = ToUtf8(place) + was;
      const size_t at = a->raw.find(was);
      if (at != std::string::npos) a->raw.replace(at, was.size(), a->organization);
      out_.corrections.push_back(Correction{
          .page = page, .field = "attribution", .before = before, .after = a->raw, .source = "body"});
      Review(page, "attribution-organization",
             fmt::format("organization '{}' lost its place, mended to '{}' as the text names it, in {}",
                         was, a->organization, a->raw));
    }
  }

  // An organization read with doubtful characters that no other issue names is, when it stands
  // as few characters from exactly one organization the catalog's other issues name as it has
  // doubtful characters (organization_max_mend at most, and a fifth of its length), that
  // organization misread: 桐让其人大常委会办公室, 让 and 其 read at 42 and 28, is
  // 桐庐县人大常委会办公室. The mend is a correction from "catalog" and a review item to confirm
  // it (someone new may differ from a known one by a character). Nearest to two alike (临X区 for
  // 临平区 and 临安区), it is left as read; and a place the article's own text names (西湖区 in
  // 西湖区：西兴街道… over （西湖区人大常委会西兴街道工委）, its bracket read with 西湖 at 28) is
  // not mended into another (富阳区人大常委会西兴街道工委 that other issues name), nor is a
  // character read surely changed into another.
  void MendOrganizations() {
    if (options_.known_organizations.empty()) return;
    const std::set<std::string> known(options_.known_organizations.begin(),
                                      options_.known_organizations.end());
    for (auto& [a, text, page] : CreditedTexts()) {
      const std::string place = PlaceOf(a->organization, profile_);
      const bool place_named = !place.empty() && NamedOutsideBrackets(text, place);
      const auto doubt = organization_doubts_.find(a->organization);
      if (doubt == organization_doubts_.end() || known.count(a->organization) ||
          sure_organizations_.count(a->organization)) {
        continue;
      }
      const std::u32string read = ToU32(a->organization);
      const size_t most = std::min({doubt->second.doubtful, options_.organization_max_mend,
                                    std::max<size_t>(1, read.size() / 5)});
      const std::string* nearest = nullptr;
      size_t distance = most + 1;
      int alike = 0;
      for (const auto& name : known) {
        if (place_named && !StartsWith(name, place)) continue;
        const size_t d = EditDistance(ToU32(name), read);
        if (d < distance) {
          nearest = &name;
          distance = d;
          alike = 1;
        } else if (d == distance) {
          ++alike;
        }
      }
      if (!nearest || alike != 1) continue;
      // (Only its doubtful characters are misread: 淳安县人大常委会西兴街道工委, 淳 read at 65
      // and 安县 at 90, is no misread 临安区人大常委会西兴街道工委, dev3 g20. A character read
      // surely may still be one too many: "（人研究室）", "(人" read at 90 over the bracket's
      // glyph, tune2 t22.)
      const std::vector<bool>& sure = doubt->second.sure;
      const std::u32string known_name = ToU32(*nearest);
      const auto changes_sure = [&](const AlignedPair& pair) {
        return pair.a != kUnaligned && pair.b != kUnaligned && pair.a < sure.size() && sure[pair.a] &&
               read[pair.a] != known_name[pair.b];
      };
      const std::vector<AlignedPair> aligned = AlignCharacters(read, known_name);
      if (std::any_of(aligned.begin(), aligned.end(), changes_sure)) continue;
      const std::string before = a->raw;
      const size_t at = a->raw.find(a->organization);
      if (at != std::string::npos) a->raw.replace(at, a->organization.size(), *nearest);
      const std::string was = std::exchange(a->organization, *nearest);
      out_.corrections.push_back(Correction{.page = doubt->second.page,
                                            .field = "attribution",
                                            .before = before,
                                            .after = a->raw,
                                            .source = "catalog"});
      Review(doubt->second.page, "attribution-organization",
             fmt::format("organization '{}' doubtful (read at confidence {:.0f}), mended to '{}' as "
                         "other issues print it, in {}",
                         was, doubt->second.lowest, *nearest, a->raw));
    }
  }

  std::vector<Brief> ParseBriefs(size_t begin, size_t end, const std::string& column) {
    std::vector<Brief> briefs;
    size_t start = begin;
    for (size_t i = begin; i < end; ++i) {
      const size_t span = std::min(AttributionSpan(i), end - i);
      if (span == 0) continue;
      if (i > start) {
        MarkLines(start, i, "brief", briefs.size());
        MarkLines(i, i + span, "brief-attribution", briefs.size());
        Brief brief{.column = column, .page = Line(start).page, .attribution = AttributionAt(i, span)};
        for (const auto& paragraph : Paragraphs(start, i)) brief.text += paragraph;
        briefs.push_back(std::move(brief));
      }
      start = i + span;
      i += span - 1;
    }
    if (start < end) {
      MarkLines(start, end, "brief", briefs.size());
      Brief brief{.column = column, .page = Line(start).page};
      for (const auto& paragraph : Paragraphs(start, end)) brief.text += paragraph;
      Review(brief.page, "brief-without-attribution", "brief has no attribution line");
      briefs.push_back(std::move(brief));
    }
    return briefs;
  }

  void ParseBody(size_t begin, size_t end) {
    // The digest section starts at its banner (信息摘登), when print has one.
    size_t digest = end;
    std::string digest_column;
    for (size_t i = begin; i < end; ++i) {
      if (Chars(Line(i).text) > 12 || IsParagraphStart(i)) continue;
      auto column = DigestColumnOf(Line(i).text);
      if (!column) column = MisreadDigestBanner(i);
      if (column) {
        digest = i;
        digest_column = *column;
      }
    }
    const std::vector<Heading> headings = FindHeadings(begin, digest);
    if (headings.empty()) Review(0, "no-articles", "no article headings found");

    std::string column;
    for (size_t h = 0; h < headings.size(); ++h) {
      const Heading& heading = headings[h];
      const size_t stop = h + 1 < headings.size() ? headings[h + 1].first : digest;
      Article article;
      const size_t item = out_.articles.size();
      MarkLines(heading.first, heading.last + 1, "heading", item);
      if (heading.toc_index >= 0) column = out_.toc[static_cast<size_t>(heading.toc_index)].column;
      if (heading.east) MarkLines(*heading.east, *heading.east + 1, "heading", item);
      std::string body_text;
      for (size_t i = heading.last + 1; i < stop; ++i) {
        if (i != heading.east) body_text += Line(i).text;
      }
      article.title = ReconcileTitle(heading, out_.articles.size(), body_text);
      article.locality = LocalityOf(article.title, profile_);
      article.start_page = Line(heading.first).page;

      std::vector<size_t> body;
      for (size_t i = heading.last + 1; i < stop; ++i) {
        if (i == heading.east) continue;
        if (auto m = banner_.Search(Line(i).text)) {
          if (h + 1 == headings.size() || i + 1 < stop) column = m->Group("column");
          MarkLines(i, i + 1, "banner");
          continue;
        }
        body.push_back(i);
      }
      article.column = column;
      size_t attribution = kNone;
      size_t span = 0;
      for (size_t k = 0; k < body.size(); ++k) {
        span = AttributionSpan(body[k]);
        if (span > 1 && (k + span - 1 >= body.size() || body[k + span - 1] != body[k] + span - 1)) {
          span = 0;
        }
        if (span > 0) {
          attribution = k;
          break;
        }
      }
      const size_t body_end = attribution == kNone ? body.size() : attribution;
      for (size_t k = 0; k < body_end; ++k) MarkLines(body[k], body[k] + 1, "body", item);
      if (attribution != kNone) {
        MarkLines(body[attribution], body[attribution] + span, "attribution", item);
      }
      if (!body.empty()) {
        article.paragraphs = Paragraphs(std::vector<size_t>(body.begin(), body.begin() + body_end));
        // (An attribution may close at the top of the next page.)
        article.end_page = attribution == kNone ? Line(body[body_end - 1]).page
                                                : Line(body[attribution] + span - 1).page;
      } else {
        article.end_page = article.start_page;
      }
      if (attribution == kNone) {
        Review(article.start_page, "attribution-missing", "article has no attribution: " + article.title);
      } else {
        article.attribution = AttributionAt(body[attribution], span);
        // Text after the attribution: the digest, when print has no banner for it.
        if (attribution + span < body.size()) {
          const size_t rest = body[attribution + span];
          if (h + 1 == headings.size() && digest == end && !digest_columns_.empty()) {
            digest = rest;
            digest_column = DigestColumnFromToc();
          } else {
            Review(Line(rest).page, "text-after-attribution",
                   "lines after the attribution of: " + article.title);
          }
        }
      }
      out_.articles.push_back(std::move(article));
    }
    if (digest < end) {
      const size_t first = DigestColumnOf(Line(digest).text) ? digest + 1 : digest;
      MarkLines(digest, first, "banner");
      if (digest_column.empty()) digest_column = DigestColumnFromToc();
      out_.briefs = ParseBriefs(first, end, digest_column);
    }
  }

  std::string DigestColumnFromToc() const {
    for (const auto& entry : out_.toc) {
      if (entry.count) return entry.column;
    }
    return profile_.digest_columns.empty() ? std::string() : profile_.digest_columns.front();
  }

  void ParseColophon(size_t begin) {
    if (begin >= lines_.size()) {
      Review(lines_.empty() ? 0 : Line(lines_.size() - 1).page, "colophon-missing",
             "no colophon (送：…) found");
      return;
    }
    Colophon& colophon = out_.colophon;
    bool in_distribution = true;
    for (size_t i = begin; i < lines_.size(); ++i) {
      const std::string& text = Line(i).text;
      auto editor = editor_.Search(text);
      auto phone = phone_.Search(text);
      if (editor || phone) in_distribution = false;
      if (editor) colophon.editor = editor->Group("editor");
      if (phone) {
        std::string digits = RemoveSpaces(phone->Group("phone"));
        for (const auto& [from, to] :
             std::vector<std::pair<std::string, std::string>>{{"（", "("}, {"）", ")"}}) {
          size_t pos;
          while ((pos = digits.find(from)) != std::string::npos) digits.replace(pos, from.size(), to);
        }
        colophon.phone = digits;
      }
      if (!in_distribution) continue;
      std::string entry = text;
      if (i == begin) {
        const auto m = distribution_.Search(text);
        entry = m ? m->Group("first") : std::string();
      }
      // A long line that ran to the margin continues on the next.
      if (i > begin && Line(i - 1).right_gap < 1.0 && Chars(Line(i - 1).text) >= 20 &&
          !colophon.distribution.empty()) {
        colophon.distribution.back() += entry;
      } else if (!entry.empty()) {
        colophon.distribution.push_back(entry);
      }
    }
    if (colophon.editor.empty()) {
      Review(Line(begin).page, "colophon-editor", "editor (本期责任编辑) not found");
    }
  }

  // How many of the issue's briefs stand under `column`.
  int BriefsIn(const std::string& column) const {
    return static_cast<int>(std::count_if(out_.briefs.begin(), out_.briefs.end(),
                                          [&](const Brief& b) { return b.column == column; }));
  }

  void CheckCounts() {
    // A digest entry whose count the contents lost: the briefs the digest holds, flagged.
    for (const auto& [index, page] : uncounted_digests_) {
      TocEntry& entry = out_.toc[index];
      const int found = BriefsIn(entry.column);
      if (found == 0) {
        Review(page, "toc-count", fmt::format("{}: no count read in the contents, no briefs found", entry.column));
        continue;
      }
      entry.count = found;
      Review(page, "toc-count",
             fmt::format("{}: no count read in the contents; {} briefs found in the digest", entry.column, found));
    }
    for (const auto& entry : out_.toc) {
      if (!entry.count) continue;
      const int found = BriefsIn(entry.column);
      if (found != *entry.count) {
        Review(out_.briefs.empty() ? 0 : out_.briefs.front().page, "brief-count",
               fmt::format("TOC lists {} {} briefs, {} found", *entry.count, entry.column, found));
      }
    }
  }

  // TOC entries of digest columns whose count the contents lost (index, page).
  std::vector<std::pair<size_t, int>> uncounted_digests_;
  const std::vector<LayoutLine>& lines_;
  const PublicationProfile& profile_;
  const StructureOptions& options_;
  Pattern edition_, issue_, publisher_, date_, toc_heading_, digest_count_, banner_,
      distribution_, editor_, phone_;
  std::set<std::string> digest_columns_;
  // How each TOC entry (out_.toc, index for index) was read: its line's confidence, and its title
  // as OCR read it, before CleanTitle (none for a digest's count).
  struct TocReading {
    float confidence = 0;
    std::string text;
    std::vector<size_t> lines;  // the lines the title was read from
  };
  std::vector<TocReading> toc_reads_;
  size_t title_line_ = kNone;
  ParsedIssue out_;
  // Author names FlagDoubtfulNames doubted, by attribution raw and name (NameKey), for
  // ReconcileNamesInIssue.
  struct NameDoubt {
    int page = 0;
    std::string why;
    bool misshapen = false;
    bool settles = false;  // NameReading::settles
  };
  static std::string NameKey(const std::string& raw, const std::string& name) {
    return raw + "\n" + name;
  }
  std::map<std::string, NameDoubt> name_doubts_;
  // Organizations NoteDoubtfulOrganization doubted, as read, for MendOrganizations; and those
  // read with no doubt somewhere in the issue.
  struct OrganizationDoubt {
    int page = 0;
    size_t doubtful = 0;  // characters read below min_name_confidence
    float lowest = 100;
    std::vector<bool> sure;  // each character's: read at min_name_confidence or above
  };
  std::map<std::string, OrganizationDoubt> organization_doubts_;
  std::set<std::string> sure_organizations_;
};

std::vector<std::string> SplitOnSpaces(std::string_view s) {
  std::vector<std::string> tokens;
  std::string current;
  for (char32_t c : ToU32(s)) {
    if (c == U' ' || c == 0x3000) {
      if (!current.empty()) tokens.push_back(current);
      current.clear();
    } else {
      current += ToUtf8(std::u32string(1, c));
    }
  }
  if (!current.empty()) tokens.push_back(current);
  return tokens;
}

// What a name the archive knows adds to a split's score: more than the likeliest family name.
constexpr int kKnownNameWeight = 3;

// How likely a person's name starts at run[i]: 2 for a common family name (or a two-character
// one), 1 for a rarer one, 0 for none; `length` is the family name's length.
int FamilyNameWeight(const std::u32string& run, size_t i, const PublicationProfile& profile,
                     size_t& length) {
  length = 1;
  if (i + 1 < run.size()) {
    const std::string two = ToUtf8(run.substr(i, 2));
    for (const auto& compound : profile.compound_surnames) {
      if (compound == two) {
        length = 2;
        return 2;
      }
    }
  }
  const std::u32string one = run.substr(i, 1);
  if (ToU32(profile.common_surnames).find(one) != std::u32string::npos) return 2;
  if (ToU32(profile.other_surnames).find(one) != std::u32string::npos) return 1;
  return 0;
}

// Names printed without a gap OCR saw (沈一鸣钱程, 潘越王晓燕), split where family names start:
// each name is a family name and one or two given characters, the split with the most likely
// family names wins, and one name is only accepted without a family name when OCR may have
// misread its first character (薪丽华张伟: 蒋 read as 薪). A run that splits no better than it
// stands is one name.
// `later_on_tie`: of two splits alike by every measure, take the one found later (see
// AmbiguousNameSplit). `known`: names the archive holds (StructureOptions::known_authors); a
// split into names it knows weighs more than family names alone (蒋丽华钱程俞斌 is 蒋丽华 钱程
// 俞斌, not 蒋丽 华钱 程俞斌, where the archive knows 蒋丽华 and 钱程).
std::vector<std::string> SplitNames(const std::string& run, const PublicationProfile& profile,
                                    bool later_on_tie, const std::vector<std::string>* known) {
  const std::u32string chars = ToU32(run);
  const size_t n = chars.size();
  if (n < 4 || n > 12 || (profile.common_surnames.empty() && profile.other_surnames.empty())) {
    return {run};
  }
  struct Best {
    int score = -1;
    int names = 0;
    int unknown = 0;  // names without a known family name
    int compound = 0;  // names with a two-character family name, rarer than one-character ones
    size_t from = 0;
  };
  std::vector<Best> best(n + 1);
  best[0].score = 0;
  for (size_t j = 0; j < n; ++j) {
    if (best[j].score < 0) continue;
    size_t family = 1;
    const int weight = FamilyNameWeight(chars, j, profile, family);
    for (size_t given = 1; given <= 2; ++given) {
      const size_t end = j + family + given;
      if (end > n) break;
      const bool known_name =
          known && std::find(known->begin(), known->end(), ToUtf8(chars.substr(j, end - j))) != known->end();
      const Best candidate{.score = best[j].score + weight + (known_name ? kKnownNameWeight : 0),
                           .names = best[j].names + 1,
                           .unknown = best[j].unknown + (weight == 0 && !known_name ? 1 : 0),
                           .compound = best[j].compound + (family == 2 ? 1 : 0),
                           .from = j};
      Best& current = best[end];
      if (candidate.unknown > 1) continue;
      // (章晓东方舟 is 章晓东 方舟 more often than 章晓 东方舟.)
      if (candidate.score > current.score ||
          (candidate.score == current.score && candidate.names < current.names) ||
          (candidate.score == current.score && candidate.names == current.names &&
           candidate.compound < current.compound) ||
          (later_on_tie && candidate.score == current.score && candidate.names == current.names &&
           candidate.compound == current.compound)) {
        current = candidate;
      }
    }
  }
  if (best[n].score < 0 || best[n].names < 2 || best[n].unknown == best[n].names) return {run};
  // A four-character run is one name only with a two-character family name (欧阳晓燕).
  size_t family = 1;
  if (n == 4 && FamilyNameWeight(chars, 0, profile, family) > 0 && family == 2) return {run};
  std::vector<std::string> names;
  for (size_t end = n; end > 0; end = best[end].from) {
    names.insert(names.begin(), ToUtf8(chars.substr(best[end].from, end - best[end].from)));
  }
  return names;
}

// Whether family names leave a run of names without a gap split two ways alike (蒋丽华钱程俞斌:
// 蒋丽华 钱程 俞斌 or 蒋丽 华钱 程俞斌): then the split SplitNames takes is a guess.
bool AmbiguousNameSplit(const std::string& run, const PublicationProfile& profile,
                        const std::vector<std::string>* known) {
  return SplitNames(run, profile, false, known) != SplitNames(run, profile, true, known);
}

// Where the organization ends in a token that runs on into names (研究室潘越王晓燕): after the
// last organization suffix that leaves a plausible run of names. npos when it does not run on.
size_t EndOfOrganization(const std::string& token, const PublicationProfile& profile) {
  size_t cut = std::string::npos;
  size_t last = 0;  // where the last suffix the token holds ends
  for (const auto& suffix : profile.organization_suffixes) {
    const size_t pos = token.rfind(suffix);
    if (pos == std::string::npos) continue;
    const size_t after = pos + suffix.size();
    last = std::max(last, after);
    const std::u32string rest = ToU32(std::string_view(token).substr(after));
    if (rest.empty()) return std::string::npos;  // ends with a suffix: no name
    if (rest.size() > 12) continue;
    size_t family = 1;
    const bool no_family_names = profile.common_surnames.empty() && profile.other_surnames.empty();
    if (no_family_names ? rest.size() > 4 : FamilyNameWeight(rest, 0, profile, family) == 0) {
      continue;
    }
    if (cut == std::string::npos || after > cut) cut = after;
  }
  // The organization goes on to its last suffix: what follows 人大 in 临安区人大常委会办公室 is
  // no name, even though 常 is a family name. Names OCR misread past recognition (办公室示侍命斌)
  // still start after the last suffix.
  if (last > 0 && ToU32(std::string_view(token).substr(last)).size() <= 12) return last;
  return cut;
}

}  // namespace

std::string MendTitleFromBody(std::string_view kept, std::string_view other, std::string_view body) {
  std::u32string out = ToU32(kept);
  const std::u32string alternative = ToU32(other);
  const std::u32string printed = StripWhitespace(ToU32(body));
  constexpr size_t kStretch = 3;
  auto printed_around = [&](const std::u32string& text, size_t i) {
    for (size_t start = i >= kStretch - 1 ? i - (kStretch - 1) : 0;
         start <= i && start + kStretch <= text.size(); ++start) {
      if (printed.find(text.substr(start, kStretch)) != std::u32string::npos) return true;
    }
    return false;
  };
  // (Characters the two readings hold at one place: "街道“三维" and "街道三维." are as long,
  // and their 三 and “ stand at one index but are no two readings of one character.)
  // Readings of two lengths give no character of the other's here.
  const std::vector<AlignedPair> aligned =
      alternative.size() == out.size() ? AlignCharacters(out, alternative) : std::vector<AlignedPair>{};
  for (const AlignedPair& pair : aligned) {
    if (pair.a == kUnaligned || pair.b == kUnaligned) continue;
    const size_t i = pair.a;
    if (out[i] == alternative[pair.b] || !IsCjk(alternative[pair.b])) continue;
    std::u32string candidate = out;
    candidate[i] = alternative[pair.b];
    if (printed_around(candidate, i) && !printed_around(out, i)) out = std::move(candidate);
  }
  // Where the readings disagree and neither character is printed in the body round it, the
  // body's, when it prints the characters round it with one other character there, always the
  // same: dev d06's contents read "…营商环丧" and its heading "…营商于", and the body prints
  // "营商环境" twice.
  std::vector<bool> agreed(out.size(), false);
  for (const AlignedPair& pair : AlignCharacters(out, alternative)) {
    if (pair.a != kUnaligned && pair.b != kUnaligned) agreed[pair.a] = out[pair.a] == alternative[pair.b];
  }
  for (size_t i = 0; i < out.size(); ++i) {
    if (agreed[i] || !IsHan(out[i]) || printed_around(out, i)) continue;
    // (Nor where the body prints the character beside either neighbour.)
    if ((i > 0 && printed.find(out.substr(i - 1, 2)) != std::u32string::npos) ||
        (i + 1 < out.size() && printed.find(out.substr(i, 2)) != std::u32string::npos)) {
      continue;
    }
    std::optional<char32_t> seen;
    bool ambiguous = false;
    auto consider = [&](size_t at) {
      if (at >= printed.size() || !IsHan(printed[at])) return;
      if (seen && *seen != printed[at]) ambiguous = true;
      seen = printed[at];
    };
    // (Two characters each side of it inside the title, three on the one side at its ends:
    // three after alone matched "当好优化营" for "助力优化营", and 力 was taken for 好.)
    const size_t room_after = out.size() - 1 - i;
    const size_t reach_before = std::min<size_t>(i, room_after == 0 ? kStretch : 2);
    const size_t reach_after = std::min<size_t>(room_after, i == 0 ? kStretch : 2);
    if ((i > 0 && reach_before < 2) || (i + 1 < out.size() && reach_after < 2) ||
        reach_before + reach_after < kStretch) {
      continue;
    }
    const std::u32string before = out.substr(i - reach_before, reach_before);
    const std::u32string after = out.substr(i + 1, reach_after);
    for (size_t at = printed.find(before); at != std::u32string::npos;
         at = printed.find(before, at + 1)) {
      const size_t c = at + before.size();
      if (c + 1 + after.size() <= printed.size() &&
          printed.compare(c + 1, after.size(), after) == 0) {
        consider(c);
      }
    }
    if (seen && !ambiguous && *seen != out[i]) out[i] = *seen;
  }
  return ToUtf8(out);
}

std::string PutBackQuotes(std::string_view kept, std::string_view other, bool other_pairs) {
  const std::u32string in = ToU32(kept);
  const std::u32string alternative = ToU32(other);
  // (A reading whose quotes pair keeps them, unless it has none and the other's pair: OCR does
  // not invent a pair of quotes round a word, and a heading set large loses both now and then,
  // "三张消单推动…" over the contents' "“三张清单”推动…", matrix m31. A reading with quotes of its
  // own keeps them: a heading whose quotes were doubled, "滨江区：““三张清单”…提升”", dev4 h29.)
  auto quoted = [](const std::u32string& text) {
    return std::any_of(text.begin(), text.end(), IsDoubleQuote);
  };
  const bool lost_pair = !quoted(in) && quoted(alternative) && QuotesPair(alternative);
  if ((QuotesPair(in) && !lost_pair) || (other_pairs && !QuotesPair(alternative))) return std::string(kept);
  std::u32string out;
  for (const AlignedPair& pair : AlignCharacters(in, alternative)) {
    if (pair.a != kUnaligned) {
      out += in[pair.a];
    } else if (alternative[pair.b] == U'“' || alternative[pair.b] == U'”') {
      out += alternative[pair.b];
    }
  }
  return QuotesPair(out) ? ToUtf8(out) : std::string(kept);
}

std::string MendWithLexicon(std::string_view text, const std::vector<std::string>& lexicon) {
  std::u32string out = ToU32(text);
  std::vector<std::u32string> terms;
  for (const auto& term : lexicon) {
    if (Chars(term) >= 3) terms.push_back(ToU32(term));
  }
  // Words that are terms already stay as they are: 办公室 is not an 办公厅 misread.
  std::vector<bool> fixed(out.size(), false);
  for (const auto& term : terms) {
    for (size_t pos = out.find(term); pos != std::u32string::npos; pos = out.find(term, pos + 1)) {
      std::fill(fixed.begin() + static_cast<long>(pos),
                fixed.begin() + static_cast<long>(pos + term.size()), true);
    }
  }
  // Anchors keep a neighbouring word from being eaten: a substitution keeps one end of the term,
  // an inserted or dropped character both.
  auto near = [](std::u32string_view window, const std::u32string& term) {
    const bool front = window.front() == term.front();
    const bool back = window.back() == term.back();
    if (window.size() == term.size() ? !(front || back) : !(front && back)) return false;
    return EditDistance(window, term) == 1;
  };
  for (size_t i = 0; i < out.size(); ++i) {
    bool mended = false;
    for (size_t length = 2; length <= 12 && !mended && i + length <= out.size(); ++length) {
      if (std::any_of(fixed.begin() + static_cast<long>(i),
                      fixed.begin() + static_cast<long>(i + length), [](bool f) { return f; })) {
        break;
      }
      const std::u32string_view window(out.data() + i, length);
      const std::u32string* match = nullptr;
      int matches = 0;
      for (const auto& term : terms) {
        if (term.size() + 1 < length || term.size() > length + 1 || !near(window, term)) continue;
        if (!match || *match != term) ++matches;
        match = &term;
      }
      if (matches != 1) continue;  // none, or ambiguous between two terms: leave it
      const std::u32string term = *match;
      out.replace(i, length, term);
      fixed.erase(fixed.begin() + static_cast<long>(i), fixed.begin() + static_cast<long>(i + length));
      fixed.insert(fixed.begin() + static_cast<long>(i), term.size(), true);
      i += term.size() - 1;
      mended = true;
    }
  }
  return ToUtf8(out);
}

double Similarity(std::string_view a, std::string_view b) {
  const std::u32string x = StripWhitespace(ToU32(a));
  const std::u32string y = StripWhitespace(ToU32(b));
  const size_t longer = std::max(x.size(), y.size());
  if (longer == 0) return 1.0;
  return 1.0 - static_cast<double>(EditDistance(x, y)) / static_cast<double>(longer);
}

Attribution ParseAttribution(std::string_view spaced, const PublicationProfile& profile,
                             const std::vector<std::string>* known) {
  std::string inner(spaced);
  auto strip = [&](std::string_view token, bool front) {
    if (front && StartsWith(inner, token)) inner.erase(0, token.size());
    if (!front && EndsWith(inner, token)) inner.erase(inner.size() - token.size());
  };
  while (!inner.empty() && inner.front() == ' ') inner.erase(0, 1);
  while (!inner.empty() && inner.back() == ' ') inner.pop_back();
  // A speck read before the opening parenthesis, or as a second one (（（临平区…), is no part of
  // the attribution: it starts after its last opening parenthesis among the first characters.
  if (const size_t open = AttributionOpening(inner); open != std::string::npos) inner.erase(0, open);
  strip("（", true);
  strip("）", false);
  inner = MarksToGaps(inner);
  // OCR reads specks inside a name as marks no name holds (郑!海涛).
  inner.erase(std::remove_if(inner.begin(), inner.end(),
                             [](char c) { return c != '\0' && std::strchr("!|'`~^_;:*", c); }),
              inner.end());

  // No name or organization holds a dash: one between two Han characters is OCR's reading of
  // 一 (沈-鸣), and so are two, its long stroke read in halves (沈--鸣 on a one-bit page, dev4
  // h22, spaced "沈- -鸣"). The name comes out 沈一鸣, which no word read, and is flagged as a name
  // read at no confidence (FlagDoubtfulNames) for a reviewer or the catalog to confirm.
  {
    const std::u32string u = ToU32(inner);
    auto dash = [](char32_t c) { return c == U'-' || c == U'－' || c == U'—' || c == U'–'; };
    std::u32string mended;
    for (size_t k = 0; k < u.size(); ++k) {
      size_t end = k, dashes = 0;  // a run of dashes (white between them) from k
      while (end < u.size() && (dash(u[end]) || (dashes > 0 && u[end] == U' '))) {
        dashes += dash(u[end]);
        ++end;
      }
      while (end > k && u[end - 1] == U' ') --end;
      if (dashes >= 1 && dashes <= 2 && k > 0 && end < u.size() && IsHan(u[k - 1]) &&
          IsHan(u[end])) {
        mended += U'一';
        k = end - 1;
        continue;
      }
      mended += u[k];
    }
    inner = ToUtf8(mended);
  }
  std::vector<std::string> tokens = SplitOnSpaces(inner);
  Attribution attribution;
  if (tokens.empty()) return attribution;
  // A gap OCR saw inside the organization (拱墅区人大 常委会办公室张 伟): a token that goes on
  // to an organization's suffix, three characters in or further, is no name but the
  // organization's rest.
  while (tokens.size() >= 2) {
    const std::u32string next = ToU32(tokens[1]);
    bool goes_on = false;
    for (const auto& suffix : profile.organization_suffixes) {
      const size_t at = tokens[1].find(suffix);
      if (at != std::string::npos && Chars(std::string_view(tokens[1]).substr(0, at + suffix.size())) >= 3) {
        goes_on = true;
      }
    }
    if (!goes_on) break;
    tokens[0] += tokens[1];
    tokens.erase(tokens.begin() + 1);
  }
  // Where the gap before the first name was not seen, the names follow the organization's last
  // suffix.
  if (const size_t cut = EndOfOrganization(tokens[0], profile); cut != std::string::npos) {
    tokens.insert(tokens.begin() + 1, tokens[0].substr(cut));
    tokens[0].resize(cut);
  }
  attribution.organization = tokens[0];
  // The last character alone after a run of names is a padded name's second half whose first
  // OCR ran into the name before (章晓东方 舟 for 章晓东 方 舟): the run is split again with it.
  if (tokens.size() >= 3 && Chars(tokens.back()) == 1 && Chars(tokens[tokens.size() - 2]) >= 2) {
    tokens[tokens.size() - 2] += tokens.back();
    tokens.pop_back();
  }
  std::vector<std::string> names;
  std::vector<std::string> printed = {attribution.organization};  // raw keeps print's padding
  for (size_t i = 1; i < tokens.size(); ++i) {
    // Two-character names are printed padded: 符 腾 is one person.
    if (Chars(tokens[i]) == 1 && i + 1 < tokens.size() && Chars(tokens[i + 1]) == 1) {
      names.push_back(tokens[i] + tokens[i + 1]);
      printed.push_back(tokens[i] + " " + tokens[i + 1]);
      ++i;
      continue;
    }
    // One character alone is no name: a gap OCR saw where print has none (郑 海涛, 孙 佳潘越)
    // cut a name, which goes on in the next token.
    if (Chars(tokens[i]) == 1 && i + 1 < tokens.size()) {
      tokens[i + 1] = tokens[i] + tokens[i + 1];
      continue;
    }
    // A padded two-character name whose gap OCR read as its first character again ("张 伟" read
    // 张张伟 on a one-bit page, dev4 h04): no name doubles its family name.
    if (const std::u32string token = ToU32(tokens[i]);
        token.size() == 3 && token[0] == token[1] && IsHan(token[0])) {
      tokens[i] = ToUtf8(token.substr(1));
    }
    for (auto& name : SplitNames(tokens[i], profile, false, known)) {
      printed.push_back(name);
      names.push_back(std::move(name));
    }
  }
  // Without family names to go by, four characters with no gap seen are two two-character
  // names more often than one.
  if (profile.common_surnames.empty() && names.size() == 1 && Chars(names[0]) == 4) {
    const size_t half = ToUtf8(ToU32(names[0]).substr(0, 2)).size();
    names = {names[0].substr(0, half), names[0].substr(half)};
    printed = {attribution.organization, names[0], names[1]};
  }
  attribution.authors = names;
  std::string raw = "（";
  for (size_t i = 0; i < printed.size(); ++i) raw += (i ? " " : "") + printed[i];
  attribution.raw = raw + "）";
  return attribution;
}

std::optional<std::string> LocalityOf(std::string_view title, const PublicationProfile& profile) {
  const size_t colon = title.find("：");
  if (colon == std::string_view::npos) return std::nullopt;
  const std::string prefix(title.substr(0, colon));
  if (Chars(prefix) < 2 || Chars(prefix) > 8) return std::nullopt;
  for (const auto& suffix : profile.locality_suffixes) {
    if (EndsWith(prefix, suffix)) return prefix;
  }
  return std::nullopt;
}

const PublicationProfile* ChooseProfile(const std::vector<PublicationProfile>& profiles,
                                        const IssueLayout& layout) {
  const PublicationProfile* best = nullptr;
  double best_score = 0.7;  // one character in six misread, not two (余杭人大信息 is another title)
  for (const auto& profile : profiles) {
    if (profile.generic) continue;
    for (const auto& line : layout.lines) {
      if (line.page != 1) break;
      std::vector<std::string> names = profile.aliases;
      names.push_back(profile.title);
      for (const auto& name : names) {
        // An alias inside another title (人大信息 in 余杭人大信息) names another publication:
        // the characters before it, with it, must read like this one's title.
        const size_t at = line.text.find(name);
        bool contained = at != std::string::npos;
        if (contained && name != profile.title && at > 0) {
          const std::u32string before = ToU32(line.text.substr(0, at));
          const std::u32string lead = before.substr(before.size() >= 2 ? before.size() - 2 : 0);
          if (lead.size() == 2 && IsCjk(lead[0]) && IsCjk(lead[1]) &&
              Similarity(ToUtf8(lead) + name, profile.title) < 0.8) {
            contained = false;
          }
        }
        const double score = contained ? (name == profile.title ? 1.0 : 0.8)
                                       : Similarity(line.text, name);
        if (score > best_score) {
          best_score = score;
          best = &profile;
        }
      }
    }
  }
  return best;
}

ParsedIssue ParseStructure(const IssueLayout& layout, const PublicationProfile& profile,
                           const StructureOptions& options) {
  return Parser(layout, profile, options).Parse();
}

}  // namespace qikan
