// The PAC/WPAD file cuttle serves at /proxy.pac and /wpad.dat to requests
// addressed to the proxy itself: browsers run it and route each URL to its CARP
// owner directly (carp::pac_script, same choice as the proxy's own CARP).
#pragma once

#include "carp/array.h"
#include "proxy/config/config.h"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace cuttle {

namespace http = boost::beast::http;

// The script for this configuration's array: pac_member lines, else
// `carp_parents` (the `cache_peer ... carp` array cuttle itself routes over).
// Empty when there is no array.
std::string build_pac_script(const Config& config, const std::optional<carp::Array>& carp_parents);

// GET or HEAD of /proxy.pac or /wpad.dat in origin form (a browser fetching the
// file from the proxy as from a web server).
bool is_pac_request(http::verb method, std::string_view target);

// 200 with the script (404 when there is none); never cached by the browser for long.
http::response<http::string_body> pac_response(const std::string& script, bool head, std::string_view product);

}  // namespace cuttle
