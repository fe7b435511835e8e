// The one place where the facts an access check sees are taken from a request:
// ordinary requests, CONNECT, PURGE, the cache manager and the PAC file all
// become a RequestTarget first and then the same RequestFacts, so an ACL (a
// `port`, a `dstdomain`, `manager`) means the same thing for each of them.
#pragma once

#include "proxy/config/acl/access_rules.h"
#include "proxy/http/request_target.h"

#include <boost/asio/ip/address.hpp>

#include <string_view>

namespace cuttle {

RequestFacts request_facts(const RequestTarget& target, std::string_view method,
                           const boost::asio::ip::address& client);

}  // namespace cuttle
