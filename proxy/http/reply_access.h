// http_reply_access: whether the client may have a reply, decided on its header
// as Squid's clientReplyContext::processReplyAccess does.
#pragma once

#include "proxy/config/config.h"

#include <boost/beast/http/message.hpp>

#include <string_view>

namespace cuttle {

// `request`: the facts the request was checked with; `hierarchy`: Squid's name of
// how it was forwarded ("HIER_DIRECT"; "HIER_NONE" for a hit). Without rules
// every reply is allowed; 1xx, 204 and 304 replies always are; a rule that would
// need credentials checked denies (a 403, never a challenge), as in Squid.
// The verdict's last_acl picks the deny_info page.
AccessVerdict check_reply_access(const Config& config, const RequestFacts& request,
                                 const boost::beast::http::response_header<>& reply, std::string_view hierarchy);

}  // namespace cuttle
