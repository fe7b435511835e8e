// The connection directives and http_port options as squid 5.7 reads them.
#include "proxy/config/config_parser.h"

#include "tests/unit/config_text.h"

#include <gtest/gtest.h>

#include <string>

namespace cuttle {
namespace connection_directives_test {

using std::chrono::milliseconds;
using std::chrono::seconds;

LoadedConfig parse(std::string_view text) { return load_config_text(text, "test.conf"); }

std::string error_of(std::string_view text) { return testing::config_error_of(text); }

TEST(ConnectionDirectives, DefaultsAreSquids) {
  const auto loaded = parse("http_port 3128\n");
  const auto& c = loaded.config->connections;
  EXPECT_TRUE(c.client_persistent);
  EXPECT_TRUE(c.server_persistent);
  EXPECT_FALSE(c.half_closed_clients);
  EXPECT_EQ(c.forward_timeout, milliseconds(seconds(240)));
  EXPECT_EQ(c.peer_connect_timeout, milliseconds(seconds(30)));
  EXPECT_EQ(c.pconn_lifetime, milliseconds(0));
  const auto& port = loaded.config->http_ports.front();
  EXPECT_FALSE(port.tcp_keepalive);
  EXPECT_TRUE(port.connection_auth);
  EXPECT_FALSE(port.require_proxy_header);
  EXPECT_TRUE(loaded.config->proxy_protocol_access.empty());
}

TEST(ConnectionDirectives, AreRead) {
  const auto loaded = parse(
      "http_port 3128\nclient_persistent_connections off\nserver_persistent_connections off\n"
      "half_closed_clients on\nforward_timeout 90 seconds\npeer_connect_timeout 5\npconn_lifetime 2 minutes\n");
  const auto& c = loaded.config->connections;
  EXPECT_FALSE(c.client_persistent);
  EXPECT_FALSE(c.server_persistent);
  EXPECT_TRUE(c.half_closed_clients);
  EXPECT_EQ(c.forward_timeout, milliseconds(seconds(90)));
  EXPECT_EQ(c.peer_connect_timeout, milliseconds(seconds(5)));
  EXPECT_EQ(c.pconn_lifetime, milliseconds(seconds(120)));
  EXPECT_NE(error_of("http_port 3128\nhalf_closed_clients maybe\n"), "");
}

TEST(ConnectionDirectives, TcpKeepaliveTakesUpToThreeNumbers) {
  auto keepalive = [](const std::string& option) {
    return *parse("http_port 3128 " + option + "\n").config->http_ports.front().tcp_keepalive;
  };
  const auto bare = keepalive("tcpkeepalive");
  EXPECT_EQ(bare.idle + bare.interval + bare.timeout, 0u);
  const auto all = keepalive("tcpkeepalive=60,10,45");
  EXPECT_EQ(all.idle, 60u);
  EXPECT_EQ(all.interval, 10u);
  EXPECT_EQ(all.timeout, 45u);
  const auto idle_only = keepalive("tcpkeepalive=30");
  EXPECT_EQ(idle_only.idle, 30u);
  EXPECT_EQ(idle_only.interval, 0u);
  EXPECT_NE(error_of("http_port 3128 tcpkeepalive=a,1,2\n"), "");
  EXPECT_NE(error_of("http_port 3128 tcpkeepalive=-1\n"), "");
}

TEST(ConnectionDirectives, ConnectionAuthAndRequireProxyHeaderArePortOptions) {
  const auto loaded = parse(
      "http_port 3128 connection-auth=off require-proxy-header\nhttp_port 3129 no-connection-auth\n"
      "http_port 3130 connection-auth=on\nacl lb src 10.0.0.1\nproxy_protocol_access allow lb\n");
  const auto& ports = loaded.config->http_ports;
  EXPECT_FALSE(ports[0].connection_auth);
  EXPECT_TRUE(ports[0].require_proxy_header);
  EXPECT_FALSE(ports[1].connection_auth);
  EXPECT_TRUE(ports[2].connection_auth);
  EXPECT_EQ(loaded.config->proxy_protocol_access.size(), 1u);
  EXPECT_NE(error_of("http_port 3128 connection-auth=maybe\n"), "");
}

}  // namespace connection_directives_test
}  // namespace cuttle
