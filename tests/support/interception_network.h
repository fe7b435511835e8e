// A gateway that intercepts web traffic, as an ISP or school runs one: the test
// process moves into a private network namespace (the gateway, where the proxy and
// origins run) and makes a client namespace behind it, joined by a veth pair.
// netfilter redirects every TCP connection the client opens through the gateway to
// the proxy's intercept port; the client has no proxy settings. Nothing leaves the
// two namespaces. Needs root, as CI has.
#pragma once

#include "tests/support/child_process.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cuttle::testing {

struct InterceptionNetwork {
  static constexpr const char* kClientAddress = "10.200.0.1";
  static constexpr const char* kGatewayAddress = "10.200.0.2";

  std::vector<std::string> origin_addresses;  // on the gateway's lo: where origins listen
  std::string hosts;                          // the gateway's /etc/hosts
  uint16_t intercept_port = 3129;             // where the client's connections are redirected
};

// Builds it; "" on success, else what failed.
std::string set_up_interception(const InterceptionNetwork& network);

// `curl -i URL` run in the client namespace, with extra `headers` ("Host: x"):
// the status line, header and body, as curl prints them.
CommandResult fetch_from_client(const std::string& url, const std::vector<std::string>& headers = {});

}  // namespace cuttle::testing
