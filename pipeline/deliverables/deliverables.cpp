#include "pipeline/deliverables/deliverables.h"

#include <exception>
#include <functional>

#include <spdlog/spdlog.h>

#include "pipeline/deliverables/searchable_pdf.h"
#include "pipeline/deliverables/alto.h"
#include "pipeline/deliverables/mets.h"

namespace qikan {
namespace {

// One writer: the files it makes (its name for messages is the first path it owns).
struct Writer {
  std::string name;   // "issue.pdf", "alto/", "mets.xml"
  std::function<std::vector<ArchiveFile>(const DeliverableSources&)> write;
};

// Every deliverable, in the order they are written. Each is a pure function of its sources.
const std::vector<Writer>& Writers() {
  static const std::vector<Writer> writers = {
      Writer{.name = "issue.pdf", .write = WriteSearchablePdf},
      {.name = "alto/", .write = WriteAltoFiles},
      {.name = "mets.xml", .write = WriteMetsFile},
  };
  return writers;
}

}  // namespace

Deliverables BuildDeliverables(const DeliverableSources& sources) {
  Deliverables out;
  for (const Writer& writer : Writers()) {
    try {
      for (auto& file : writer.write(sources)) out.files.push_back(std::move(file));
    } catch (const std::exception& e) {
      spdlog::warn("{}: {} not written: {}", sources.record.source.file, writer.name, e.what());
      out.failures.push_back({.page = 0, .reason = "deliverable-failed",
                              .detail = writer.name + ": " + e.what()});
    }
  }
  return out;
}

std::vector<std::string> DeliverablePaths() {
  std::vector<std::string> paths;
  for (const Writer& writer : Writers()) paths.push_back(writer.name);
  return paths;
}

}  // namespace qikan
