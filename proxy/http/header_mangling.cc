#include "proxy/http/header_mangling.h"

#include "proxy/http/header_additions.h"
#include "proxy/http/reply_access.h"

#include <boost/beast/core/string.hpp>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <string>
#include <vector>

namespace cuttle {
namespace {

// Squid 5.7's registered header names (src/http/RegisteredHeadersHash.gperf).
constexpr std::string_view kSquidKnownHeaders[] = {
    "Accept", "Accept-Charset", "Accept-Encoding", "Accept-Language", "Accept-Ranges", "Age", "Allow",
    "Alternate-Protocol", "Authentication-Info", "Authorization", "Cache-Control", "CDN-Loop", "Connection",
    "Content-Base", "Content-Disposition", "Content-Encoding", "Content-Language", "Content-Length",
    "Content-Location", "Content-MD5", "Content-Range", "Content-Type", "Cookie", "Cookie2", "Date", "ETag",
    "Expect", "Expires", "Forwarded", "From", "Host", "HTTP2-Settings", "If-Match", "If-Modified-Since",
    "If-None-Match", "If-Range", "If-Unmodified-Since", "Keep-Alive", "Key", "Last-Modified", "Link", "Location",
    "Max-Forwards", "Mime-Version", "Negotiate", "Origin", "Pragma", "Proxy-Authenticate",
    "Proxy-Authentication-Info", "Proxy-Authorization", "Proxy-Connection", "Proxy-support", "Public", "Range",
    "Referer", "Request-Range", "Retry-After", "Server", "Set-Cookie", "Set-Cookie2", "TE", "Title", "Trailer",
    "Transfer-Encoding", "Translate", "Unless-Modified-Since", "Upgrade", "User-Agent", "Vary", "Via", "Warning",
    "WWW-Authenticate", "X-Cache", "X-Cache-Lookup", "X-Forwarded-For", "X-Request-URI", "X-Squid-Error",
    "X-Accelerator-Vary", "X-Next-Services", "Surrogate-Capability", "Surrogate-Control", "Front-End-Https",
    "FTP-Command", "FTP-Arguments", "FTP-Pre", "FTP-Status", "FTP-Reason",
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Squid's HeaderManglers::find: the rules that decide `name`, or nothing (keep it).
const HeaderMangler* mangler_for(std::string_view name, const HeaderManglers& manglers) {
  const bool known = is_squid_known_header(name);
  if (auto it = manglers.named.empty() ? manglers.named.end() : manglers.named.find(lower(name));
      it != manglers.named.end()) {
    // A custom header's own entry decides even with only a replacement (and so
    // keeps the field); a known header's only when it has rules.
    if (!known || !it->second.access.empty()) return &it->second;
  }
  if (!known && !manglers.other.access.empty()) return &manglers.other;
  if (!manglers.all.access.empty()) return &manglers.all;
  return nullptr;
}

}  // namespace

bool is_squid_known_header(std::string_view name) {
  return std::any_of(std::begin(kSquidKnownHeaders), std::end(kSquidKnownHeaders),
                     [&](std::string_view known) { return boost::beast::iequals(known, name); });
}

void mangle_headers(http::fields& fields, const HeaderManglers& manglers, const RequestFacts& facts) {
  if (manglers.empty()) return;
  // Decided first, so a request the rules leave alone costs no copy.
  std::vector<const HeaderMangler*> denied;  // per field: its mangler when denied, else nullptr
  bool changed = false;
  for (const auto& field : fields) {
    const auto name = field.name_string();
    const HeaderMangler* mangler = mangler_for({name.data(), name.size()}, manglers);
    const bool deny =
        mangler && !mangler->access.empty() && check_access(mangler->access, facts) == AccessDecision::Deny;
    denied.push_back(deny ? mangler : nullptr);
    changed = changed || deny;
  }
  if (!changed) return;
  // Rebuilt in the original order, so repeated and replaced fields keep their places.
  std::vector<std::pair<std::string, std::string>> kept;
  size_t i = 0;
  for (const auto& field : fields) {
    const HeaderMangler* mangler = denied[i++];
    if (!mangler) kept.emplace_back(std::string(field.name_string()), std::string(field.value()));
    else if (mangler->replacement) kept.emplace_back(std::string(field.name_string()), *mangler->replacement);
  }
  for (auto it = fields.begin(); it != fields.end();) it = fields.erase(it);
  for (const auto& [name, value] : kept) fields.insert(name, value);
}

void mangle_reply_headers(http::response_header<>& reply, const Config& config, const RequestFacts& request,
                          const AccessLogEntry* entry) {
  if (config.reply_header_manglers.empty() && config.reply_header_additions.empty()) return;
  RequestFacts facts = request;
  facts.reply = reply_facts(config, reply);
  // The framing fields stay as this proxy sets them: a rule removing them would
  // leave the client unable to tell where the body ends.
  const auto length = reply[http::field::content_length], coding = reply[http::field::transfer_encoding];
  const std::string kept_length(length), kept_coding(coding);
  mangle_headers(reply, config.reply_header_manglers, facts);
  if (!kept_length.empty()) reply.set(http::field::content_length, kept_length);
  if (!kept_coding.empty()) reply.set(http::field::transfer_encoding, kept_coding);
  // After the rules, as Squid's httpHdrMangleList.
  add_header_fields(reply, config.reply_header_additions, facts, entry);
}

}  // namespace cuttle
