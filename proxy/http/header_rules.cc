#include "proxy/http/header_rules.h"

#include "proxy/config/ascii_case.h"

#include <boost/beast/http/rfc7230.hpp>

#include <algorithm>
#include <vector>

namespace cuttle {
namespace {

constexpr std::string_view kXForwardedFor = "X-Forwarded-For";


void append_to_list(http::fields& fields, std::string_view name, std::string_view value) {
  std::string joined = joined_values(fields, name);
  if (!joined.empty()) joined += ", ";
  joined.append(value);
  fields.set(name, joined);
}

// Connection may not strip what the relay itself depends on: without its
// Content-Length a forwarded body would reach the next hop unframed (smuggling).
bool kept_despite_connection(std::string_view name) {
  return ascii_iequals(name, "close") || ascii_iequals(name, "keep-alive") || ascii_iequals(name, "Content-Length") ||
         ascii_iequals(name, "Host");
}

// squid's test: the scheme name, then the end of the value or a space.
bool offers_connection_auth(std::string_view value) {
  for (std::string_view scheme : {"NTLM", "Negotiate", "Kerberos"})
    if (value.size() >= scheme.size() && ascii_iequals(value.substr(0, scheme.size()), scheme) &&
        (value.size() == scheme.size() || value[scheme.size()] == ' '))
      return true;
  return false;
}

}  // namespace

void remove_connection_auth_challenges(http::fields& fields) {
  for (auto it = fields.begin(); it != fields.end();) {
    if (it->name() == http::field::www_authenticate && offers_connection_auth(it->value())) it = fields.erase(it);
    else ++it;
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string joined_values(const http::fields& fields, std::string_view name) {
  std::string out;
  for (auto [it, end] = fields.equal_range(name); it != end; ++it) {
    if (it->value().empty()) continue;
    if (!out.empty()) out += ", ";
    out.append(it->value());
  }
  return out;
}

void remove_hop_by_hop(http::fields& fields) {
  std::vector<std::string> named;
  for (auto it = fields.find(http::field::connection); it != fields.end() && it->name() == http::field::connection; ++it)
    for (auto token : http::token_list(it->value())) named.emplace_back(token);
  for (const auto& name : named)
    if (!kept_despite_connection(name)) fields.erase(name);
  for (auto f : {http::field::connection, http::field::keep_alive, http::field::proxy_connection, http::field::te,
                 http::field::trailer, http::field::transfer_encoding, http::field::upgrade})
    fields.erase(f);
}

std::string_view media_type(std::string_view content_type) {
  return content_type.substr(0, content_type.find_first_of("; \t"));
}

void append_via(http::fields& fields, unsigned version, std::string_view hostname, std::string_view product) {
  std::string entry = version == 10 ? "1.0 " : "1.1 ";
  entry.append(hostname).append(" (").append(product).append(")");
  append_to_list(fields, "Via", entry);
}

void apply_forwarded_for(http::fields& fields, ForwardedFor mode, std::string_view client_ip) {
  switch (mode) {
    case ForwardedFor::On: append_to_list(fields, kXForwardedFor, client_ip); break;
    case ForwardedFor::Off: append_to_list(fields, kXForwardedFor, "unknown"); break;
    case ForwardedFor::Transparent: break;
    case ForwardedFor::Delete: fields.erase(kXForwardedFor); break;
    case ForwardedFor::Truncate: fields.set(kXForwardedFor, client_ip); break;
  }
}

std::optional<FramingProblem> request_framing_problem(const http::fields& fields) {
  bool has_te = fields.count(http::field::transfer_encoding) > 0;
  auto cl_count = fields.count(http::field::content_length);
  if (has_te && cl_count > 0) return FramingProblem{"both Transfer-Encoding and Content-Length", 400};
  if (cl_count > 0) {
    std::string_view first;
    for (auto it = fields.find(http::field::content_length); it != fields.end() && it->name() == http::field::content_length;
         ++it) {
      // A list value ("5, 5") or differing repeats are refused: one length only.
      auto v = trim(it->value());
      if (v.empty() || !std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); }))
        return FramingProblem{"invalid Content-Length", 400};
      if (first.empty()) first = v;
      else if (v != first) return FramingProblem{"conflicting Content-Length values", 400};
    }
  }
  if (has_te) {
    std::vector<std::string_view> codings;
    for (auto it = fields.find(http::field::transfer_encoding);
         it != fields.end() && it->name() == http::field::transfer_encoding; ++it)
      for (auto c : http::token_list(it->value())) codings.push_back(c);
    // Only "chunked", exactly once and last, is a framing a proxy can relay safely.
    if (codings.size() != 1 || !ascii_iequals(codings.front(), "chunked")) return FramingProblem{"unsupported Transfer-Encoding", 501};
  }
  return std::nullopt;
}

bool is_safe_method(http::verb method) {
  return method == http::verb::get || method == http::verb::head || method == http::verb::options ||
         method == http::verb::trace;
}

}  // namespace cuttle
