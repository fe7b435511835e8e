#include "proxy/server/background_refresh.h"

#include "proxy/http/header_text.h"
#include "proxy/server/cache_fill.h"
#include "proxy/server/forward_reports.h"
#include "proxy/server/upstream_request.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace cuttle {
namespace {

struct RefreshJob {
  WorkerServices& worker;
  std::shared_ptr<const ActiveConfig> active;  // keeps `pattern` alive
  std::string url;
  ForwardPlan plan;
  http::request_header<> request;
  RequestFacts facts;  // the client request's, for the same header rules and X-Forwarded-For
  StoredReply stored;
  const RefreshPattern& pattern;
  CollapsedForwarding::Lead lead;  // released when the job ends
};

// The client's GET as a conditional request of this proxy's own: the client's
// conditions, ranges and cache directives were its own business.
http::request_header<> refresh_request(const RefreshJob& job) {
  http::request_header<> req = job.request;
  req.method(http::verb::get);
  req.target(job.url);
  for (auto name : {http::field::if_match, http::field::if_unmodified_since, http::field::cache_control,
                    http::field::pragma, http::field::content_length, http::field::transfer_encoding})
    req.erase(name);
  ask_with_stored_validators(req, job.stored.header());
  return req;
}

awaitable<void> refresh(std::unique_ptr<RefreshJob> job) {
  const Config& config = *job->active->config;
  auto* store = job->worker.runtime.store();
  http::request_parser<http::empty_body> parser;
  if (!store || !parse_request_header(header_text(refresh_request(*job)), parser)) co_return;
  const auto negative_ttl = std::chrono::duration_cast<Seconds>(config.negative_ttl);
  CacheFill fill(*store, job->url, "GET", http::fields(job->request), job->pattern, negative_ttl,
                 config.cache_set_cookie);
  ForwardPlan plan = job->plan;
  plan.intercept_not_modified = true;
  plan.intercept_server_errors = true;  // keep serving what is stored until it is past its windows
  const auto request_time = Clock::now();
  auto outcome = co_await forward_request(nullptr, job->facts, parser, plan, &fill, *job->active, job->worker);
  report_hop_attempt(job->worker.runtime, plan, outcome);
  report_forwarding_result(job->worker.runtime, outcome);
  // A 304 that selects nothing (another ETag) leaves the stale copy as it is.
  if (outcome.intercepted && outcome.status == 304)
    freshen_stored_reply(*store, job->stored, *outcome.intercepted, request_time, Clock::now());
}

}  // namespace

void start_background_refresh(const asio::any_io_executor& executor, WorkerServices& worker,
                              std::shared_ptr<const ActiveConfig> active, std::string url, const ForwardPlan& plan,
                              const http::request_header<>& request, RequestFacts facts, StoredReply stored,
                              const RefreshPattern& pattern) {
  auto lead = worker.runtime.collapsed().try_lead("refresh\n" + url);
  if (!lead) return;  // one is already under way
  auto job = std::unique_ptr<RefreshJob>(new RefreshJob{worker, std::move(active), std::move(url), plan, request,
                                                        std::move(facts), std::move(stored), pattern,
                                                        std::move(*lead)});
  asio::co_spawn(executor, refresh(std::move(job)), asio::detached);
}

}  // namespace cuttle
