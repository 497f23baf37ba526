#include "stages/names.h"

#include <algorithm>
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
    bool settles = false;    // a reading of it settles others (NameReading::settles)
  };
  std::map<std::string, Tally> tally;
  for (const auto& r : readings) {
    Tally& t = tally[r.name];
    ++t.readings;
    t.sure = t.sure || !r.doubtful;
    t.misshapen = t.misshapen || r.misshapen;
    t.settles = t.settles || (r.settles && !r.misshapen);
  }
  std::vector<std::u32string> settled;  // what a doubtful reading may be mended to
  std::set<std::string> settled_names;  // what a doubtful reading is agreed with
  std::set<std::string> from_issue;     // the issue's own names among `settled`
  for (const auto& [name, t] : tally) {
    if (t.sure || (t.readings >= 2 && !t.misshapen)) {
      settled.push_back(ToU32(name));
      settled_names.insert(name);
      from_issue.insert(name);
    } else if (t.settles) {
      settled.push_back(ToU32(name));
      from_issue.insert(name);
    }
  }
  for (const auto& name : known) {
    if (settled_names.insert(name).second) settled.push_back(ToU32(name));
  }
  std::sort(settled.begin(), settled.end());
  settled.erase(std::unique(settled.begin(), settled.end()), settled.end());
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
