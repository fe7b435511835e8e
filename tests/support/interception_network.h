// A gateway that intercepts web traffic, as an ISP or school runs one: the test
// process moves into a private network namespace (the gateway, where the proxy
// runs) and makes a client namespace behind it, joined by a veth pair. netfilter
// hands every TCP connection the client opens through the gateway to the proxy's
// port; the client has no proxy settings. With NAT (REDIRECT) the origins listen on
// the gateway itself. With TPROXY they live in a third, server namespace behind a
// second veth pair, so that the proxy's connections from the client's address
// really cross the gateway and their replies come back to it, as on a real router.
// Nothing leaves the namespaces. Needs root, as CI has.
#pragma once

#include "tests/support/child_process.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace cuttle::testing {

struct InterceptionNetwork {
  static constexpr const char* kClientAddress = "10.200.0.1";
  static constexpr const char* kGatewayAddress = "10.200.0.2";
  static constexpr const char* kClientAddress6 = "fd00:200::1";
  static constexpr const char* kGatewayAddress6 = "fd00:200::2";

  static constexpr const char* kServerAddress = "10.201.0.1";  // TPROXY: the server namespace

  enum class Mode { Nat, Tproxy };
  std::vector<std::string> origin_addresses;  // where origins listen (NAT: on the gateway)
  std::string hosts;                          // the gateway's /etc/hosts
  uint16_t intercept_port = 3129;             // where the client's connections are handed
  Mode mode = Mode::Nat;
};

// Builds it; "" on success, else what failed.
std::string set_up_interception(const InterceptionNetwork& network);

// Moves the calling thread into the server namespace; "" or why not.
std::string enter_server_namespace();

// Runs `make` on a thread inside the server namespace (TPROXY mode): an origin
// made there listens there, with every thread it starts.
template <class Make>
auto in_server_namespace(Make make) {
  decltype(make()) made;
  std::string error;
  std::thread([&] {
    error = enter_server_namespace();
    if (error.empty()) made = make();
  }).join();
  if (!error.empty()) throw std::runtime_error(error);
  return made;
}


// `curl -i URL` run in the client namespace, with extra `headers` ("Host: x"):
// the status line, header and body, as curl prints them.
CommandResult fetch_from_client(const std::string& url, const std::vector<std::string>& headers = {});

// `argv` run in the client namespace.
CommandResult run_in_client(const std::vector<std::string>& argv);

}  // namespace cuttle::testing
