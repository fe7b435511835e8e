// request_header_add / reply_header_add applied: after the access and replace
// rules, each line whose ACLs all match (a fast check) adds its field, keeping
// any field of that name already there (squid 5.7's httpHdrAdd).
#pragma once

#include "proxy/config/config.h"
#include "proxy/log/access_log_line.h"

#include <boost/beast/http/fields.hpp>

namespace cuttle {

// A formatted value is filled in from `entry` (the transaction so far); with
// no entry, or when it comes out empty, the value is "-", as Squid writes it.
void add_header_fields(boost::beast::http::fields& fields, const std::vector<HeaderAddition>& additions,
                       const RequestFacts& facts, const AccessLogEntry* entry);

}  // namespace cuttle
