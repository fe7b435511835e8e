#include "proxy/http/entry_before_logging.h"

namespace cuttle {

AccessLogEntry entry_before_logging(const AccessLogEntry& entry, const RequestFacts& facts) {
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

}  // namespace cuttle
