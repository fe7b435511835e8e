// Squid's request_header_access (and, later, reply_header_access): each header
// field is kept, removed, or given the configured replacement value, by the first
// rules that name it (its own, then "Other" for headers Squid does not know, then
// "All"). As in squid 5.7's httpHdrMangle, a field whose rules match nothing gets
// the opposite of the last rule's action.
#pragma once

#include "proxy/config/config.h"

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>

#include <string_view>

namespace cuttle {

namespace http = boost::beast::http;

// Whether Squid 5.7 knows the header by name (its RegisteredHeaders table), so that
// "Other" rules do not apply to it.
bool is_squid_known_header(std::string_view name);

void mangle_headers(http::fields& fields, const HeaderManglers& manglers, const RequestFacts& facts);

// reply_header_access, then reply_header_add: the reply as the client gets it,
// this proxy's own fields (Via, X-Cache) included, as Squid's buildReplyHeader
// mangles last. The rules' ACLs see the request's facts and the reply (its
// status, the fields they name); added values are formatted from `entry`.
void mangle_reply_headers(http::response_header<>& reply, const Config& config, const RequestFacts& request,
                          const AccessLogEntry* entry = nullptr);

}  // namespace cuttle
