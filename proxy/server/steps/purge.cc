// PURGE (when an ACL names the method): removes the target's stored replies,
// Vary variants included; 200 when something was removed, else 404.
#include "proxy/http/header_rules.h"
#include "proxy/http/http_date.h"
#include "proxy/server/own_replies.h"
#include "proxy/server/steps/steps.h"

#include <boost/asio/steady_timer.hpp>

namespace cuttle {
namespace {

// The cache answers on its writer thread; the result is posted back here.
awaitable<bool> remove_stored(store::ObjectCache& store, const std::string& url) {
  struct Wait {
    explicit Wait(const asio::any_io_executor& ex) : wake(ex) {}
    asio::steady_timer wake;
    bool removed = false;
  };
  auto executor = co_await asio::this_coro::executor;
  auto wait = std::make_shared<Wait>(executor);
  wait->wake.expires_after(std::chrono::seconds(30));
  store.remove_with_variants(url, [wait, executor](bool any) {
    asio::post(executor, [wait, any] {
      wait->removed = any;
      wait->wake.cancel();
    });
  });
  co_await wait->wake.async_wait(use_nothrow);
  co_return wait->removed;
}

}  // namespace

awaitable<StepResult> purge_stored(ClientConnection& conn, Transaction& tx) {
  if (tx.request().method_string() != "PURGE") co_return kNextStep;
  const bool keep_alive = tx.reusable_after_own_reply();
  if (!tx.config().purge_enabled) {
    tx.entry.result = ResultCode::TcpDenied;
    co_return co_await reply_error(conn, ErrorKind::AccessDenied, tx, keep_alive, "PURGE is not enabled by any ACL");
  }
  bool removed = false;
  // Under its store ID when a helper gave one, as Squid purges.
  const std::string key = tx.store_id.empty() ? tx.target().url() : tx.store_id;
  if (auto* store = conn.runtime().store()) removed = co_await remove_stored(*store, key);
  http::response<http::empty_body> res{removed ? http::status::ok : http::status::not_found, 11};
  res.set(http::field::server, tx.active->product());
  res.set(http::field::date, http_date(std::chrono::system_clock::now()));
  res.content_length(0);
  res.keep_alive(keep_alive && tx.may_keep_client() && !conn.runtime().shutting_down());
  keep_reply_head_for_log(res.base(), tx);
  conn.stream.expires_after(tx.config().read_timeout);
  auto [ec, n] = co_await http::async_write(conn.stream, res, use_nothrow);
  tx.entry.result = ResultCode::TcpMiss;
  tx.entry.status = res.result_int();
  tx.entry.reply_bytes = n;
  log_transaction(conn, tx);
  co_return res.keep_alive() && !ec;
}

}  // namespace cuttle
