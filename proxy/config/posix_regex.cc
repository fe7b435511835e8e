#include "proxy/config/posix_regex.h"

#include "proxy/config/regex_size.h"

#include <stdexcept>
#include <string>

namespace cuttle {

PosixRegex::PosixRegex(const std::string& pattern, bool case_insensitive) {
  if (expanded_regex_size(pattern) > kMaxRegexSize)
    throw std::invalid_argument("too complex: its repetitions (+, {n,m}) or nesting would expand it beyond " +
                                std::to_string(kMaxRegexSize) + " parts");
  auto compiled = std::make_unique<regex_t>();
  int flags = REG_EXTENDED | REG_NOSUB | (case_insensitive ? REG_ICASE : 0);
  if (int rc = regcomp(compiled.get(), pattern.c_str(), flags); rc != 0) {
    char why[256];
    regerror(rc, compiled.get(), why, sizeof why);
    throw std::invalid_argument(why);
  }
  compiled_ = std::shared_ptr<const regex_t>(compiled.release(), [](const regex_t* r) {
    regfree(const_cast<regex_t*>(r));
    delete r;
  });
  literal_ = LiteralPattern::compile(pattern, case_insensitive);
}

bool PosixRegex::search(std::string_view subject) const {
  if (literal_) return literal_->search(subject);
  const std::string terminated(subject);  // regexec wants a C string
  return regexec(compiled_.get(), terminated.c_str(), 0, nullptr, 0) == 0;
}

}  // namespace cuttle
