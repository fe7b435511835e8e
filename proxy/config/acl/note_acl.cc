#include "proxy/config/acl/note_acl.h"

#include <algorithm>

namespace cuttle {

void NoteAcl::parse(const AclLine& line) {
  for (const auto& option : line.options)
    if (option.starts_with("-m=")) delimiters_ = option.substr(3);
  if (line.values.empty()) return;
  // As Squid's ACLNoteData: the key of the first line, values added by each line.
  if (key_.empty()) key_ = line.values.front();
  values_.insert(values_.end(), line.values.begin() + 1, line.values.end());
}

bool NoteAcl::matches_value(std::string_view value) const {
  if (values_.empty()) return true;
  return std::find(values_.begin(), values_.end(), value) != values_.end();
}

AclMatch NoteAcl::match(const RequestFacts& facts) const {
  for (const auto& [key, value] : facts.annotations) {
    if (key != key_) continue;
    // Squid's AppendTokens: the value's pieces between delimiters, empty ones skipped.
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto end = rest.find_first_of(delimiters_);
      const auto piece = rest.substr(0, end);
      if (!piece.empty() && matches_value(piece)) return AclMatch::Yes;
      if (end == std::string_view::npos) break;
      rest.remove_prefix(end + 1);
    }
  }
  return AclMatch::No;
}

}  // namespace cuttle
