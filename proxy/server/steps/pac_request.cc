// A browser fetching the PAC/WPAD file from the proxy as from a web server.
#include "proxy/http/request_target.h"
#include "proxy/server/own_replies.h"
#include "proxy/server/pac_file.h"
#include "proxy/server/steps/access_check.h"
#include "proxy/server/steps/acl_facts.h"
#include "proxy/server/steps/steps.h"

namespace cuttle {

awaitable<StepResult> answer_pac_file(ClientConnection& conn, Transaction& tx) {
  auto& req = tx.request();
  // A bumped tunnel's /proxy.pac is the site's own (its Host is never this proxy).
  if (conn.port.accel || conn.bumped || req.method() == http::verb::connect ||
      !is_pac_request(req.method(), req.target()))
    co_return kNextStep;
  const bool keep_alive = tx.reusable_after_own_reply();
  // The PAC file's URL as a browser wrote it: the site in Host, else this proxy.
  auto target = parse_absolute_target("http://" + std::string(req[http::field::host]) + std::string(req.target())).target;
  if (!target) target = RequestTarget{"http", tx.active->hostname, conn.port.port, std::string(req.target())};
  tx.entry.url = target->url();
  tx.facts = transaction_facts(conn, tx, *target);
  read_credentials(conn, tx);
  const auto verdict = co_await check_slow(conn, tx, tx.config().http_access);
  if (verdict.decision == AccessDecision::Deny) co_return co_await reply_denied(conn, tx, verdict);
  auto res = pac_response(tx.active->pac_script, req.method() == http::verb::head, tx.active->product());
  co_return co_await send_own_reply(conn, res, tx, keep_alive);
}

}  // namespace cuttle
