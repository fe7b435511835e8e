#include "tests/support/interception_network.h"

#include "tests/support/private_network.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <regex>

namespace cuttle::testing {
namespace {

std::string client_namespace() { return "cuttle-client-" + std::to_string(::getpid()); }
std::string server_namespace() { return "cuttle-server-" + std::to_string(::getpid()); }

// A named namespace outlives the test process (ip netns keeps it under
// /run/netns): one left by an earlier process with the same pid is removed
// first, and this process's own go when it exits.
void remove_namespaces_at_exit();

std::vector<std::string>& made_namespaces() {
  static std::vector<std::string> names;
  return names;
}

void start_namespace(const std::string& ns) {
  run_command({"ip", "netns", "del", ns});  // stale, from a process that had this pid
  if (made_namespaces().empty()) std::atexit(remove_namespaces_at_exit);
  made_namespaces().push_back(ns);
}

void remove_namespaces_at_exit() {
  for (const auto& ns : made_namespaces()) run_command({"ip", "netns", "del", ns});
}

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
  start_namespace(ns);
  const std::string client = InterceptionNetwork::kClientAddress;
  return {{"ip", "netns", "add", ns},
          {"ip", "link", "add", "cuttle-gw", "type", "veth", "peer", "name", "cuttle-cl", "netns", ns},
          {"ip", "-n", ns, "link", "set", "lo", "up"},
          {"ip", "-n", ns, "addr", "add", client + "/24", "dev", "cuttle-cl"},
          {"ip", "-n", ns, "link", "set", "cuttle-cl", "up"},
          {"ip", "-n", ns, "route", "add", "default", "via", InterceptionNetwork::kGatewayAddress},
          {"ip", "-n", ns, "addr", "add", std::string(InterceptionNetwork::kClientAddress6) + "/64", "dev", "cuttle-cl",
           "nodad"},
          {"ip", "-n", ns, "-6", "route", "add", "default", "via", InterceptionNetwork::kGatewayAddress6}};
}

// TPROXY's server side: origins on the server namespace's lo, reached through
// the gateway, and the gateway routing to them and forwarding.
std::vector<std::vector<std::string>> server_commands(const std::vector<std::string>& origins) {
  const auto ns = server_namespace();
  start_namespace(ns);
  const std::string server = InterceptionNetwork::kServerAddress;
  std::vector<std::vector<std::string>> commands{
      {"ip", "netns", "add", ns},
      {"ip", "link", "add", "cuttle-gs", "type", "veth", "peer", "name", "cuttle-sv", "netns", ns},
      {"ip", "-n", ns, "link", "set", "lo", "up"},
      {"ip", "-n", ns, "addr", "add", server + "/24", "dev", "cuttle-sv"},
      {"ip", "-n", ns, "link", "set", "cuttle-sv", "up"},
      {"ip", "-n", ns, "route", "add", "default", "via", "10.201.0.2"},
      {"ip", "addr", "add", "10.201.0.2/24", "dev", "cuttle-gs"},
      {"ip", "link", "set", "cuttle-gs", "up"},
      {"sysctl", "-q", "-w", "net.ipv4.ip_forward=1"}};
  for (const auto& origin : origins) {
    commands.push_back({"ip", "-n", ns, "addr", "add", origin + "/32", "dev", "lo"});
    commands.push_back({"ip", "route", "add", origin + "/32", "via", server});
  }
  return commands;
}

// TPROXY on the gateway: the client's connections go to the proxy's transparent
// port with their addresses untouched, and packets of the proxy's transparent
// sockets (replies to the client's address it connected from) are delivered to it.
std::vector<std::vector<std::string>> tproxy_commands(uint16_t port) {
  const std::string rules = "table ip cuttle_tproxy {\n"
                            "  chain prerouting {\n"
                            "    type filter hook prerouting priority mangle;\n"
                            "    meta l4proto tcp socket transparent 1 meta mark set 1 accept\n"
                            "    iifname \"cuttle-gw\" meta l4proto tcp tproxy to :" +
                            std::to_string(port) + " meta mark set 1 accept\n  }\n}\n";
  return {{"ip", "rule", "add", "fwmark", "1", "lookup", "100"},
          {"ip", "route", "add", "local", "0.0.0.0/0", "dev", "lo", "table", "100"},
          {"nft", rules}};
}

// The gateway's side: its veth end, and the NAT rule of an intercepting gateway.
std::vector<std::vector<std::string>> gateway_commands(uint16_t intercept_port, bool nat) {
  const std::string rules = "table ip cuttle_intercept {\n"
                            "  chain prerouting {\n"
                            "    type nat hook prerouting priority dstnat;\n"
                            "    iifname \"cuttle-gw\" meta l4proto tcp redirect to :" +
                            std::to_string(intercept_port) + "\n  }\n}\n";
  const auto rules6 = std::regex_replace(rules, std::regex("table ip cuttle_intercept"), "table ip6 cuttle_intercept6");
  std::vector<std::vector<std::string>> commands{
      {"ip", "addr", "add", std::string(InterceptionNetwork::kGatewayAddress) + "/24", "dev", "cuttle-gw"},
      {"ip", "addr", "add", std::string(InterceptionNetwork::kGatewayAddress6) + "/64", "dev", "cuttle-gw", "nodad"},
      {"ip", "link", "set", "cuttle-gw", "up"}};
  if (nat) commands.insert(commands.end(), {{"nft", rules}, {"nft", rules6}});
  return commands;
}

}  // namespace

std::string set_up_interception(const InterceptionNetwork& network) {
  const bool nat = network.mode == InterceptionNetwork::Mode::Nat;
  if (auto error = enter_private_network({nat ? network.origin_addresses : std::vector<std::string>{}, network.hosts});
      !error.empty())
    return error;
  if (auto error = run_all(client_commands()); !error.empty()) return error;
  if (auto error = run_all(gateway_commands(network.intercept_port, nat)); !error.empty() || nat) return error;
  if (auto error = run_all(server_commands(network.origin_addresses)); !error.empty()) return error;
  return run_all(tproxy_commands(network.intercept_port));
}

std::string enter_server_namespace() {
  const auto path = "/run/netns/" + server_namespace();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "cannot open " + path + ": " + std::strerror(errno);
  const int entered = ::setns(fd, CLONE_NEWNET);
  const int error = errno;
  ::close(fd);
  return entered == 0 ? "" : std::string("setns: ") + std::strerror(error);
}

CommandResult run_in_client(const std::vector<std::string>& argv) {
  std::vector<std::string> in_client{"ip", "netns", "exec", client_namespace()};
  in_client.insert(in_client.end(), argv.begin(), argv.end());
  return run_command(in_client, std::chrono::seconds(15));
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
