#include "tests/support/interception_network.h"

#include "tests/support/private_network.h"

#include <unistd.h>

namespace cuttle::testing {
namespace {

std::string client_namespace() { return "cuttle-client-" + std::to_string(::getpid()); }

std::string run_all(const std::vector<std::vector<std::string>>& commands) {
  for (const auto& argv : commands) {
    auto result = run_command(argv);
    if (result.exit_code == 0) continue;
    std::string line;
    for (const auto& word : argv) line += word + " ";
    return line + "failed: " + result.output;
  }
  return "";
}

// The client's side: its end of the veth pair, and the gateway as its router.
std::vector<std::vector<std::string>> client_commands() {
  const auto ns = client_namespace();
  const std::string client = InterceptionNetwork::kClientAddress;
  return {{"ip", "netns", "add", ns},
          {"ip", "link", "add", "cuttle-gw", "type", "veth", "peer", "name", "cuttle-cl", "netns", ns},
          {"ip", "-n", ns, "link", "set", "lo", "up"},
          {"ip", "-n", ns, "addr", "add", client + "/24", "dev", "cuttle-cl"},
          {"ip", "-n", ns, "link", "set", "cuttle-cl", "up"},
          {"ip", "-n", ns, "route", "add", "default", "via", InterceptionNetwork::kGatewayAddress}};
}

// The gateway's side: its veth end, and the NAT rule of an intercepting gateway.
std::vector<std::vector<std::string>> gateway_commands(uint16_t intercept_port) {
  const std::string rules = "table ip cuttle_intercept {\n"
                            "  chain prerouting {\n"
                            "    type nat hook prerouting priority dstnat;\n"
                            "    iifname \"cuttle-gw\" meta l4proto tcp redirect to :" +
                            std::to_string(intercept_port) + "\n  }\n}\n";
  return {{"ip", "addr", "add", std::string(InterceptionNetwork::kGatewayAddress) + "/24", "dev", "cuttle-gw"},
          {"ip", "link", "set", "cuttle-gw", "up"},
          {"nft", rules}};
}

}  // namespace

std::string set_up_interception(const InterceptionNetwork& network) {
  if (auto error = enter_private_network({network.origin_addresses, network.hosts}); !error.empty()) return error;
  if (auto error = run_all(client_commands()); !error.empty()) return error;
  return run_all(gateway_commands(network.intercept_port));
}

CommandResult fetch_from_client(const std::string& url, const std::vector<std::string>& headers) {
  std::vector<std::string> argv{"ip", "netns", "exec", client_namespace(), "curl", "-s", "-i", "--max-time", "10"};
  for (const auto& header : headers) {
    argv.push_back("-H");
    argv.push_back(header);
  }
  argv.push_back(url);
  return run_command(argv, std::chrono::seconds(15));
}

}  // namespace cuttle::testing
