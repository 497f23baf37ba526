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
// `created` is metsHdr's CREATEDATE (ISO 8601), `modified` its LASTMODDATE (none when empty).
std::string WriteMets(const IssueRecord& record, const std::string& created,
                      const std::string& modified = "");

// mets.xml, created now; a rebuild (a review correction, a re-parse) keeps the archived
// mets.xml's CREATEDATE and says when it was modified (LASTMODDATE).
std::vector<ArchiveFile> WriteMetsFile(const DeliverableSources& sources);

// The CREATEDATE of a mets.xml's metsHdr, or empty.
std::string MetsCreateDate(std::string_view mets_xml);

}  // namespace qikan
