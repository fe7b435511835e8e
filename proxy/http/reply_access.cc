#include "proxy/http/reply_access.h"

#include <charconv>

namespace cuttle {
namespace {

// Squid's alwaysAllowResponse().
bool always_allowed(unsigned status) {
  return status == 100 || status == 101 || status == 102 || status == 204 || status == 304;
}

}  // namespace

ReplyFacts reply_facts(const Config& config, const boost::beast::http::response_header<>& reply) {
  ReplyFacts facts;
  facts.status = reply.result_int();
  for (const auto& name : config.acl_needs.reply_headers) {
    auto [first, last] = reply.equal_range(name);
    for (auto field = first; field != last; ++field) facts.headers.add(name, field->value());
  }
  return facts;
}

std::optional<RequestFacts> reply_check_facts(const Config& config, const RequestFacts& request,
                                              const boost::beast::http::response_header<>& reply,
                                              std::string_view hierarchy) {
  if (config.http_reply_access.empty() || always_allowed(reply.result_int())) return std::nullopt;
  RequestFacts facts = request;
  facts.reply = reply_facts(config, reply);
  facts.hierarchy = std::string(hierarchy);
  return facts;
}

AccessVerdict check_reply_access(const Config& config, const RequestFacts& request,
                                 const boost::beast::http::response_header<>& reply, std::string_view hierarchy) {
  const auto facts = reply_check_facts(config, request, reply, hierarchy);
  if (!facts) return {AccessDecision::Allow};
  auto verdict = evaluate_access(config.http_reply_access, *facts);
  if (!verdict.finished()) verdict.decision = AccessDecision::Deny;
  return verdict;
}

std::optional<uint64_t> reply_body_limit(const Config& config, const RequestFacts& request,
                                         const boost::beast::http::response_header<>& reply) {
  if (config.reply_body_max_size.empty()) return std::nullopt;
  RequestFacts facts = request;
  facts.reply = reply_facts(config, reply);
  for (const auto& line : config.reply_body_max_size)
    if (all_acls_match(line.acls, facts)) return line.bytes;
  return std::nullopt;
}

bool reply_body_too_large(const Config& config, const RequestFacts& request,
                          const boost::beast::http::response_header<>& reply, std::optional<uint64_t> limit) {
  if (!limit || always_allowed(reply.result_int())) return false;
  const auto length = reply[boost::beast::http::field::content_length];
  uint64_t announced = 0;
  const auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), announced);
  return !length.empty() && ec == std::errc() && end == length.data() + length.size() && announced > *limit;
}

}  // namespace cuttle
