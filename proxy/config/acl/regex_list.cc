#include "proxy/config/acl/regex_list.h"

#include <algorithm>
#include <stdexcept>

namespace cuttle {

void RegexList::add_line(const std::vector<std::string>& values) {
  bool case_insensitive = false;
  for (const auto& value : values) {
    if (value == "-i" || value == "+i") {
      case_insensitive = value == "-i";
      continue;
    }
    try {
      regexes_.emplace_back(value, case_insensitive);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("bad regular expression '" + value + "': " + e.what());
    }
  }
}

bool RegexList::search(std::string_view subject) const {
  return std::any_of(regexes_.begin(), regexes_.end(), [&](const PosixRegex& r) { return r.search(subject); });
}

}  // namespace cuttle
