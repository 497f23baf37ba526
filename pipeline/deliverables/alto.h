#pragma once

#include <string>
#include <vector>

#include "models/geometry.h"
#include "pipeline/deliverables/deliverables.h"

namespace qikan {

// One ALTO TextBlock: a run of a page's lines of text (PageLine) that the parser gave the same
// part (role and item) in the same column. Its ID, P<page>_TB<nnnn>, is unique in the issue and
// the same for the same record, so that the METS links articles to it.
struct AltoBlock {
  std::string id;
  std::string role;  // PageLine::role
  int item = -1;     // PageLine::item
  size_t first_line = 0;  // index into PageRecord::lines
  size_t end_line = 0;    // one past the last
};

// "alto/0001.xml" for page 1.
std::string AltoPath(int page);

// The TextBlocks of record.pages[page_index]. Throws std::runtime_error when the record keeps no
// line sources for a page with text (made before qikan kept them: `qikan reparse --archive DIR KEY` rebuilds it).
std::vector<AltoBlock> AltoBlocks(const IssueRecord& record, size_t page_index);

// The folio printed on record.pages[page_index] ("3"), read from its page furniture; empty when
// none was read.
std::string PrintedPageNumber(const IssueRecord& record, size_t page_index);

// ALTO 4.4 for one page: its lines of text in reading order, one String per OCR word, with boxes
// in the pixels of pages/NNNN.jpg. The Strings (an SP for a space, a line end for each TextLine)
// in reading order (the blocks' IDNEXT chain) give the record's page text.
std::string WriteAlto(const IssueRecord& record, const OcrPage& ocr, size_t page_index);

// alto/NNNN.xml for every page.
std::vector<ArchiveFile> WriteAltoFiles(const DeliverableSources& sources);

}  // namespace qikan
