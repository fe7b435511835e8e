// The request header as the next hop gets it, for every kind of exchange
// (forwarding, revalidation, background refresh): hop-by-hop fields removed,
// Max-Forwards counted down, the client's proxy credentials replaced by the
// peer's (login=), only-if-cached to siblings, the hop's target and Host, Via and
// X-Forwarded-For, then request_header_access. Pure: fields in, fields out.
#pragma once

#include "proxy/config/config.h"
#include "proxy/server/forwarder.h"

#include <boost/beast/http/message.hpp>

#include <string_view>

namespace cuttle {

// `facts`: the client's request as the ACLs see it (its address goes into
// X-Forwarded-For); `client_version`: the HTTP version the client spoke (Via names
// it). The request leaves as HTTP/1.1; the caller asks for keep-alive on the message.
void shape_upstream_request(http::request_header<>& req, const NextHop& hop, const ActiveConfig& active,
                            const RequestFacts& facts, unsigned client_version, const AccessLogEntry* entry);

// range_offset_limit: Range, If-Range and Request-Range removed, as Squid does
// when it fetches the whole object to store it (HttpStateData::decideIfWeDoRanges).
void ask_for_whole_object(http::request_header<>& req);

// A revalidation's conditions: the client's own (answered from the refreshed copy
// after a 304) and its Range give way to the stored reply's validators.
void ask_with_stored_validators(http::request_header<>& req, const http::response_header<>& stored);

}  // namespace cuttle
