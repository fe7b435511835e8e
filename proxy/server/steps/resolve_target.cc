// What the request asks for: an absolute-form URL (forward proxy), CONNECT's
// host:port, a bumped tunnel's path at https://Host, an accelerator port's path
// with Host (or defaultsite), or an intercepted request's path with Host (or
// where the client sent it).
#include "proxy/log/entry_fields.h"
#include "proxy/server/original_destination.h"
#include "proxy/server/own_replies.h"
#include "proxy/server/steps/steps.h"

namespace cuttle {
namespace {

// append_domain, as squid 5.7's URL parser applies it: a host without a dot (and
// not an IPv6 literal) gets the domain, in the URL, the cache key, Host and the log.
std::shared_ptr<const KnownTarget> with_appended_domain(std::shared_ptr<const KnownTarget> known,
                                                        const std::string& domain) {
  const auto& target = known->parsed.target;
  if (domain.empty() || !target || target->host.find_first_of(".:") != std::string::npos) return known;
  TargetResult parsed = known->parsed;
  parsed.target->host += domain;
  return std::make_shared<const KnownTarget>(known_target(std::move(parsed)));
}

}  // namespace

awaitable<StepResult> resolve_target(ClientConnection& conn, Transaction& tx) {
  auto& req = tx.request();
  if (req.method() == http::verb::connect)
    tx.known = std::make_shared<const KnownTarget>(known_target(parse_connect_target(req.target())));
  else if (conn.bumped)
    tx.known = std::make_shared<const KnownTarget>(
        known_target(parse_bumped_target(req.target(), req[http::field::host], conn.bumped->authority)));
  else if (conn.original_destination)
    tx.known = std::make_shared<const KnownTarget>(known_target(parse_intercepted_target(
        req.target(), req[http::field::host], destination_authority(*conn.original_destination))));
  else if (conn.port.accel)
    tx.known = std::make_shared<const KnownTarget>(
        known_target(parse_accel_target(req.target(), req[http::field::host], conn.port)));
  else tx.known = known_absolute_target(req.target());
  tx.known = with_appended_domain(std::move(tx.known), tx.config().dns.append_domain);
  const TargetResult& parsed = tx.known->parsed;
  if (!parsed.target) {
    auto kind = parsed.problem == TargetProblem::UnsupportedScheme ? ErrorKind::UnsupportedRequest : ErrorKind::InvalidUrl;
    co_return co_await reply_error(conn, kind, tx, tx.reusable_after_own_reply());
  }
  tx.entry.url = tx.known->url;
  put_host_last(tx.entry, parsed.target->authority());
  co_return kNextStep;
}

}  // namespace cuttle
