#include "proxy/http/header_additions.h"

#include <optional>

namespace cuttle {

namespace {

// squid 5.7 fills its log entry's method, status and result code only when it
// logs the transaction, so in an added field %rm is "-", %>Hs 0 and %Ss
// NONE_NONE, on misses and hits alike (tested); the same values are sent here.
AccessLogEntry as_squid_has_it_before_logging(const AccessLogEntry& entry) {
  AccessLogEntry early = entry;
  early.method.clear();
  early.status = 0;
  early.result = ResultCode::None;
  early.result_suffix = ResultSuffix::None;
  return early;
}

}  // namespace

void add_header_fields(boost::beast::http::fields& fields, const std::vector<HeaderAddition>& additions,
                       const RequestFacts& facts, const AccessLogEntry* entry) {
  std::optional<AccessLogEntry> early;
  for (const auto& addition : additions) {
    if (!all_acls_match(addition.acls, facts)) continue;
    std::string value;
    if (!addition.format) {
      value = addition.literal;
    } else if (entry) {
      if (!early) early = as_squid_has_it_before_logging(*entry);
      append_formatted(value, *addition.format, *early);
    }
    fields.insert(addition.name, value.empty() ? "-" : value);
  }
}

}  // namespace cuttle
