// A real squid.conf made runnable by a test, the same way for squid and for
// cuttle: http_port lines listen on free ports (every address, so clients with
// other loopback addresses reach them), cache_peer hosts become unused loopback
// addresses (under their old names, so cache_peer_access lines still apply),
// ICP/HTCP/SNMP ports are closed and the lines naming files (cache_dir, logs,
// pid) are dropped: each fixture adds its own. Access rules are left as written.
#pragma once

#include <string>

namespace cuttle::testing {

// A complete configuration whose first http_port is `port`.
struct WholeConfig {
  std::string text;
  unsigned short port = 0;
};

WholeConfig rewrite_for_test(const std::string& squid_conf);

}  // namespace cuttle::testing
