#pragma once

// Validation of ALTO and METS/MODS against the published schemas, offline: ../shared/schemas
// beside the project holds them with an XML catalog for the URLs they import (its README).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>

#include <libxml/catalog.h>
#include <libxml/parser.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <vector>

#include "tests/support/text_page.h"

namespace qikan::testing {

// The schemas folder, or empty when the checkout has none beside it.
inline std::filesystem::path SchemasDir() {
  const std::filesystem::path dir =
      std::filesystem::weakly_canonical(std::filesystem::path(SourcePath("")) / ".." / "shared" / "schemas");
  return std::filesystem::exists(dir / "catalog.xml") ? dir : std::filesystem::path();
}

// libxml2's messages for `bytes` against `xsd` (a file of SchemasDir()); empty when valid. No
// network: what the catalog does not map is not fetched.
inline std::string SchemaErrors(const std::string& bytes, const std::string& xsd) {
  static const bool loaded = [] {
    xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader);
    return xmlLoadCatalog((SchemasDir() / "catalog.xml").c_str()) == 0;
  }();
  if (!loaded) return "the XML catalog could not be loaded";
  std::string errors;
  xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt((SchemasDir() / xsd).c_str());
  xmlSchemaPtr schema = xmlSchemaParse(parser);
  xmlSchemaFreeParserCtxt(parser);
  if (!schema) return "schema " + xsd + " could not be read";
  xmlDocPtr doc = xmlReadMemory(bytes.data(), static_cast<int>(bytes.size()), "doc.xml", nullptr,
                                XML_PARSE_NONET);
  if (!doc) {
    xmlSchemaFree(schema);
    return "not well-formed XML";
  }
  xmlSchemaValidCtxtPtr valid = xmlSchemaNewValidCtxt(schema);
  xmlSchemaSetValidStructuredErrors(
      valid, [](void* out, xmlErrorPtr error) {
        *static_cast<std::string*>(out) += "line " + std::to_string(error->line) + ": " + error->message;
      }, &errors);
  const int rc = xmlSchemaValidateDoc(valid, doc);
  xmlSchemaFreeValidCtxt(valid);
  xmlFreeDoc(doc);
  xmlSchemaFree(schema);
  if (rc != 0 && errors.empty()) errors = "invalid (libxml2 status " + std::to_string(rc) + ")";
  return errors;
}

// The string values of what `xpath` selects in `bytes` (prefixes alto, mets, mods, xlink).
inline std::vector<std::string> XPathValues(const std::string& bytes, const std::string& xpath) {
  std::vector<std::string> values;
  xmlDocPtr doc = xmlReadMemory(bytes.data(), static_cast<int>(bytes.size()), "doc.xml", nullptr,
                                XML_PARSE_NONET);
  if (!doc) return values;
  xmlXPathContextPtr context = xmlXPathNewContext(doc);
  const auto ns = [&](const char* prefix, const char* uri) {
    xmlXPathRegisterNs(context, reinterpret_cast<const xmlChar*>(prefix),
                       reinterpret_cast<const xmlChar*>(uri));
  };
  ns("alto", "http://www.loc.gov/standards/alto/ns-v4#");
  ns("mets", "http://www.loc.gov/METS/");
  ns("mods", "http://www.loc.gov/mods/v3");
  ns("xlink", "http://www.w3.org/1999/xlink");
  xmlXPathObjectPtr result =
      xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(xpath.c_str()), context);
  if (result && result->type == XPATH_NODESET && result->nodesetval) {
    for (int i = 0; i < result->nodesetval->nodeNr; ++i) {
      xmlChar* text = xmlNodeGetContent(result->nodesetval->nodeTab[i]);
      values.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
      xmlFree(text);
    }
  } else if (result && result->type == XPATH_STRING) {
    values.emplace_back(reinterpret_cast<const char*>(result->stringval));
  } else if (result && result->type == XPATH_NUMBER) {
    values.push_back(std::to_string(static_cast<long>(result->floatval)));
  }
  xmlXPathFreeObject(result);
  xmlXPathFreeContext(context);
  xmlFreeDoc(doc);
  return values;
}

// The page text an ALTO file gives: its Strings in reading order (from the block no IDNEXT names,
// along IDNEXT), an SP a space, each TextLine ended by a newline.
inline std::string AltoText(const std::string& bytes) {
  xmlDocPtr doc = xmlReadMemory(bytes.data(), static_cast<int>(bytes.size()), "doc.xml", nullptr,
                                XML_PARSE_NONET);
  if (!doc) return "not well-formed XML";
  const auto name_is = [](xmlNodePtr node, const char* name) {
    return node->type == XML_ELEMENT_NODE && xmlStrEqual(node->name, reinterpret_cast<const xmlChar*>(name));
  };
  const auto attribute = [](xmlNodePtr node, const char* name) {
    xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
    std::string out = value ? reinterpret_cast<const char*>(value) : "";
    xmlFree(value);
    return out;
  };
  std::vector<xmlNodePtr> blocks;
  std::vector<xmlNodePtr> stack = {xmlDocGetRootElement(doc)};
  while (!stack.empty()) {
    xmlNodePtr node = stack.back();
    stack.pop_back();
    if (name_is(node, "TextBlock")) blocks.push_back(node);
    std::vector<xmlNodePtr> children;
    for (xmlNodePtr child = node->children; child; child = child->next) children.push_back(child);
    stack.insert(stack.end(), children.rbegin(), children.rend());
  }
  std::vector<std::string> nexts;
  for (xmlNodePtr block : blocks) nexts.push_back(attribute(block, "IDNEXT"));
  xmlNodePtr block = nullptr;
  for (xmlNodePtr candidate : blocks) {
    if (std::find(nexts.begin(), nexts.end(), attribute(candidate, "ID")) == nexts.end()) block = candidate;
  }
  std::string text;
  for (size_t guard = 0; block && guard < blocks.size(); ++guard) {
    for (xmlNodePtr line = block->children; line; line = line->next) {
      if (!name_is(line, "TextLine")) continue;
      for (xmlNodePtr item = line->children; item; item = item->next) {
        if (name_is(item, "SP")) text += " ";
        if (name_is(item, "String")) text += attribute(item, "CONTENT");
      }
      text += "\n";
    }
    const std::string next = attribute(block, "IDNEXT");
    block = nullptr;
    for (xmlNodePtr candidate : blocks) {
      if (!next.empty() && attribute(candidate, "ID") == next) block = candidate;
    }
  }
  xmlFreeDoc(doc);
  return text;
}

// Every METS area names, by its BEGIN, exactly one TextBlock of the ALTO file its FILEID names
// (`altos`: file ID -> ALTO), and there are at least `at_least` areas.
inline void ExpectEveryAreaNamesAnAltoBlock(const std::string& mets,
                                            const std::map<std::string, std::string>& altos,
                                            size_t at_least) {
  const std::vector<std::string> files = XPathValues(mets, "//mets:area/@FILEID");
  const std::vector<std::string> begins = XPathValues(mets, "//mets:area/@BEGIN");
  ASSERT_EQ(files.size(), begins.size());
  ASSERT_GE(files.size(), at_least);
  for (size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ(XPathValues(altos.at(files[i]), "//alto:TextBlock[@ID='" + begins[i] + "']").size(), 1u)
        << files[i] << " " << begins[i];
  }
}

}  // namespace qikan::testing
