#include "pipeline/deliverables/xml_writer.h"

#include <stdexcept>

namespace qikan {
namespace {

const xmlChar* X(const std::string& s) { return reinterpret_cast<const xmlChar*>(s.c_str()); }

void Check(int rc, const char* what, std::string_view name) {
  if (rc < 0) throw std::runtime_error(std::string("XML writer failed at ") + what + " " + std::string(name));
}

}  // namespace

XmlWriter::XmlWriter() : buffer_(xmlBufferCreate()), writer_(nullptr) {
  if (!buffer_) throw std::runtime_error("XML writer: out of memory");
  writer_ = xmlNewTextWriterMemory(buffer_, 0);
  if (!writer_) {
    xmlBufferFree(buffer_);
    throw std::runtime_error("XML writer: out of memory");
  }
  xmlTextWriterSetIndent(writer_, 1);
  xmlTextWriterSetIndentString(writer_, reinterpret_cast<const xmlChar*>(" "));
  Check(xmlTextWriterStartDocument(writer_, "1.0", "UTF-8", nullptr), "document", "");
}

XmlWriter::~XmlWriter() {
  xmlFreeTextWriter(writer_);
  xmlBufferFree(buffer_);
}

XmlWriter& XmlWriter::Start(std::string_view name) {
  Check(xmlTextWriterStartElement(writer_, X(std::string(name))), "element", name);
  return *this;
}

XmlWriter& XmlWriter::Attribute(std::string_view name, std::string_view value) {
  Check(xmlTextWriterWriteAttribute(writer_, X(std::string(name)), X(std::string(value))),
        "attribute", name);
  return *this;
}

XmlWriter& XmlWriter::Attribute(std::string_view name, long value) {
  return Attribute(name, std::to_string(value));
}

XmlWriter& XmlWriter::Text(std::string_view text) {
  Check(xmlTextWriterWriteString(writer_, X(std::string(text))), "text", "");
  return *this;
}

XmlWriter& XmlWriter::End() {
  Check(xmlTextWriterEndElement(writer_), "end of element", "");
  return *this;
}

XmlWriter& XmlWriter::Element(std::string_view name, std::string_view text) {
  return Start(name).Text(text).End();
}

std::string XmlWriter::Finish() {
  Check(xmlTextWriterEndDocument(writer_), "end of document", "");
  Check(xmlTextWriterFlush(writer_), "flush", "");
  return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer_)),
                     static_cast<size_t>(xmlBufferLength(buffer_)));
}

}  // namespace qikan
