#include "proxy/server/steps/helper_line.h"

#include "proxy/log/request_codes.h"
#include "proxy/log/single_field_headers.h"
#include "proxy/server/steps/access_check.h"

namespace cuttle {

logformat::RequestFormatFacts request_format_facts(ClientConnection& conn, const Transaction& tx,
                                                   const std::vector<logformat::Token>& extras) {
  logformat::RequestFormatFacts f;
  f.client_ip = tx.entry.client_ip;  // the indirect client when log_uses_indirect_client is on, as %>a
  f.local_port = conn.port.port;
  const auto used = logformat::connection_addresses_used(extras);
  // The connection's (a PROXY protocol header's, when there is one).
  if (used.client_port) f.client_port = conn.client_port;
  // The http_port's address; the connection's own when the port listens on all.
  if (used.local_ip) f.local_ip = conn.listening_ip;
  if (tx.entry.user != "-") f.user = tx.entry.user;
  f.method = tx.entry.method;
  f.url = tx.entry.url;
  const RequestTarget& target = tx.target();
  f.scheme = target.scheme, f.host = target.host, f.path = target.path, f.port = target.port;
  const auto& request = tx.parser->get();
  f.header = [&request](std::string_view name) -> std::optional<std::string> {
    std::optional<std::string> value;
    for (auto [it, end] = request.equal_range(name); it != end; ++it) {
      if (value && squid_single_field_header(name)) break;  // the first field only
      if (value) *value += ", ";
      else value.emplace();
      *value += it->value();
    }
    return value;
  };
  return f;
}

std::string expand_request_format(ClientConnection& conn, const Transaction& tx,
                                  const std::vector<logformat::Token>& tokens) {
  const auto facts = request_format_facts(conn, tx, tokens);
  return logformat::expand(tokens, [&](const logformat::Token& t) { return logformat::request_code_value(t, facts); });
}

std::string helper_line(ClientConnection& conn, const Transaction& tx, const std::vector<logformat::Token>& extras) {
  std::string line = tx.entry.url;
  if (extras.empty()) return line;
  line += ' ';
  line += expand_request_format(conn, tx, extras);
  return line;
}

awaitable<std::optional<helpers::HelperReply>> ask_rewrite_helper(ClientConnection& conn, Transaction& tx,
                                                                  const RewriteHelperConfig* config,
                                                                  HelperPool* (WorkerHelpers::*pool)()) {
  if (!config || config->program.argv.empty()) co_return std::nullopt;
  if (!config->access.empty() && (co_await check_slow(conn, tx, config->access)).decision == AccessDecision::Deny)
    co_return std::nullopt;
  conn.services.helpers.use(conn.runtime().active()->config);
  HelperPool* helper = (conn.services.helpers.*pool)();
  if (!helper || (config->bypass && helper->would_overload())) co_return std::nullopt;
  co_return co_await helper->ask(helper_line(conn, tx, config->extras_tokens));
}

}  // namespace cuttle
