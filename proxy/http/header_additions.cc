#include "proxy/http/header_additions.h"

#include <optional>

namespace cuttle {

namespace {

// squid 5.7 fills its log entry's method, status, result code, request size and
// server status only when it logs the transaction, so in an added field %rm is
// "-", %>Hs 0, %Ss NONE_NONE (tested), %>st 0 and %<Hs "-", on misses and hits
// alike; the same values are sent here. Its notes are the request's so far.
AccessLogEntry as_squid_has_it_before_logging(const AccessLogEntry& entry, const RequestFacts& facts) {
  AccessLogEntry early = entry;
  early.method.clear();
  early.status = 0;
  early.result = ResultCode::None;
  early.result_suffix = ResultSuffix::None;
  early.request_bytes = 0;
  early.server_status = 0;
  early.notes = facts.annotations;
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
      if (!early) early = as_squid_has_it_before_logging(*entry, facts);
      append_formatted(value, *addition.format, *early);
    }
    fields.insert(addition.name, value.empty() ? "-" : value);
  }
}

}  // namespace cuttle
