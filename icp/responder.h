// The answering half of ICP as a pure core: one datagram in, at most one reply
// out, plus what to log and count. No sockets; the server shell feeds it.
#pragma once

#include "icp/counters.h"
#include "icp/message.h"
#include "icp/refusal_limit.h"

#include <boost/asio/ip/address.hpp>

#include <functional>
#include <span>
#include <optional>
#include <string>
#include <string_view>

namespace cuttle::icp {

enum class LookupResult { Hit, Miss, MissNoFetch };

struct ResponderHooks {
  // icp_access: may `from` ask about `url`? Unset: nobody may (Squid's default).
  std::function<bool(const boost::asio::ip::address& from, std::string_view url)> allowed;
  // What the cache holds for `url`. Unset: always MISS.
  std::function<LookupResult(std::string_view url)> lookup;
};

struct ResponderOptions {
  double refusals_per_second = 100;  // DENIED + ERR replies
  double refusal_burst = 200;
};

// What happened to one datagram, for the access log. `logged` is the reply to
// log (HIT, MISS, MISS_NOFETCH, DENIED; ERR is Squid's UDP_INVALID), nothing when
// there is nothing to log (a reply opcode, a datagram dropped unread, a
// rate-limited refusal).
struct Outcome {
  size_t reply_size = 0;       // bytes of the reply written; 0: send nothing
  std::optional<Opcode> logged;
  std::string log_url;         // the URL as answered ("-" when empty)
  bool is_reply = false;       // the datagram was a well-formed reply (for a client)
  Message message;             // decoded message; valid when is_reply
};

class Responder {
 public:
  explicit Responder(ResponderHooks hooks, ResponderOptions options = {})
      : hooks_(std::move(hooks)), limit_(options.refusals_per_second, options.refusal_burst) {}

  // `reply` must hold kMaxMessageSize bytes.
  Outcome handle(std::span<const uint8_t> datagram, const boost::asio::ip::address& from,
                 RefusalLimit::Clock::time_point now, std::span<uint8_t> reply);

  const Counters& counters() const { return counters_; }
  Counters& counters() { return counters_; }

 private:
  size_t refuse(Opcode op, const Message& query, std::string_view url, RefusalLimit::Clock::time_point now,
                std::span<uint8_t> reply);

  ResponderHooks hooks_;
  RefusalLimit limit_;
  Counters counters_;
};

// Squid answers ERR to a QUERY whose URL is empty, holds white space or control
// bytes, or is not absolute ("scheme://host...").
bool is_acceptable_query_url(std::string_view url);
// The URL as Squid echoes it in an ERR reply: bytes <= 0x20 and >= 0x7f as %XX.
std::string escape_url(std::string_view url);

}  // namespace cuttle::icp
