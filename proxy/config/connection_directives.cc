#include "proxy/config/connection_directives.h"

#include <charconv>
#include <string>

namespace cuttle {

void client_persistent_connections(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.connections.client_persistent = args.read_on_off();
  args.expect_end();
}

void server_persistent_connections(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.connections.server_persistent = args.read_on_off();
  args.expect_end();
}

void half_closed_clients(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.connections.half_closed_clients = args.read_on_off();
  args.expect_end();
}

void forward_timeout(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.connections.forward_timeout = args.read_duration("seconds");
  args.expect_end();
}

void peer_connect_timeout(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.connections.peer_connect_timeout = args.read_duration("seconds");
  args.expect_end();
}

void pconn_lifetime(DirectiveArgs& args, ParseContext& ctx) {
  ctx.config.connections.pconn_lifetime = args.read_duration("seconds");
  args.expect_end();
}

namespace {

// One of the comma-separated numbers; squid stops each at the comma.
unsigned keepalive_number(std::string_view text, std::string_view option) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    throw DirectiveError("http_port: bad number in '" + std::string(option) + "' (tcpkeepalive=idle,interval,timeout)");
  return value;
}

}  // namespace

TcpKeepalive tcp_keepalive_option(std::string_view option) {
  TcpKeepalive keepalive;
  if (option == "tcpkeepalive") return keepalive;
  std::string_view rest = option.substr(std::string_view("tcpkeepalive=").size());
  unsigned* fields[] = {&keepalive.idle, &keepalive.interval, &keepalive.timeout};
  for (auto* field : fields) {
    const auto comma = rest.find(',');
    *field = keepalive_number(rest.substr(0, comma), option);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return keepalive;
}

bool connection_auth_option(std::string_view option) {
  const auto value = option.substr(std::string_view("connection-auth=").size());
  if (value == "on") return true;
  if (value == "off") return false;
  throw DirectiveError("http_port: connection-auth= takes on or off, got '" + std::string(option) + "'");
}

}  // namespace cuttle
