#include "stages/names.h"

#include <map>
#include <set>

#include "models/text.h"

namespace qikan {

std::vector<NameVerdict> ReconcileNames(const std::vector<NameReading>& readings,
                                        const std::vector<std::string>& known) {
  struct Tally {
    int readings = 0;
    bool sure = false;       // a reading of it is not doubtful
    bool misshapen = false;  // a reading of it is of no name's shape
  };
  std::map<std::string, Tally> tally;
  for (const auto& r : readings) {
    Tally& t = tally[r.name];
    ++t.readings;
    t.sure = t.sure || !r.doubtful;
    t.misshapen = t.misshapen || r.misshapen;
  }
  std::vector<std::u32string> settled;
  std::set<std::string> settled_names;
  for (const auto& [name, t] : tally) {
    if (t.sure || (t.readings >= 2 && !t.misshapen)) {
      settled.push_back(ToU32(name));
      settled_names.insert(name);
    }
  }
  std::set<std::string> from_issue = settled_names;
  for (const auto& name : known) {
    if (settled_names.insert(name).second) settled.push_back(ToU32(name));
  }
  std::vector<NameVerdict> verdicts;
  for (const auto& r : readings) {
    NameVerdict v{.kind = NameVerdict::kSure, .name = r.name};
    if (r.doubtful) {
      v.kind = NameVerdict::kDoubtful;
      if (settled_names.count(r.name)) {
        v.kind = NameVerdict::kAgreed;
        v.known = !from_issue.count(r.name);
      } else {
        const std::u32string read = ToU32(r.name);
        const std::u32string* match = nullptr;
        int matches = 0;
        for (const auto& name : settled) {
          // (Of the same length, one edit apart is one character read as another.)
          if (name.size() != read.size() || read.size() < 2 || EditDistance(name, read) != 1) {
            continue;
          }
          match = &name;
          ++matches;
        }
        if (matches == 1) {
          v.kind = NameVerdict::kMended;
          v.name = ToUtf8(*match);
          v.known = !from_issue.count(v.name);
        }
      }
    }
    verdicts.push_back(std::move(v));
  }
  return verdicts;
}

}  // namespace qikan
