#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <libxml/xmlwriter.h>

namespace qikan {

// libxml2's xmlTextWriter into memory, for the ALTO and METS writers: it escapes text and
// attributes and checks that elements nest. A failing call throws std::runtime_error.
class XmlWriter {
 public:
  XmlWriter();
  ~XmlWriter();
  XmlWriter(const XmlWriter&) = delete;
  XmlWriter& operator=(const XmlWriter&) = delete;

  // Opens an element; `name` may carry a prefix ("mets:file") declared with Attribute("xmlns:…").
  XmlWriter& Start(std::string_view name);
  XmlWriter& Attribute(std::string_view name, std::string_view value);
  XmlWriter& Attribute(std::string_view name, long value);
  XmlWriter& Text(std::string_view text);
  XmlWriter& End();
  // An element holding only text.
  XmlWriter& Element(std::string_view name, std::string_view text);
  // Ends the document and returns its bytes (UTF-8, indented).
  std::string Finish();

 private:
  xmlBufferPtr buffer_;
  xmlTextWriterPtr writer_;
};

}  // namespace qikan
