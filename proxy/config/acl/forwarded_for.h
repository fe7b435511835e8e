// follow_x_forwarded_for: who the client really is, as Squid's
// clientFollowXForwardedForCheck walks X-Forwarded-For from the right.
#pragma once

#include "proxy/config/acl/access_rules.h"

#include <string_view>

namespace cuttle {

// Starting from the direct client (facts.client), each address the rules allow
// is trusted to have named the one before it in `forwarded_for` (all the
// request's X-Forwarded-For fields, joined): the walk stops at the first address
// not allowed, at an entry that is not an IP address (the last trusted one
// stays), or at the leftmost entry. Commas and blanks separate entries.
boost::asio::ip::address indirect_client(const std::vector<AccessRule>& rules, RequestFacts facts,
                                         std::string_view forwarded_for);

}  // namespace cuttle
