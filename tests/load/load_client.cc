#include "tests/load/load_client.h"

#include "proxy/server/asio_types.h"

#include <random>

namespace cuttle::load {
namespace {

using Clock = std::chrono::steady_clock;

// Object sizes from 1 KiB to 1 MiB, small ones most often; 100003 is odd-sized
// and 1 MiB spans several of the store's 256 KiB chunks.
constexpr std::array<uint64_t, 5> kSizes{1024, 16 * 1024, 100'003, 256 * 1024, 1024 * 1024};
constexpr std::array<int, 5> kSizeWeights{40, 25, 15, 12, 8};
constexpr uint64_t kHotObjectsPerSize = 40;       // 200 hot objects
constexpr uint64_t kRevalidatedObjectsPerSize = 8;  // 40 "same" and 40 "changing" ones
constexpr std::array<int, static_cast<size_t>(RequestKind::Count)> kKindWeights{40, 12, 12, 12, 16, 8};
// A /changing/ reply may be this much older than the request: max-age=1, plus a
// collapsed revalidation begun before the request, plus a loaded machine.
constexpr std::chrono::seconds kVersionSlack{6};
constexpr size_t kReadPiece = 64 * 1024;
constexpr size_t kMaxReportedErrors = 20;

struct Planned {
  RequestKind kind;
  ObjectSpec spec;
  std::optional<std::pair<uint64_t, uint64_t>> range;  // first, last
  uint64_t stop_after = 0;                               // Abort: close after this many body bytes
};

class Client {
 public:
  Client(const LoadSettings& settings, const BodyPattern& pattern, LoadTally& tally, uint64_t seed)
      : settings_(settings), pattern_(pattern), tally_(tally), random_(seed) {}

  awaitable<void> run() {
    ++tally_.clients_running;
    std::optional<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
    while (Clock::now() < settings_.end) {
      if (!stream && !co_await connect(stream)) break;
      Planned plan = choose();
      bool reusable = co_await exchange(*stream, buffer, plan);
      if (plan.kind == RequestKind::Abort && reusable) {
        // Hung up mid-reply on purpose: on a new connection the same URL must now
        // come whole and intact (nothing truncated may have been kept).
        stream.reset();
        buffer.clear();
        ++tally_.reconnects;
        if (!co_await connect(stream)) break;
        plan.stop_after = 0;
        reusable = co_await exchange(*stream, buffer, plan);
      }
      if (!reusable) {
        stream.reset();
        buffer.clear();
        ++tally_.reconnects;
      }
    }
    --tally_.clients_running;
  }

 private:
  awaitable<bool> connect(std::optional<beast::tcp_stream>& stream) {
    stream.emplace(co_await asio::this_coro::executor);
    stream->expires_after(settings_.read_timeout);
    auto [ec] = co_await stream->async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), settings_.proxy_port), use_nothrow);
    if (ec) {
      stream.reset();
      tally_.error("connect to the proxy: " + ec.message());
      co_return false;
    }
    stream->socket().set_option(tcp::no_delay(true), ec);
    co_return true;
  }

  template <size_t N>
  size_t weighted(const std::array<int, N>& weights) {
    std::discrete_distribution<size_t> pick(weights.begin(), weights.end());
    return pick(random_);
  }
  uint64_t below(uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(random_); }

  // Objects of a kept set are numbered so that id % 5 is the size class and
  // (id / 5) % 2 the framing: every size comes both chunked and with a length.
  ObjectSpec kept_object(ObjectClass object_class, uint64_t per_size) {
    const size_t size_class = weighted(kSizeWeights);
    ObjectSpec spec{object_class, size_class + kSizes.size() * below(per_size), kSizes[size_class], false};
    spec.chunked = (spec.id / kSizes.size()) % 2 == 1;
    return spec;
  }

  Planned choose() {
    Planned plan{static_cast<RequestKind>(weighted(kKindWeights)), {}, std::nullopt, 0};
    switch (plan.kind) {
      case RequestKind::Hit:
        plan.spec = kept_object(ObjectClass::Hot, kHotObjectsPerSize);
        break;
      case RequestKind::Miss:
        plan.spec = kept_object(ObjectClass::Hot, 1);
        plan.spec.object_class = ObjectClass::Miss;
        plan.spec.id = tally_.next_miss_id++;
        break;
      case RequestKind::Same:
        plan.spec = kept_object(ObjectClass::Same, kRevalidatedObjectsPerSize);
        break;
      case RequestKind::Changing:
        plan.spec = kept_object(ObjectClass::Changing, kRevalidatedObjectsPerSize);
        break;
      case RequestKind::Range: {
        plan.spec = kept_object(ObjectClass::Hot, kHotObjectsPerSize);
        uint64_t first = below(plan.spec.size);
        plan.range = std::make_pair(first, first + below(plan.spec.size - first));
        break;
      }
      case RequestKind::Abort:
        // Half on objects being fetched for the first time, half on stored ones.
        plan.spec = ObjectSpec{ObjectClass::Hot, 4 + 5 * below(kHotObjectsPerSize), kSizes.back(), false};
        plan.spec.chunked = (plan.spec.id / kSizes.size()) % 2 == 1;
        if (below(2) == 0) {
          plan.spec.object_class = ObjectClass::Miss;
          plan.spec.id = tally_.next_miss_id++;
        }
        plan.stop_after = 1 + below(plan.spec.size / 2);
        break;
      case RequestKind::Count:
        break;
    }
    return plan;
  }

  std::string describe(const Planned& plan) const {
    std::string text = std::string(kind_name(plan.kind)) + " " + plan.spec.path();
    if (plan.range) text += " range " + std::to_string(plan.range->first) + "-" + std::to_string(plan.range->second);
    return text;
  }

