#include "proxy/http/header_additions.h"

#include "proxy/http/entry_before_logging.h"

#include <optional>

namespace cuttle {

void add_header_fields(boost::beast::http::fields& fields, const std::vector<HeaderAddition>& additions,
                       const RequestFacts& facts, const AccessLogEntry* entry) {
  std::optional<AccessLogEntry> early;
  for (const auto& addition : additions) {
    if (!all_acls_match(addition.acls, facts)) continue;
    std::string value;
    if (!addition.format) {
      value = addition.literal;
    } else if (entry) {
      if (!early) early = entry_before_logging(*entry, facts);  // tested: %rm "-", %Ss NONE_NONE
      append_formatted(value, *addition.format, *early);
    }
    fields.insert(addition.name, value.empty() ? "-" : value);
  }
}

}  // namespace cuttle
