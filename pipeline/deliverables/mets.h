#pragma once

#include <string>
#include <vector>

#include "pipeline/deliverables/deliverables.h"

namespace qikan {

// The issue as one METS 1.12 package with MODS 3.7 (mets.xml), after the DFG viewer's profile
// as newspaper portals use it: the issue's MODS and one per article and brief; files (page images
// USE=DEFAULT, ALTO USE=FULLTEXT, issue.pdf USE=DOWNLOAD); a physical structMap (pages, each with
// its image and ALTO); a logical structMap from the parse (issue -> title page, contents,
// sections (columns) -> articles, imprint), each article's areas naming the ALTO TextBlocks that
// hold its heading, text and attribution; and the structLink from logical to physical divs.
// `created` is metsHdr's CREATEDATE (ISO 8601).
std::string WriteMets(const IssueRecord& record, const std::string& created);

// mets.xml, created now.
std::vector<ArchiveFile> WriteMetsFile(const DeliverableSources& sources);

}  // namespace qikan
