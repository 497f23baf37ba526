#pragma once

#include <string>
#include <vector>

namespace qikan {

// One author name as an attribution of the issue reads it.
struct NameReading {
  std::string name;
  bool doubtful = false;  // read below the confidence it can be trusted at, or of no name's shape
  bool misshapen = false;  // of no name's shape: a letter or digit, one character or five, no
                           // family name (a doubt its other readings cannot lift)
  bool settles = false;    // doubtful, but read surely enough to settle another reading of the
                           // issue a character away (it does not settle itself)
};

// What to make of one reading, given every reading of the issue.
struct NameVerdict {
  enum Kind {
    kSure,      // not doubtful
    kAgreed,    // doubtful alone, but read alike elsewhere in the issue: two readings agree
    kMended,    // doubtful, one character away from exactly one sure name of the issue: `name`
    kDoubtful,  // doubtful, and nothing in the issue settles it: keep it as read and flag it
  };
  Kind kind = kSure;
  std::string name;  // the name to deliver
  bool known = false;  // agreed with or mended to a name of `known` (ReconcileNames), not the issue's
};

// The same writer recurs within an issue, and OCR rarely misreads one name the same way twice.
// A name is settled when some reading of it is not doubtful, or when two or more readings of it
// agree and none is misshapen. A doubtful reading that is itself settled stands (kAgreed); one
// that differs in a single character from exactly one settled name of the same length is that
// name misread (kMended: 洗越 beside 潘越 read twice; or beside 潘越 read once at a confidence
// that `settles`); any other stays doubtful. One verdict per reading, in order.
// `known`: names settled outside the issue (the catalog's authors of other issues, read alike in
// two or more): a doubtful reading is agreed with or mended to one of them as to the issue's own.
std::vector<NameVerdict> ReconcileNames(const std::vector<NameReading>& readings,
                                        const std::vector<std::string>& known = {});

}  // namespace qikan
