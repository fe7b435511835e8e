#include "proxy/config/config_notes.h"

namespace cuttle {

void annotate_from_config(const ConfigNotes& notes, RequestFacts& facts) {
  for (const auto& note : notes) {
    for (const auto& value : note.values) {
      if (!all_acls_match(value.acls, facts)) continue;
      facts.annotations.emplace_back(note.key, value.text);
      break;
    }
  }
}

}  // namespace cuttle
