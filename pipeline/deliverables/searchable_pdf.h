#pragma once

#include <string>
#include <vector>

#include "pipeline/deliverables/deliverables.h"

namespace qikan {

// issue.pdf: the scan's own pages (a PDF's pages and images copied as they are, an image input's
// pixels embedded losslessly or as the JPEG bytes it came as) under an invisible text layer that
// reads as the record's page text, each word over the printed word it stands for; an outline of
// the issue's columns and articles; Info and XMP metadata; an sRGB output intent (aiming at
// PDF/A-2b, not validated). A rebuild (no scan) takes the pages of the issue.pdf archived before
// with its old text layer removed, else the archived page images (pages/NNNN.jpg).
// Throws std::runtime_error when there is no page image to build on, or the scan cannot be read.
std::string SearchablePdf(const DeliverableSources& sources);

// The writer of the deliverables framework: SearchablePdf as "issue.pdf".
std::vector<ArchiveFile> WriteSearchablePdf(const DeliverableSources& sources);

// The record's title of an issue, as the PDF's metadata gives it:
// "杭州人大信息 2025年第5期（总第711期）"; the source file's name when the masthead was not read.
std::string IssueTitle(const IssueRecord& record);

}  // namespace qikan
