// The format codes about the request and its client that cuttle fills in when it
// expands helper formats (url_rewrite_extras, store_id_extras): their values for
// one transaction. A configured format using any other code is refused when the
// file is read, so a helper never receives a "-" where Squid would send a value.
#pragma once

#include "proxy/log/format_expand.h"

#include <functional>
#include <optional>
#include <string>

namespace cuttle::logformat {

struct RequestFormatFacts {
  std::string client_ip;
  uint16_t client_port = 0;
  std::string local_ip;  // the http_port's address (the connection's own when the port listens on all)
  uint16_t local_port = 0;
  std::string user;      // authenticated user; empty: none
  std::string method;
  std::string url;       // as access.log shows it; host:port for CONNECT
  std::string scheme, host, path;
  uint16_t port = 0;
  // A request header's value as Squid's getByName gives it (single_field_headers.h).
  std::function<std::optional<std::string>(std::string_view name)> header;
};

// Whether `token` is a code cuttle can fill in from RequestFormatFacts.
bool is_request_code(const Token& token);
Value request_code_value(const Token& token, const RequestFormatFacts& facts);
// Which of the connection's addresses the tokens use (%>p: the peer's port; %la:
// the local address, needed from the socket when the port listens on all): each a
// system call, made only for the formats that use it.
struct ConnectionAddressUse {
  bool client_port = false, local_ip = false;
};
ConnectionAddressUse connection_addresses_used(const std::vector<Token>& tokens);
// Throws std::invalid_argument naming the first code cuttle cannot fill in.
void require_request_codes(const std::vector<Token>& tokens);

}  // namespace cuttle::logformat
