// A transaction's log entry as squid 5.7 has it before it logs the transaction:
// what request_header_add / reply_header_add values and @Squid{%code} in error
// pages show.
#pragma once

#include "proxy/config/acl/facts.h"
#include "proxy/log/access_log_line.h"

namespace cuttle {

// squid fills its log entry's method, status, result code, request size and
// server status only when it logs the transaction, so %rm is "-", %>Hs 0,
// %Ss NONE_NONE, %>st 0 and %<Hs "-" before; its notes are the request's so far.
AccessLogEntry entry_before_logging(const AccessLogEntry& entry, const RequestFacts& facts);

}  // namespace cuttle
