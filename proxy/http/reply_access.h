// http_reply_access: whether the client may have a reply, decided on its header
// as Squid's clientReplyContext::processReplyAccess does.
#pragma once

#include "proxy/config/config.h"

#include <boost/beast/http/message.hpp>

#include <optional>
#include <string_view>

namespace cuttle {

// The facts the rules are checked with: the request's, the reply's status and
// the fields ACLs name, the hierarchy. nullopt when the reply needs no check
// (no rules; 1xx, 204 and 304 replies are always allowed).
std::optional<RequestFacts> reply_check_facts(const Config& config, const RequestFacts& request,
                                              const boost::beast::http::response_header<>& reply,
                                              std::string_view hierarchy);

// reply_body_max_size for this reply, as Squid's HttpReply::calcMaxBodySize: the
// first line whose ACLs all match (a fast check: an ACL needing credentials or a
// helper does not match); nullopt: no limit.
std::optional<uint64_t> reply_body_limit(const Config& config, const RequestFacts& request,
                                         const boost::beast::http::response_header<>& reply);
// Whether the reply's announced length is over that limit (Squid's
// expectedBodyTooLarge); statuses always allowed (1xx, 204, 304) never are.
bool reply_body_too_large(const Config& config, const RequestFacts& request,
                          const boost::beast::http::response_header<>& reply, std::optional<uint64_t> limit);

// The reply's status and the fields the configuration's ACLs look at.
ReplyFacts reply_facts(const Config& config, const boost::beast::http::response_header<>& reply);

// `request`: the facts the request was checked with; `hierarchy`: Squid's name of
// how it was forwarded ("HIER_DIRECT"; "HIER_NONE" for a hit). Without rules
// every reply is allowed; 1xx, 204 and 304 replies always are. A rule that would
// need credentials checked or an external ACL's helper asked denies (a 403, never
// a challenge): this is the check without I/O, for replies nobody asks for; a
// client's replies are checked by check_reply_slow (server/steps), which asks.
// The verdict's last_acl picks the deny_info page.
AccessVerdict check_reply_access(const Config& config, const RequestFacts& request,
                                 const boost::beast::http::response_header<>& reply, std::string_view hierarchy);

}  // namespace cuttle
