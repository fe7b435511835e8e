// TRACE or OPTIONS with Max-Forwards: 0 (RFC 9110 §7.6.2): this proxy is the
// final recipient and answers itself.
#include "proxy/http/header_rules.h"
#include "proxy/http/header_text.h"
#include "proxy/http/http_date.h"
#include "proxy/http/request_line.h"
#include "proxy/server/own_replies.h"
#include "proxy/server/steps/steps.h"

namespace cuttle {
namespace {

http::response<http::string_body> final_recipient_reply(const http::request<http::empty_body>& req,
                                                        bool purge_enabled, std::string_view product) {
  http::response<http::string_body> res{http::status::ok, 11};
  res.set(http::field::server, product);
  res.set(http::field::date, http_date(std::chrono::system_clock::now()));
  if (req.method() == http::verb::trace) {
    // RFC 9110 §9.3.8: the request as received, less the fields that carry
    // credentials (a script must not read them back through TRACE).
    http::request<http::empty_body> echo = req;
    for (auto field : {http::field::authorization, http::field::proxy_authorization, http::field::cookie})
      echo.erase(field);
    res.set(http::field::content_type, "message/http");
    res.body() = header_text(echo);
  } else {
    // What this proxy accepts: any method is forwarded; PURGE only when an ACL enables it.
    res.set(http::field::allow, purge_enabled ? "GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE, CONNECT, PURGE"
                                              : "GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE, CONNECT");
  }
  res.prepare_payload();
  return res;
}

}  // namespace

awaitable<StepResult> answer_max_forwards(ClientConnection& conn, Transaction& tx) {
  auto& req = tx.request();
  if (max_forwards(req.method(), req) != 0u) co_return kNextStep;
  auto res = final_recipient_reply(req, tx.config().purge_enabled, tx.active->product());
  co_return co_await send_own_reply(conn, res, tx, tx.reusable_after_own_reply());
}

}  // namespace cuttle
