// SslBump over a CONNECT, as squid 5.7 runs its steps: SslBump1 decides on the
// CONNECT alone; peek sends the 200, reads the ClientHello without consuming it
// and decides again at SslBump2 (its SNI is then the server name); a peek there
// goes on to SslBump3. splice tunnels the untouched bytes, terminate closes.
// bump completes the client's handshake with a certificate made for the site
// (steps/bump_client.cc) and the tunnel's requests go through the pipeline.
#include "proxy/config/ascii_case.h"
#include "proxy/http/tls_client_hello.h"
#include "proxy/server/own_replies.h"
#include "proxy/server/runtime.h"
#include "proxy/server/ssl_bump_decision.h"
#include "proxy/server/steps/acl_facts.h"
#include "proxy/server/steps/bump_client.h"
#include "proxy/server/steps/connect_tunnel.h"
#include "proxy/server/steps/intercepted_tls.h"
#include "proxy/server/tunnel.h"

#include <algorithm>
#include <cctype>

namespace cuttle {
namespace {

constexpr size_t kHelloReadSize = 4096;

std::string_view action_name(SslBumpAction action) {
  switch (action) {
    case SslBumpAction::Splice: return "splice";
    case SslBumpAction::Peek: return "peek";
    case SslBumpAction::Terminate: return "terminate";
    case SslBumpAction::Bump: return "bump";
    case SslBumpAction::None: return "none";
  }
  return "splice";
}

// The action at `step`, counted in the metrics.
SslBumpAction decide(ClientConnection& conn, Transaction& tx, int step) {
  tx.facts.tls.bump_step = step;
  const auto action = ssl_bump_action(tx.config().ssl_bump, tx.facts);
  conn.runtime().metrics().ssl_bump_decision(action_name(action), step);
  return action;
}

// Reads until the buffer holds a whole ClientHello, consuming none of it (a
// splice relays these bytes). Nothing when the client sends something else,
// stops, or takes longer than `timeout`.
awaitable<std::optional<TlsClientHello>> peek_client_hello(ClientConnection& conn, std::chrono::milliseconds timeout) {
  for (;;) {
    const auto data = conn.buffer.data();
    auto parsed = parse_tls_client_hello({static_cast<const char*>(data.data()), data.size()});
    if (auto* hello = std::get_if<TlsClientHello>(&parsed)) co_return *hello;
    if (std::holds_alternative<TlsNotClientHello>(parsed)) co_return std::nullopt;
    if (conn.buffer.size() + kHelloReadSize > conn.buffer.max_size()) co_return std::nullopt;
    conn.stream.expires_after(timeout);
    auto [ec, n] = co_await conn.stream.async_read_some(conn.buffer.prepare(kHelloReadSize), use_nothrow);
    conn.buffer.commit(n);
    if (ec) co_return std::nullopt;
  }
}

// After the peek: SslBump2, and SslBump3 when the rules peek again there.
SslBumpAction decide_after_hello(ClientConnection& conn, Transaction& tx) {
  const auto action = decide(conn, tx, 2);
  return action == SslBumpAction::Peek ? decide(conn, tx, 3) : action;
}

// A server name as DNS writes one: letters, digits, '-', '_' and dots, at most
// 253 bytes. Anything else in an SNI (commas, NULs, spaces) is not taken as the
// name asked for: it would end up in a made certificate's names.
bool usable_server_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

// Tells the client its tunnel is open, then peeks at its ClientHello (the SNI
// is then a fact for the rules). Nothing when the client sends no hello.
awaitable<std::optional<TlsClientHello>> announce_and_peek(ClientConnection& conn, Transaction& tx) {
  error_code ec;
  if (!intercepted_tls(conn)) {  // a fake CONNECT is never answered
    conn.stream.expires_after(tx.config().read_timeout);
    std::tie(ec, std::ignore) =
        co_await asio::async_write(conn.stream, asio::buffer(kConnectionEstablished), use_nothrow);
  }
  std::optional<TlsClientHello> hello;
  // (Not `ec ? nullopt : co_await …`: GCC 12 destroys that temporary twice.)
  if (!ec) hello = co_await peek_client_hello(conn, tx.config().request_timeout);
  if (hello && usable_server_name(hello->server_name)) tx.facts.tls.client_sni = ascii_lowercase(hello->server_name);
  co_return hello;
}

// The rules may name ACLs http_access does not (dst, srcdomain): their facts first.
awaitable<void> resolve_ssl_bump_facts(ClientConnection& conn, Transaction& tx) {
  const auto needs = ssl_bump_needs(tx.config().ssl_bump);
  co_await resolve_facts(conn, tx, needs.client_name, needs.destinations);
}

// SslBump1 said terminate: the connection closes unanswered. squid logs an
// intercepted one as a connection that ended before any request.
bool terminate_at_step1(ClientConnection& conn, Transaction& tx) {
  if (intercepted_tls(conn)) log_connection_end(conn);
  else log_bump_step(conn, tx, 0);
  close_client(conn);
  return false;
}

// A splice decided after a peek on an intercepted connection: squid makes a
// second fake CONNECT, named by the SNI, for the rules to see (the next request).
bool queue_spliced_connect(ClientConnection& conn, Transaction& tx) {
  queue_fake_connect(conn, tx.facts.tls.client_sni);
  conn.splice_decided = true;
  return true;
}

}  // namespace

awaitable<bool> bump_denied_connect(ClientConnection& conn, Transaction& tx, const Acl* last_acl) {
  tx.entry.result = ResultCode::TcpDenied;
  const auto hello = co_await announce_and_peek(conn, tx);
  log_bump_step(conn, tx, connect_reply_status(conn));
  if (!hello) {
    close_client(conn);
    co_return false;
  }
  if (!co_await accept_bumped(conn, tx, nullptr)) co_return false;
  conn.bumped->denial = DeniedConnect{tx.active, last_acl};
  co_return true;
}

awaitable<StepResult> decide_intercepted_step1(ClientConnection& conn, Transaction& tx) {
  if (!intercepted_tls(conn) || conn.step1_decision || tx.request().method() != http::verb::connect)
    co_return kNextStep;
  tx.facts = transaction_facts(conn, tx, tx.target());
  co_await resolve_ssl_bump_facts(conn, tx);
  conn.step1_decision = decide(conn, tx, 1);
  if (*conn.step1_decision == SslBumpAction::Terminate) co_return terminate_at_step1(conn, tx);
  co_return kNextStep;
}

awaitable<bool> bump_connect(ClientConnection& conn, Transaction& tx) {
  if (conn.splice_decided) co_return co_await splice_intercepted(conn, tx);
  co_await resolve_ssl_bump_facts(conn, tx);
  const auto first = conn.step1_decision ? *conn.step1_decision : decide(conn, tx, 1);
  if (first == SslBumpAction::Splice && intercepted_tls(conn)) co_return co_await splice_intercepted(conn, tx);
  if (first == SslBumpAction::Splice) co_return co_await open_tunnel(conn, tx, true);
  if (first == SslBumpAction::Terminate) co_return terminate_at_step1(conn, tx);
  const auto hello = co_await announce_and_peek(conn, tx);
  // Not TLS, or no hello in time: squid's on_unsupported_protocol would decide;
  // cuttle ends the connection (its default, respond, has no page to give here).
  if (!hello) {
    log_bump_step(conn, tx, connect_reply_status(conn));
    close_client(conn);
    co_return false;
  }
  if (first == SslBumpAction::Bump) co_return co_await bump_client_first(conn, tx);
  const auto second = decide_after_hello(conn, tx);
  if (second == SslBumpAction::Bump) co_return co_await bump_server_first(conn, tx);
  log_bump_step(conn, tx, connect_reply_status(conn));
  if (second == SslBumpAction::Terminate) {
    close_client(conn);
    co_return false;
  }
  if (intercepted_tls(conn)) co_return queue_spliced_connect(conn, tx);
  tx.start = std::chrono::steady_clock::now();
  tx.log_reply_as_unsent = false;
  co_return co_await open_tunnel(conn, tx, false);
}

}  // namespace cuttle
