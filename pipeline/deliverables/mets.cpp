#include "pipeline/deliverables/mets.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "models/text.h"
#include "pipeline/deliverables/alto.h"
#include "pipeline/deliverables/xml_writer.h"
#include "pipeline/version.h"

namespace qikan {
namespace {

constexpr const char* kMets = "http://www.loc.gov/METS/";
constexpr const char* kMods = "http://www.loc.gov/mods/v3";

// Where in the ALTO a part of the issue is: (ALTO file ID, TextBlock ID) in reading order.
using Areas = std::vector<std::pair<std::string, std::string>>;

std::string ImageId(int page) { return fmt::format("IMG_{:04d}", page); }
std::string AltoId(int page) { return fmt::format("ALTO_{:04d}", page); }
std::string PhysId(int page) { return fmt::format("PHYS_{:04d}", page); }

// The blocks of every part the parser found: "masthead", "toc", "colophon", and "article:N",
// "brief:N" (heading, text and attribution together), with the pages each lies on.
struct IssueAreas {
  std::map<std::string, Areas> areas;
  std::map<std::string, std::set<int>> pages;
};

std::string PartOf(const std::string& role, int item) {
  if (role == "heading" || role == "body" || role == "attribution") return fmt::format("article:{}", item);
  if (role == "brief" || role == "brief-attribution") return fmt::format("brief:{}", item);
  if (role == "masthead" || role == "toc" || role == "colophon") return role;
  return {};
}

IssueAreas CollectAreas(const IssueRecord& record) {
  IssueAreas out;
  for (size_t p = 0; p < record.pages.size(); ++p) {
    const int page = record.pages[p].index;
    for (const AltoBlock& block : AltoBlocks(record, p)) {
      const std::string part = PartOf(block.role, block.item);
      if (part.empty()) continue;
      out.areas[part].emplace_back(AltoId(page), block.id);
      out.pages[part].insert(page);
    }
  }
  return out;
}

bool DateQuestionable(const IssueRecord& record) {
  for (const auto& item : record.review) {
    if (item.reason == "masthead-date") return true;
  }
  return false;
}

void RoleTerm(XmlWriter& xml, const char* code, const char* text) {
  xml.Start("mods:role")
      .Start("mods:roleTerm").Attribute("type", "code").Attribute("authority", "marcrelator").Text(code).End()
      .Start("mods:roleTerm").Attribute("type", "text").Attribute("authority", "marcrelator").Text(text).End()
      .End();
}

void Names(XmlWriter& xml, const std::optional<Attribution>& attribution) {
  if (!attribution) return;
  for (const auto& author : attribution->authors) {
    xml.Start("mods:name").Attribute("type", "personal").Element("mods:namePart", author);
    RoleTerm(xml, "aut", "author");
    xml.End();
  }
  if (!attribution->organization.empty()) {
    xml.Start("mods:name").Attribute("type", "corporate")
        .Element("mods:namePart", attribution->organization);
    RoleTerm(xml, "ctb", "contributor");
    xml.End();
  }
}

void StartMods(XmlWriter& xml, const std::string& id) {
  xml.Start("mets:dmdSec").Attribute("ID", id)
      .Start("mets:mdWrap").Attribute("MDTYPE", "MODS").Attribute("MIMETYPE", "text/xml")
      .Start("mets:xmlData").Start("mods:mods").Attribute("version", "3.7");
}

void EndMods(XmlWriter& xml) { xml.End().End().End().End(); }

std::string IssueLabel(const IssueInfo& issue) {
  std::string label = issue.title.empty() ? "未识别刊名" : issue.title;
  if (issue.date.size() >= 4) label += issue.date.substr(0, 4) + "年";
  if (issue.number) label += fmt::format("第{}期", *issue.number);
  if (issue.cumulative_number) label += fmt::format("（总第{}期）", *issue.cumulative_number);
  return label;
}

void IssueMods(XmlWriter& xml, const IssueRecord& record) {
  const IssueInfo& issue = record.issue;
  StartMods(xml, "DMD_ISSUE");
  if (!issue.title.empty()) xml.Start("mods:titleInfo").Element("mods:title", issue.title).End();
  xml.Element("mods:typeOfResource", "text");
  xml.Start("mods:genre").Attribute("authority", "marcgt").Text("periodical").End();
  xml.Start("mods:originInfo").Attribute("eventType", "publication");
  if (!issue.publisher.empty()) xml.Element("mods:publisher", issue.publisher);
  // A date the parser doubts is given as read and marked; a date that is no ISO date is not
  // claimed to be one.
  if (!issue.date.empty()) {
    static const std::regex kIso(R"(\d{4}(-\d{2}(-\d{2})?)?)");
    const bool iso = std::regex_match(issue.date, kIso);
    xml.Start("mods:dateIssued");
    if (iso) xml.Attribute("encoding", "iso8601").Attribute("keyDate", "yes");
    if (!iso || DateQuestionable(record)) xml.Attribute("qualifier", "questionable");
    xml.Text(issue.date).End();
  }
  if (!issue.edition.empty()) xml.Element("mods:edition", issue.edition);
  xml.Element("mods:issuance", "serial");
  xml.End();
  xml.Start("mods:language")
      .Start("mods:languageTerm").Attribute("type", "code").Attribute("authority", "iso639-2b")
      .Text("chi").End()
      .Start("mods:scriptTerm").Attribute("type", "code").Attribute("authority", "iso15924")
      .Text("Hans").End()
      .End();
  if (issue.number || issue.cumulative_number) {
    xml.Start("mods:part");
    if (issue.number) {
      xml.Start("mods:detail").Attribute("type", "issue")
          .Element("mods:number", std::to_string(*issue.number))
          .Element("mods:caption", fmt::format("第{}期", *issue.number)).End();
    }
    if (issue.cumulative_number) {
      xml.Start("mods:detail").Attribute("type", "cumulative")
          .Element("mods:number", std::to_string(*issue.cumulative_number))
          .Element("mods:caption", fmt::format("总第{}期", *issue.cumulative_number)).End();
    }
    xml.End();
  }
  if (!record.source.sha256.empty()) {
    xml.Start("mods:identifier").Attribute("type", "sha256").Text(record.source.sha256).End();
  }
  xml.Start("mods:recordInfo")
      .Start("mods:recordOrigin").Text(fmt::format("qikan {} from the scan by OCR and parse", QIKAN_VERSION)).End()
      .End();
  EndMods(xml);
}

void PartMods(XmlWriter& xml, const std::string& id, const std::string* title,
              const std::optional<Attribution>& attribution, const std::optional<std::string>& place,
              const char* genre, int start_page, int end_page) {
  StartMods(xml, id);
  if (title && !title->empty()) xml.Start("mods:titleInfo").Element("mods:title", *title).End();
  Names(xml, attribution);
  xml.Element("mods:typeOfResource", "text");
  xml.Element("mods:genre", genre);
  if (place) xml.Start("mods:subject").Element("mods:geographic", *place).End();
  if (start_page > 0) {
    xml.Start("mods:part").Start("mods:extent").Attribute("unit", "pages")
        .Element("mods:start", std::to_string(start_page))
        .Element("mods:end", std::to_string(std::max(start_page, end_page))).End().End();
  }
  EndMods(xml);
}

void File(XmlWriter& xml, const std::string& id, const char* mime, const std::string& href) {
  xml.Start("mets:file").Attribute("ID", id).Attribute("MIMETYPE", mime)
      .Start("mets:FLocat").Attribute("LOCTYPE", "URL").Attribute("xlink:href", href).End()
      .End();
}

// A logical div; its areas become one fptr with a seq of areas in reading order.
void StartDiv(XmlWriter& xml, const std::string& id, const char* type, const std::string& label,
              const std::string& dmd, const Areas& areas) {
  xml.Start("mets:div").Attribute("ID", id).Attribute("TYPE", type);
  if (!label.empty()) xml.Attribute("LABEL", label);
  if (!dmd.empty()) xml.Attribute("DMDID", dmd);
  if (areas.empty()) return;
  xml.Start("mets:fptr").Start("mets:seq");
  for (const auto& [file, block] : areas) {
    xml.Start("mets:area").Attribute("FILEID", file).Attribute("BEGIN", block)
        .Attribute("BETYPE", "IDREF").End();
  }
  xml.End().End();
}

// "信息摘登：…" for a brief, which has no title: the start of its text.
std::string BriefLabel(const Brief& brief) {
  std::u32string text = ToU32(brief.text);
  if (text.size() > 24) text = text.substr(0, 24) + U"…";
  return ToUtf8(text);
}

}  // namespace

std::string WriteMets(const IssueRecord& record, const std::string& created,
                      const std::string& modified) {
  const IssueAreas parts = CollectAreas(record);
  std::map<std::string, std::set<int>> links;  // logical div -> pages

  XmlWriter xml;
  xml.Start("mets:mets").Attribute("xmlns:mets", kMets).Attribute("xmlns:mods", kMods)
      .Attribute("xmlns:xlink", "http://www.w3.org/1999/xlink")
      .Attribute("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
      .Attribute("xsi:schemaLocation",
                 std::string(kMets) + " http://www.loc.gov/standards/mets/mets.xsd " + kMods +
                     " http://www.loc.gov/standards/mods/v3/mods-3-7.xsd")
      .Attribute("LABEL", IssueLabel(record.issue)).Attribute("TYPE", "issue");
  xml.Start("mets:metsHdr").Attribute("CREATEDATE", created);
  if (!modified.empty()) xml.Attribute("LASTMODDATE", modified);
  xml.Start("mets:agent").Attribute("ROLE", "CREATOR").Attribute("TYPE", "OTHER")
      .Attribute("OTHERTYPE", "SOFTWARE")
      .Element("mets:name", "qikan")
      .Element("mets:note", fmt::format("qikan {}; record made by qikan {}", QIKAN_VERSION,
                                        record.pipeline_version))
      .End();
  if (!record.ocr.empty()) {
    // The OCR engine that read the pages, and each model file by name and sha256.
    xml.Start("mets:agent").Attribute("ROLE", "OTHER").Attribute("OTHERROLE", "OCR")
        .Attribute("TYPE", "OTHER").Attribute("OTHERTYPE", "SOFTWARE")
        .Element("mets:name", record.ocr.engine);
    for (const ModelUsed& model : record.ocr.models) {
      xml.Element("mets:note", fmt::format("{}: {} sha256={}", model.role, model.file,
                                           model.sha256.empty() ? "unknown" : model.sha256));
    }
    xml.End();
  }
  xml.End();  // metsHdr

  IssueMods(xml, record);
  for (size_t i = 0; i < record.articles.size(); ++i) {
    const Article& a = record.articles[i];
    PartMods(xml, fmt::format("DMD_ART_{:04d}", i + 1), &a.title, a.attribution, a.locality,
             "article", a.start_page, a.end_page);
  }
  for (size_t i = 0; i < record.briefs.size(); ++i) {
    const Brief& b = record.briefs[i];
    PartMods(xml, fmt::format("DMD_BRF_{:04d}", i + 1), nullptr, b.attribution, std::nullopt,
             "article", b.page, b.page);
  }

  // The record itself is the provenance: what OCR read, every correction and doubt.
  xml.Start("mets:amdSec").Attribute("ID", "AMD")
      .Start("mets:digiprovMD").Attribute("ID", "DIGIPROV_RECORD")
      .Start("mets:mdRef").Attribute("LOCTYPE", "URL").Attribute("xlink:href", "record.json")
      .Attribute("MDTYPE", "OTHER").Attribute("OTHERMDTYPE", record.schema)
      .Attribute("MIMETYPE", "application/json").End()
      .End()
      .End();

  xml.Start("mets:fileSec");
  xml.Start("mets:fileGrp").Attribute("USE", "DEFAULT");
  for (const auto& page : record.pages) {
    File(xml, ImageId(page.index), "image/jpeg", fmt::format("pages/{:04d}.jpg", page.index));
  }
  xml.End();
  xml.Start("mets:fileGrp").Attribute("USE", "FULLTEXT");
  for (const auto& page : record.pages) File(xml, AltoId(page.index), "text/xml", AltoPath(page.index));
  xml.End();
  xml.Start("mets:fileGrp").Attribute("USE", "DOWNLOAD");
  File(xml, "PDF", "application/pdf", "issue.pdf");
  xml.End();
  xml.End();  // fileSec

  xml.Start("mets:structMap").Attribute("TYPE", "PHYSICAL")
      .Start("mets:div").Attribute("ID", "PHYS_0000").Attribute("TYPE", "physSequence")
      .Attribute("LABEL", IssueLabel(record.issue));
  for (size_t p = 0; p < record.pages.size(); ++p) {
    const int page = record.pages[p].index;
    xml.Start("mets:div").Attribute("ID", PhysId(page)).Attribute("TYPE", "page")
        .Attribute("ORDER", page);
    if (const std::string folio = PrintedPageNumber(record, p); !folio.empty()) {
      xml.Attribute("ORDERLABEL", folio);
    }
    xml.Start("mets:fptr").Attribute("FILEID", ImageId(page)).End();
    xml.Start("mets:fptr").Attribute("FILEID", AltoId(page)).End();
    xml.End();
  }
  xml.End().End();

  const auto areas_of = [&](const std::string& part) {
    const auto it = parts.areas.find(part);
    return it == parts.areas.end() ? Areas{} : it->second;
  };
  const auto link = [&](const std::string& div, const std::string& part, int first, int last) {
    if (const auto it = parts.pages.find(part); it != parts.pages.end()) links[div] = it->second;
    for (int p = first; p > 0 && p <= last; ++p) links[div].insert(p);
  };

  xml.Start("mets:structMap").Attribute("TYPE", "LOGICAL");
  StartDiv(xml, "LOG_0000", "issue", IssueLabel(record.issue), "DMD_ISSUE", {});
  for (size_t p = 0; p < record.pages.size(); ++p) links["LOG_0000"].insert(record.pages[p].index);
  if (!areas_of("masthead").empty()) {
    StartDiv(xml, "LOG_MASTHEAD", "title_page", "刊头", "", areas_of("masthead"));
    link("LOG_MASTHEAD", "masthead", 0, 0);
    xml.End();
  }
  if (!areas_of("toc").empty() || !record.toc.empty()) {
    StartDiv(xml, "LOG_TOC", "contents", "目录", "", areas_of("toc"));
    link("LOG_TOC", "toc", 0, 0);
    xml.End();
  }
  // Columns: consecutive articles (then briefs) of one column are a section.
  int sections = 0;
  std::string open_column;
  bool section_open = false;
  const auto enter_column = [&](const std::string& column) {
    if (section_open && column == open_column) return;
    if (section_open) xml.End();
    section_open = !column.empty();
    open_column = column;
    if (section_open) {
      const std::string id = fmt::format("LOG_SEC_{:04d}", ++sections);
      StartDiv(xml, id, "section", column, "", {});
    }
  };
  for (size_t i = 0; i < record.articles.size(); ++i) {
    const Article& a = record.articles[i];
    enter_column(a.column);
    const std::string id = fmt::format("LOG_ART_{:04d}", i + 1);
    const std::string part = fmt::format("article:{}", i);
    StartDiv(xml, id, "article", a.title, fmt::format("DMD_ART_{:04d}", i + 1), areas_of(part));
    link(id, part, a.start_page, a.end_page);
    xml.End();
  }
  for (size_t i = 0; i < record.briefs.size(); ++i) {
    const Brief& b = record.briefs[i];
    enter_column(b.column);
    const std::string id = fmt::format("LOG_BRF_{:04d}", i + 1);
    const std::string part = fmt::format("brief:{}", i);
    StartDiv(xml, id, "article", BriefLabel(b), fmt::format("DMD_BRF_{:04d}", i + 1), areas_of(part));
    link(id, part, b.page, b.page);
    xml.End();
  }
  enter_column("");
  if (!areas_of("colophon").empty()) {
    StartDiv(xml, "LOG_COLOPHON", "imprint", "版权页", "", areas_of("colophon"));
    link("LOG_COLOPHON", "colophon", 0, 0);
    xml.End();
  }
  xml.End().End();  // issue div, structMap

  // Sections are linked through their articles, as the DFG viewer reads them.
  xml.Start("mets:structLink");
  for (const auto& [div, pages] : links) {
    for (int page : pages) {
      if (page < 1 || page > static_cast<int>(record.pages.size())) continue;
      xml.Start("mets:smLink").Attribute("xlink:from", div).Attribute("xlink:to", PhysId(page)).End();
    }
  }
  xml.End();
  xml.End();  // mets
  return xml.Finish();
}

std::vector<ArchiveFile> WriteMetsFile(const DeliverableSources& sources) {
  const std::string now = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                                      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  std::string created;
  if (!sources.archived.empty()) {
    std::ifstream in(sources.archived / "mets.xml", std::ios::binary);
    if (in) created = MetsCreateDate(std::string(std::istreambuf_iterator<char>(in), {}));
  }
  if (created.empty()) return {{.path = "mets.xml", .bytes = WriteMets(sources.record, now)}};
  return {{.path = "mets.xml", .bytes = WriteMets(sources.record, created, now)}};
}

std::string MetsCreateDate(std::string_view mets_xml) {
  // The header is the document's first element after the root: a plain search is enough, and
  // the value is checked to be an xsd:dateTime of the shape qikan writes.
  static const std::regex header(
      R"re(<mets:metsHdr\s[^>]*CREATEDATE="([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z)")re");
  const size_t end = std::min<size_t>(mets_xml.size(), 4096);
  std::match_results<std::string_view::const_iterator> match;
  if (std::regex_search(mets_xml.begin(), mets_xml.begin() + static_cast<std::ptrdiff_t>(end), match,
                        header)) {
    return match[1].str();
  }
  return "";
}

}  // namespace qikan
