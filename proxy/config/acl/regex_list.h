// The patterns of a regex ACL line, as Squid's ACLRegexData reads them: POSIX
// extended expressions, each line case-sensitive until a "-i" (and again after
// "+i"), matched anywhere in the subject.
#pragma once

#include "proxy/config/posix_regex.h"

#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

class RegexList {
 public:
  // Throws std::invalid_argument naming a pattern that does not compile.
  void add_line(const std::vector<std::string>& values);
  bool search(std::string_view subject) const;
  bool empty() const { return regexes_.empty(); }

 private:
  std::vector<PosixRegex> regexes_;
};

}  // namespace cuttle
