#include "proxy/config/acl/number_acls.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <stdexcept>

namespace cuttle {
namespace {

std::optional<uint32_t> parse_number(std::string_view s, uint32_t max) {
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v > max) return std::nullopt;
  return v;
}

// Squid reads http_status with atoi: "N", "N-M", and "N-" for N and above.
NumberRange parse_status_range(std::string_view value) {
  auto dash = value.find('-');
  auto first = parse_number(value.substr(0, dash), 999);
  std::optional<uint32_t> last = first;
  if (dash != std::string_view::npos)
    last = dash + 1 == value.size() ? std::optional<uint32_t>(999) : parse_number(value.substr(dash + 1), 999);
  // Squid's atoi turns junk into 0, a status no reply has; refused here, as a typo.
  if (!first || !last || *last < *first) throw std::invalid_argument("bad HTTP status '" + std::string(value) + "'");
  return {*first, *last};
}

}  // namespace

NumberRange parse_port_range(std::string_view value) {
  auto dash = value.find('-');
  auto first = parse_number(value.substr(0, dash), 65535);
  auto last = dash == std::string_view::npos ? first : parse_number(value.substr(dash + 1), 65535);
  if (!first || !last) throw std::invalid_argument("bad port '" + std::string(value) + "'");
  if (*last < *first) throw std::invalid_argument("bad port range '" + std::string(value) + "'");
  return {*first, *last};
}

void NumberAcl::parse(const AclLine& line) {
  for (const auto& value : line.values)
    ranges_.push_back(subject_ == Subject::ReplyStatus ? parse_status_range(value) : parse_port_range(value));
}

AclMatch NumberAcl::match(const RequestFacts& f) const {
  uint32_t n = 0;
  switch (subject_) {
    case Subject::Port: n = f.port; break;
    case Subject::LocalPort: n = f.connection.local_port; break;
    case Subject::ReplyStatus:
      if (!f.reply) return AclMatch::No;  // Squid: "used in context without an HTTP response"
      n = f.reply->status;
      break;
  }
  const bool in = std::any_of(ranges_.begin(), ranges_.end(), [&](const NumberRange& r) { return r.contains(n); });
  return in ? AclMatch::Yes : AclMatch::No;
}

void MaxConnAcl::parse(const AclLine& line) {
  // Squid reads only the first value of a line; a later line replaces the limit.
  const auto limit = line.values.empty() ? std::nullopt : parse_number(line.values.front(), UINT32_MAX);
  if (!limit || *limit == 0) throw std::invalid_argument("maxconn needs a number of connections above 0");
  limit_ = *limit;
}

AclMatch MaxConnAcl::match(const RequestFacts& f) const {
  return f.connection.client_connections > limit_ ? AclMatch::Yes : AclMatch::No;
}

}  // namespace cuttle
