// url_rewrite_program (old name redirect_program): after http_access, the
// request's URL goes to the rewriter (when url_rewrite_access allows), which may
// answer with a redirect for the client (30x, no body, TCP_REDIRECT in the log),
// a new URL for the request (the rules after this one see it; http_access is not
// asked again, as in Squid), or nothing. Unusable answers change nothing.
#include "proxy/helpers/rewrite_reply.h"
#include "proxy/http/header_rules.h"
#include "proxy/http/http_date.h"
#include "proxy/http/request_facts.h"
#include "proxy/server/own_replies.h"
#include "proxy/server/steps/acl_facts.h"
#include "proxy/server/steps/helper_line.h"
#include "proxy/server/steps/steps.h"

#include <iostream>

namespace cuttle {

namespace {

// The 30x Squid's HttpReply::redirect makes: Location, no body.
awaitable<bool> send_redirect(ClientConnection& conn, Transaction& tx, unsigned status, const std::string& location) {
  http::response<http::string_body> res{static_cast<http::status>(status), 11};
  res.set(http::field::server, tx.active->product());
  res.set(http::field::date, http_date(std::chrono::system_clock::now()));
  res.set(http::field::location, location);
  res.content_length(0);
  if (conn.runtime().store()) res.set("X-Cache", "MISS from " + tx.active->hostname);
  if (tx.config().via) append_via(res, 11, tx.active->hostname, tx.active->product());
  const bool keep_alive = tx.reusable_after_own_reply() && tx.may_keep_client() && !conn.runtime().shutting_down();
  res.keep_alive(keep_alive);
  keep_reply_head_for_log(res.base(), tx);
  conn.stream.expires_after(tx.config().read_timeout);
  auto [ec, n] = co_await http::async_write(conn.stream, res, use_nothrow);
  tx.entry.result = ResultCode::TcpRedirect;
  tx.entry.status = status;
  tx.entry.reply_bytes = n;
  log_transaction(conn, tx);
  co_return keep_alive && !ec;
}

// The request now asks for `url`; nothing changes when it cannot be parsed.
void rewrite_target(ClientConnection& conn, Transaction& tx, const std::string& url, bool host_header) {
  const bool connect = tx.request().method() == http::verb::connect;
  auto parsed = connect ? parse_connect_target(url) : parse_absolute_target(url);
  if (!parsed.target) {
    std::cerr << "ERROR: URL-rewrite produces invalid request: " << tx.entry.method << " " << url << " HTTP/1.1\n";
    return;
  }
  auto known = std::make_shared<const KnownTarget>(known_target(std::move(parsed)));
  if (known->url == tx.entry.url) return;
  if (!host_header && !tx.client_host_header) tx.client_host_header = std::string(tx.request()[http::field::host]);
  tx.known = std::move(known);
  tx.url_rewritten = true;
  tx.entry.url = tx.known->url;  // access.log shows the new URL (%ru), as in Squid
  const AuthFacts auth = tx.facts.auth;
  tx.facts = transaction_facts(conn, tx, tx.target());
  tx.facts.auth = auth;
}

// url_rewrite_timeout's on_timeout, when that timeout is the one in force (with
// concurrency, as in Squid; otherwise helper_timeout passed and the request goes
// on unchanged). Nothing: the request fails (500 ERR_GATEWAY_FAILURE).
awaitable<std::optional<helpers::HelperReply>> after_timeout(ClientConnection& conn, Transaction& tx,
                                                             const UrlRewriteConfig& rewrite,
                                                             helpers::HelperReply timed_out) {
  using A = UrlRewriteConfig::OnTimeout;
  if (!rewrite.timeout || rewrite.program.children.concurrency == 0) co_return timed_out;
  switch (rewrite.on_timeout) {
    case A::Bypass: co_return timed_out;
    case A::UseConfiguredResponse: co_return helpers::parse_helper_reply(rewrite.timeout_response);
    case A::Retry:
      // Squid's MAX_RETRIES: asked twice more, then as `fail`.
      for (int retry = 0; retry < 2; ++retry) {
        HelperPool* rewriter = conn.services.helpers.url_rewriter();
        if (!rewriter) break;
        auto reply = co_await rewriter->ask(helper_line(conn, tx, rewrite.extras_tokens));
        if (reply.result != helpers::HelperResult::TimedOut) co_return reply;
      }
      co_return std::nullopt;
    case A::Fail: co_return std::nullopt;
  }
  co_return timed_out;
}

}  // namespace

awaitable<StepResult> rewrite_url(ClientConnection& conn, Transaction& tx) {
  const auto& rewrite = tx.config().url_rewrite;
  auto asked = co_await ask_rewrite_helper(conn, tx, rewrite ? &*rewrite : nullptr, &WorkerHelpers::url_rewriter);
  if (!asked) co_return kNextStep;
  auto reply = std::move(*asked);
  if (reply.result == helpers::HelperResult::TimedOut) {
    auto instead = co_await after_timeout(conn, tx, *rewrite, std::move(reply));
    if (!instead)
      co_return co_await reply_error(conn, ErrorKind::GatewayFailure, tx, tx.reusable_after_own_reply(),
                                     "URL rewrite helper: Timedout");
    reply = std::move(*instead);
  }
  annotate(tx.facts.annotations, reply.notes);  // as Squid's UpdateRequestNotes
  const auto decision = helpers::decide_rewrite(reply);
  switch (decision.kind) {
    case helpers::RewriteDecision::Kind::Redirect:
      co_return co_await send_redirect(conn, tx, decision.status, decision.url);
    case helpers::RewriteDecision::Kind::Rewrite:
      rewrite_target(conn, tx, decision.url, rewrite->rewrites_host_header);
      break;
    case helpers::RewriteDecision::Kind::Keep:
      if (!decision.problem.empty()) std::cerr << "ERROR: " << decision.problem << "\n";
      break;
  }
  co_return kNextStep;
}

}  // namespace cuttle
