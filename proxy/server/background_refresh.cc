#include "proxy/server/background_refresh.h"

#include "proxy/http/header_rules.h"
#include "proxy/server/cache_fill.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>


namespace cuttle {
namespace {

struct RefreshJob {
  WorkerServices& worker;
  std::shared_ptr<const ActiveConfig> active;  // keeps `pattern` alive
  std::string url;
  UpstreamSpec upstream;
  std::string request_target, host_header;
  http::fields request;
  StoredReply stored;
  const RefreshPattern& pattern;
  CollapsedForwarding::Lead lead;  // released when the job ends
};

template <class Stream>
awaitable<void> exchange(Stream& stream, UpstreamConnection& conn, RefreshJob& job,
                         http::request<http::empty_body>& req, bool& reusable) {
  const Config& config = *job.active->config;
  auto& tcp = beast::get_lowest_layer(stream);
  tcp.expires_after(config.read_timeout);
  const auto request_time = Clock::now();
  auto [wec, wn] = co_await http::async_write(stream, req, use_nothrow);
  if (wec) co_return;
  http::response_parser<http::buffer_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(std::min<uint64_t>(config.reply_header_max_size, UINT32_MAX)));
  parser.body_limit(boost::none);
  tcp.expires_after(config.read_timeout);
  auto [hec, hn] = co_await http::async_read_header(stream, conn.buffer, parser, use_nothrow);
  if (hec) co_return;
  auto& res = parser.get();
  const bool keep_alive = res.keep_alive() && !parser.need_eof();
  remove_hop_by_hop(res);
  const auto negative_ttl = std::chrono::duration_cast<Seconds>(config.negative_ttl);
  auto* store = job.worker.runtime.store();
  if (res.result_int() == 304) {
    freshen_stored_reply(*store, job.stored, res.base(), request_time, Clock::now());
    reusable = keep_alive && parser.is_done();
    co_return;
  }
  if (res.result_int() >= 500) co_return;  // keep serving what is stored until it is past its windows
  CacheFill fill(*store, job.url, "GET", job.request, job.pattern, config.maximum_object_size, negative_ttl);
  std::optional<uint64_t> length;
  if (parser.content_length()) length = *parser.content_length();
  if (!fill.start(res.base(), length)) co_return;
  std::vector<char> buf(RelayBufferPool::kBufferSize);
  while (!parser.is_done()) {
    res.body().data = buf.data();
    res.body().size = buf.size();
    tcp.expires_after(config.read_timeout);
    auto [ec, n] = co_await http::async_read_some(stream, conn.buffer, parser, use_nothrow);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) co_return;  // a partial body is abandoned with the fill
    size_t got = buf.size() - res.body().size;
    if (got) fill.append({buf.data(), got});
  }
  fill.finish();
  reusable = keep_alive;
}

awaitable<void> refresh(std::unique_ptr<RefreshJob> job) {
  const Config& config = *job->active->config;
  http::request<http::empty_body> req{http::verb::get, job->request_target, 11};
  for (const auto& f : job->request) req.insert(f.name_string(), f.value());
  remove_hop_by_hop(req);
  for (auto name : {http::field::proxy_authorization, http::field::if_none_match, http::field::if_modified_since,
                    http::field::if_range, http::field::range, http::field::if_match,
                    http::field::if_unmodified_since, http::field::cache_control, http::field::pragma})
    req.erase(name);
  req.set(http::field::host, job->host_header);
  if (auto etag = job->stored.header()[http::field::etag]; !etag.empty()) req.set(http::field::if_none_match, etag);
  if (auto modified = job->stored.header()[http::field::last_modified]; !modified.empty())
    req.set(http::field::if_modified_since, modified);
  if (config.via) append_via(req, 11, job->active->hostname);
  req.keep_alive(true);

  auto& worker = job->worker;
  auto conn = worker.pool.take(job->upstream.key(), /*check_alive=*/true);
  if (!conn) {
    auto connected = co_await connect_upstream(job->upstream, config, worker.resolver, worker.runtime.tls());
    if (connected.error) co_return;
    conn = std::move(connected.connection);
  }
  bool reusable = false;
  co_await std::visit([&](auto& s) { return exchange(s, *conn, *job, req, reusable); }, conn->stream);
  if (reusable) worker.pool.give_back(std::move(conn));
}

}  // namespace

void start_background_refresh(const asio::any_io_executor& executor, WorkerServices& worker,
                              std::shared_ptr<const ActiveConfig> active, std::string url, const ForwardPlan& plan,
                              http::fields request, StoredReply stored, const RefreshPattern& pattern) {
  auto lead = worker.runtime.collapsed().try_lead("refresh\n" + url);
  if (!lead) return;  // one is already under way
  auto job = std::unique_ptr<RefreshJob>(new RefreshJob{worker, std::move(active), std::move(url), plan.upstream,
                                                        plan.request_target, plan.host_header, std::move(request),
                                                        std::move(stored), pattern, std::move(*lead)});
  asio::co_spawn(executor, refresh(std::move(job)), asio::detached);
}

}  // namespace cuttle
