// A real DNS server (dnsmasq) on port 53 of its own loopback address, answering
// from the configuration lines a test gives it (host-record=, address=, server=),
// with a query log the test can count, and a name server that never answers
// (for names a test forwards to it).
#pragma once

#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

#include <memory>
#include <string>
#include <vector>

namespace cuttle::testing {

class DnsServer {
 public:
  // `lines`: dnsmasq options without their leading "--", e.g.
  // "host-record=fast.test,127.0.0.1,30", "address=/nx.test/" (NXDOMAIN),
  // "server=/hang.test/" + silent_server() (never answered).
  explicit DnsServer(const std::vector<std::string>& lines = {});
  ~DnsServer();
  static bool available();

  const std::string& address() const { return address_; }
  // "127.0.0.1#PORT": a UDP socket nobody reads, for `server=/domain/` lines. Fixed
  // per process, so tests can build their lines before starting the server.
  static std::string silent_server();
  // How many queries of `type` ("A", "AAAA", "PTR") for `name` reached the server.
  size_t queries(const std::string& name, const std::string& type = "A") const;

 private:
  TempDir dir_{"cuttle-dns"};
  std::string address_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace cuttle::testing
