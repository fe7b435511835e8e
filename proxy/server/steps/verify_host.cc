// Squid's defence against CVE-2009-0801 (ClientRequestContext::hostHeaderVerify):
// an intercepted request's Host must lead where the client sent the request (its
// port that port, its name one of that address's). Otherwise a page could make the
// browser send a request for any site to an address of its choosing and have the
// cache store the reply under that site's URL. A request that fails goes to its
// original destination only and is not cached; with host_verify_strict it is
// refused (409). Other ports have nothing to verify: a forward request's Host is
// the URL's (RFC 9112 §3.2.2, as squid 5.7 replaces it), an accelerated one's URL
// is built from it.
#include "proxy/server/own_replies.h"
#include "proxy/server/steps/steps.h"

#include <charconv>
#include <iostream>

namespace cuttle {
namespace {

// Host split as squid splits it: "[v6]:port", "name:port", or no port when what
// follows the colon is not one (then the whole value is the host).
struct HostField {
  std::string host;
  std::optional<uint16_t> port;
  std::string port_text;
};

HostField split_host_field(std::string_view value) {
  size_t colon = std::string_view::npos;
  if (value.starts_with('[')) {
    const auto close = value.find(']');
    if (close != std::string_view::npos && close + 1 < value.size() && value[close + 1] == ':') colon = close + 1;
  } else {
    colon = value.rfind(':');
  }
  if (colon == std::string_view::npos) return {std::string(value), std::nullopt, {}};
  const auto text = value.substr(colon + 1);
  if (text.empty()) return {std::string(value.substr(0, colon)), std::nullopt, {}};
  unsigned number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end != text.data() + text.size() || number < 1 || number > 0xFFFF)
    return {std::string(value), std::nullopt, {}};
  return {std::string(value.substr(0, colon)), static_cast<uint16_t>(number), std::string(text)};
}

std::string unbracketed(const std::string& host) {
  return host.size() > 2 && host.front() == '[' && host.back() == ']' ? host.substr(1, host.size() - 2) : host;
}

// Squid's "A does not match B" of the failure's message; nothing when verified.
using Mismatch = std::optional<std::pair<std::string, std::string>>;

awaitable<Mismatch> check_intercepted(ClientConnection& conn, const Transaction& tx, const HostField& field) {
  const auto& destination = *conn.original_destination;
  if (field.port && *field.port != destination.port()) co_return Mismatch{{"intercepted port", field.port_text}};
  const auto resolved = co_await conn.services.resolver.resolve(unbracketed(field.host), tx.config().dns);
  const auto sent_to = normalize_address(destination.address());
  for (const auto& address : resolved.addresses)
    if (normalize_address(address) == sent_to) co_return std::nullopt;
  co_return Mismatch{{"local IP", "any domain IP"}};
}

std::string connection_text(const ClientConnection& conn) {
  return "local=" + conn.local_address.to_string() + ":" + std::to_string(conn.local_port) + " remote=" +
         conn.client_ip + ":" + std::to_string(conn.client_port);
}

awaitable<StepResult> answer_mismatch(ClientConnection& conn, Transaction& tx, const std::pair<std::string, std::string>& mismatch) {
  const bool refuse = tx.config().host_verify_strict || tx.request().method() == http::verb::connect;
  conn.runtime().metrics().host_forgery(refuse);
  if (!refuse) co_return kNextStep;  // unverified: original destination only, uncached
  std::cerr << "cuttle: SECURITY ALERT: Host header forgery detected on " << connection_text(conn) << " ("
            << mismatch.first << " does not match " << mismatch.second << ")\n";
  if (const auto agent = tx.request()[http::field::user_agent]; !agent.empty())
    std::cerr << "cuttle: SECURITY ALERT: By user agent: " << agent << "\n";
  std::cerr << "cuttle: SECURITY ALERT: on URL: " << tx.entry.url << std::endl;
  co_return co_await reply_error(conn, ErrorKind::ConflictHost, tx, tx.reusable_after_own_reply(),
                                 mismatch.first + " does not match " + mismatch.second);
}

}  // namespace

awaitable<StepResult> verify_host(ClientConnection& conn, Transaction& tx) {
  const auto host = tx.request()[http::field::host];
  // Without Host there is nothing to forge; the request stays unverified (as squid).
  if (!conn.original_destination || host.empty()) co_return kNextStep;
  const auto mismatch = co_await check_intercepted(conn, tx, split_host_field(host));
  if (!mismatch) {
    tx.host_verified = true;
    co_return kNextStep;
  }
  co_return co_await answer_mismatch(conn, tx, *mismatch);
}

}  // namespace cuttle
