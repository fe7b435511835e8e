// The connection directives (connection_settings.h), read as squid 5.7 reads
// their types (onoff, time_t), and the http_port options about connections.
#pragma once

#include "proxy/config/directives.h"

#include <optional>
#include <string_view>

namespace cuttle {

void client_persistent_connections(DirectiveArgs& args, ParseContext& ctx);
void server_persistent_connections(DirectiveArgs& args, ParseContext& ctx);
void half_closed_clients(DirectiveArgs& args, ParseContext& ctx);
void forward_timeout(DirectiveArgs& args, ParseContext& ctx);
void peer_connect_timeout(DirectiveArgs& args, ParseContext& ctx);
void pconn_lifetime(DirectiveArgs& args, ParseContext& ctx);

// "tcpkeepalive" or "tcpkeepalive=idle,interval,timeout" (squid's xatoui: each
// an unsigned number, missing ones 0).
TcpKeepalive tcp_keepalive_option(std::string_view option);
// "connection-auth=on|off".
bool connection_auth_option(std::string_view option);

}  // namespace cuttle
