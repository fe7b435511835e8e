// The cache manager's reports (squidclient mgr:info and the like), asked as
// cache_object://host/action or http://host:port/squid-internal-mgr/action.
#include "proxy/http/header_rules.h"
#include "proxy/http/header_text.h"
#include "proxy/http/http_date.h"
#include "proxy/http/request_target.h"
#include "proxy/server/cache_manager.h"
#include "proxy/server/cache_manager_password.h"
#include "proxy/server/own_replies.h"
#include "proxy/server/steps/access_check.h"
#include "proxy/server/steps/acl_facts.h"
#include "proxy/server/steps/steps.h"

#include <iostream>
#include <thread>

namespace cuttle {
namespace {

HelperFigures helper_figures(ClientConnection& conn, const std::string& counters_name, const HelperProgram& program,
                             unsigned workers) {
  const auto& counters = conn.runtime().metrics().helpers().counters(counters_name);
  HelperFigures h;
  h.program = program.argv.at(0);
  h.max_processes = program.children.max * workers;
  h.requests = counters.requests, h.replies = counters.replies, h.timeouts = counters.timeouts;
  h.running = counters.running, h.queued = counters.queued;
  return h;
}

// Squid's helper actions, for the helpers configured.
void add_helper_figures(ClientConnection& conn, const Config& config, ManagerFigures& figures) {
  const auto workers = static_cast<unsigned>(figures.workers);
  // `pool`: the name the worker's helper pool counts under (worker_helpers.cc).
  auto add = [&](const char* action, const char* pool, const HelperProgram& program, const char* title,
                 const char* heading) {
    if (program.argv.empty()) return;
    auto h = helper_figures(conn, pool, program, workers);
    h.action = action, h.title = title, h.heading = heading;
    figures.helpers.push_back(std::move(h));
  };
  if (config.auth.basic)
    add("basicauthenticator", "basicauthenticator", config.auth.basic->program, "Basic Authenticator Statistics", "");
  if (config.auth.digest)
    add("digestauthenticator", "digestauthenticator", config.auth.digest->program, "Digest User Authenticator Stats",
        "Digest Authenticator Statistics");
  if (config.auth.ntlm)
    add("ntlmauthenticator", "ntlmauthenticator", config.auth.ntlm->program, "NTLM User Authenticator Stats",
        "NTLM Authenticator Statistics");
  if (config.auth.negotiate)
    add("negotiateauthenticator", "negotiateauthenticator", config.auth.negotiate->program,
        "Negotiate User Authenticator Stats", "Negotiate Authenticator Statistics");
  if (config.url_rewrite)
    add("url_rewriter", "redirector", config.url_rewrite->program, "URL Rewriter Stats", "Redirector Statistics");
  if (config.store_id)
    add("store_id", "store_id", config.store_id->program, "StoreId helper Stats", "Store ID Statistics");
  auto& helpers = conn.services.helpers;
  helpers.use(conn.runtime().active()->config);
  for (const auto& type : config.acls.external_types()) {
    const auto* helper = helpers.external_acl(*type);
    figures.external_acls.push_back({type->name, helper ? helper->remembered() : 0,
                                     helper_figures(conn, "external_acl_type:" + type->name, type->program, workers)});
  }
}

ManagerFigures figures_for(ClientConnection& conn, const ActiveConfig& active) {
  const Config& config = *active.config;
  ManagerFigures figures;
  figures.version = CUTTLE_VERSION_STRING;
  figures.start_time = conn.runtime().start_time();
  figures.now = std::chrono::system_clock::now();
  figures.totals = conn.runtime().metrics().totals();
  if (auto* store = conn.runtime().store()) figures.store = store->stats();
  figures.workers = config.workers > 0 ? config.workers : static_cast<int>(std::thread::hardware_concurrency());
  figures.passwords = &config.cachemgr_passwd;
  figures.ipcache = conn.runtime().addresses().snapshot(dns::Clock::now());
  add_helper_figures(conn, config, figures);
  figures.delay_pools = active.delay_pools->report(std::chrono::steady_clock::now());
  return figures;
}

http::response<http::string_body> report_response(const std::string& report, std::chrono::system_clock::time_point now,
                                                  std::string_view product) {
  http::response<http::string_body> res{http::status::ok, 11};
  res.set(http::field::server, product);
  res.set(http::field::date, http_date(now));
  res.set(http::field::content_type, "text/plain");
  res.set(http::field::cache_control, "no-store");
  res.body() = report;
  res.prepare_payload();
  return res;
}

awaitable<bool> serve_cache_manager(ClientConnection& conn, const ManagerRequest& manager, Transaction& tx) {
  const Config& config = tx.config();
  const std::string& action = manager.action;
  const bool keep_alive = tx.reusable_after_own_reply();
  if (!manager.url) co_return co_await reply_error(conn, ErrorKind::InvalidUrl, tx, keep_alive);
  tx.entry.url = manager.url->url();  // a relative URL is logged as this proxy's, as by Squid
  tx.facts = transaction_facts(conn, tx, *manager.url);
  read_credentials(conn, tx);
  const auto verdict = co_await check_slow(conn, tx, config.http_access);
  if (verdict.decision == AccessDecision::Deny)
    co_return co_await reply_denied(conn, tx, verdict, "the cache manager is not for this client");
  // Squid logs what it answers itself, errors included, as TCP_MISS.
  tx.entry.result = ResultCode::TcpMiss;
  // Squid takes a Basic Authorization's password over the URL's.
  auto supplied = basic_auth_password(tx.request()[http::field::authorization]);
  if (!supplied) supplied = manager.password;
  const auto access = check_cachemgr_password(config.cachemgr_passwd, action, supplied);
  const auto figures = figures_for(conn, *tx.active);
  if (!cache_manager_action_exists(action, figures) || access == ManagerAccess::Disabled)
    co_return co_await reply_error(conn, ErrorKind::CacheMgrActionUnavailable, tx, keep_alive,
                                   "no cache manager action '" + action + "' is available");
  if (access == ManagerAccess::Unauthorized) {
    std::cerr << "cuttle: CacheManager: " << conn.client_ip << ": "
              << (supplied && !supplied->empty() ? "incorrect password" : "password needed") << " for '" << action
              << "'" << std::endl;
    co_return co_await reply_error(conn, ErrorKind::CacheMgrAccessDenied, tx, keep_alive, action);
  }
  auto res =
      report_response(cache_manager_report(action, figures).value_or(""), figures.now, tx.active->product());
  co_return co_await send_own_reply(conn, res, tx, keep_alive);
}

}  // namespace

awaitable<StepResult> answer_cache_manager(ClientConnection& conn, Transaction& tx) {
  // In a bumped tunnel /squid-internal-mgr/ is the site's path, as squid forwards it.
  if (conn.bumped) co_return kNextStep;
  // This proxy's URLs name its first forward http_port (Squid's getMyPort).
  const uint16_t own_port = tx.active->forward_port.value_or(conn.port.port);
  auto manager = parse_cache_manager_target(tx.request().target(), tx.active->hostname, own_port);
  if (!manager) co_return kNextStep;
  co_return co_await serve_cache_manager(conn, *manager, tx);
}

}  // namespace cuttle
