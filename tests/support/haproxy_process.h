// A real haproxy (2.6, /usr/sbin/haproxy) in TCP mode on loopback, for tests of
// what a load balancer in front of the proxy sends: each route is a frontend on a
// free port of `listen_address` forwarding every connection to 127.0.0.1:target
// with the route's server options (e.g. "send-proxy", "send-proxy-v2"). Run in
// the foreground, stopped on destruction; every wait is bounded.
#pragma once

#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

#include <memory>
#include <string>
#include <vector>

namespace cuttle::testing {

struct HaproxyRoute {
  unsigned short target_port = 0;
  std::string server_options;  // on the `server` line: send-proxy, send-proxy-v2 ...
};

class HaproxyProcess {
 public:
  explicit HaproxyProcess(std::vector<HaproxyRoute> routes, const std::string& listen_address = "127.0.0.1");
  ~HaproxyProcess();

  static bool available();  // is /usr/sbin/haproxy installed?

  // The frontend port of routes[i].
  unsigned short port(size_t i) const { return ports_.at(i); }
  const std::string& address() const { return address_; }
  std::string output() const;

 private:
  std::string config_text(const std::vector<HaproxyRoute>& routes) const;

  TempDir dir_;
  std::string address_;
  std::vector<unsigned short> ports_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace cuttle::testing
