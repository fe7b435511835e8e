#include "proxy/config/posix_regex.h"

#include <stdexcept>

namespace cuttle {

PosixRegex::PosixRegex(const std::string& pattern, bool case_insensitive) {
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
}

bool PosixRegex::search(const std::string& subject) const {
  return regexec(compiled_.get(), subject.c_str(), 0, nullptr, 0) == 0;
}

}  // namespace cuttle