  // One request and its reply; false when the connection must not be reused.
  awaitable<bool> exchange(beast::tcp_stream& stream, beast::flat_buffer& buffer, const Planned& plan) {
    const auto url = "http://127.0.0.1:" + std::to_string(settings_.origin_port) + plan.spec.path();
    std::string request = "GET " + url + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(settings_.origin_port) + "\r\n";
    if (plan.range)
      request += "Range: bytes=" + std::to_string(plan.range->first) + "-" + std::to_string(plan.range->second) + "\r\n";
    request += "\r\n";
    KindTally& tally = tally_.of(plan.kind);
    ++tally.sent;
    const auto sent_at = Clock::now();
    stream.expires_after(settings_.read_timeout);
    if (auto [ec, n] = co_await asio::async_write(stream, asio::buffer(request), use_nothrow); ec) {
      tally_.error(describe(plan) + ": sending the request: " + ec.message());
      co_return false;
    }

    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);
    stream.expires_after(settings_.read_timeout);
    if (auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, use_nothrow); ec) {
      tally_.error(describe(plan) + ": no reply header: " + ec.message());
      co_return false;
    }
    auto& res = parser.get();
    const unsigned status = res.result_int();
    ++tally.statuses[status];
    if (res["X-Cache"].starts_with("HIT")) ++tally.served_from_cache;

    const unsigned expected_status = plan.range ? 206 : 200;
    if (status != expected_status) {
      tally_.error(describe(plan) + ": status " + std::to_string(status) + ", expected " +
                   std::to_string(expected_status));
      co_return false;
    }
    auto version = version_of_etag(res[http::field::etag]);
    if (!version) {
      tally_.error(describe(plan) + ": no usable ETag: '" + std::string(res[http::field::etag]) + "'");
      co_return false;
    }
    if (plan.spec.object_class == ObjectClass::Changing) {
      const auto oldest = version_at(sent_at - kVersionSlack);
      const auto newest = version_at(Clock::now());
      if (*version > newest || *version < oldest) {
        tally_.error(describe(plan) + ": version " + std::to_string(*version) + " outside [" +
                     std::to_string(oldest) + ", " + std::to_string(newest) + "]: a stale copy was not revalidated");
        co_return false;
      }
      tally_.newest_changing_version = std::max(tally_.newest_changing_version, *version);
    } else if (*version != 0) {
      tally_.error(describe(plan) + ": version " + std::to_string(*version) + " of an object that never changes");
      co_return false;
    }

    uint64_t first = 0, length = plan.spec.size;
    if (plan.range) {
      first = plan.range->first;
      length = plan.range->second - first + 1;
      const std::string expected_range = "bytes " + std::to_string(first) + "-" + std::to_string(plan.range->second) +
                                         "/" + std::to_string(plan.spec.size);
      if (res[http::field::content_range] != expected_range) {
        tally_.error(describe(plan) + ": Content-Range '" + std::string(res[http::field::content_range]) +
                     "', expected '" + expected_range + "'");
        co_return false;
      }
    }
    if (parser.content_length() && *parser.content_length() != length) {
      tally_.error(describe(plan) + ": Content-Length " + std::to_string(*parser.content_length()) + ", expected " +
                   std::to_string(length));
      co_return false;
    }

    const uint64_t start = BodyPattern::start_of(plan.spec.path(), *version);
    uint64_t received = 0;
    while (!parser.is_done()) {
      res.body().data = piece_;
      res.body().size = sizeof piece_;
      stream.expires_after(settings_.read_timeout);
      auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_nothrow);
      if (ec == http::error::need_buffer) ec = {};
      const uint64_t got = sizeof piece_ - res.body().size;
      if (received + got > length) {
        tally_.error(describe(plan) + ": body longer than " + std::to_string(length) + " bytes");
        co_return false;
      }
      if (std::string_view(piece_, got) != pattern_.bytes(start, first + received, got)) {
        tally_.error(describe(plan) + ": body bytes differ from version " + std::to_string(*version) +
                     " within bytes " + std::to_string(received) + ".." + std::to_string(received + got));
        co_return false;
      }
      received += got;
      tally_.bytes_verified += got;
      if (plan.stop_after && received >= plan.stop_after && !parser.is_done()) co_return true;  // hang up now
      if (ec) {
        tally_.error(describe(plan) + ": reply cut after " + std::to_string(received) + " of " +
                     std::to_string(length) + " body bytes: " + ec.message());
        co_return false;
      }
    }
    if (received != length) {
      tally_.error(describe(plan) + ": complete reply with " + std::to_string(received) + " of " +
                   std::to_string(length) + " body bytes");
      co_return false;
    }
    ++tally.completed;
    // An Abort whose reply came whole before the hang-up point still reconnects.
    co_return parser.keep_alive() || plan.stop_after;
  }

  const LoadSettings& settings_;
  const BodyPattern& pattern_;
  LoadTally& tally_;
  std::mt19937_64 random_;
  char piece_[kReadPiece];
};

}  // namespace

std::string_view kind_name(RequestKind kind) {
  static constexpr std::string_view kNames[] = {"hit", "miss", "revalidate-304", "revalidate-changed", "range",
                                                "abort"};
  return kNames[static_cast<size_t>(kind)];
}

void LoadTally::error(std::string what) {
  ++errors;
  if (first_errors.size() < kMaxReportedErrors) first_errors.push_back(std::move(what));
}

awaitable<void> run_client(const LoadSettings& settings, const BodyPattern& pattern, LoadTally& tally, uint64_t seed) {
  auto client = std::make_unique<Client>(settings, pattern, tally, seed);
  co_await client->run();
}

}  // namespace cuttle::load
