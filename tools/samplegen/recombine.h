#pragma once

#include <random>

#include "tools/samplegen/content.h"

namespace qikan::samplegen {

// Builds another issue from `pool` (an issue's content) and small built-in vocabularies: other
// numbers, date and edition; a reordered subset of the articles under other column names, with
// localities swapped or dropped from the titles; other authors; 2-5 briefs; fewer paragraphs.
// The caller lays the result out and draws again if its page count does not suit.
IssueContent Recombine(const IssueContent& pool, std::mt19937& rng);

}  // namespace qikan::samplegen
