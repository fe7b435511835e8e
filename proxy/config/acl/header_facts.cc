#include "proxy/config/acl/header_facts.h"

#include "proxy/config/ascii_case.h"

#include <boost/beast/core/string.hpp>

#include <algorithm>
#include <iterator>
#include <cctype>

namespace cuttle {
namespace {

// Squid 5.7's registered headers that are not lists (src/http/RegisteredHeadersHash.gperf):
// for these it looks at the first field only. Every other header, known list or
// unknown, has its fields joined.
constexpr std::string_view kSingleFieldHeaders[] = {
    "age", "alternate-protocol", "authorization", "content-base", "content-disposition", "content-length",
    "content-location", "content-md5", "content-range", "content-type", "cookie", "cookie2", "date", "etag",
    "expires", "from", "host", "http2-settings", "if-modified-since", "if-range", "if-unmodified-since",
    "keep-alive", "last-modified", "location", "max-forwards", "mime-version", "negotiate", "origin",
    "proxy-authenticate", "proxy-authorization", "public", "range", "referer", "request-range", "retry-after",
    "server", "set-cookie", "set-cookie2", "te", "title", "trailer", "translate", "unless-modified-since",
    "user-agent", "x-cache", "x-cache-lookup", "x-request-uri", "x-squid-error", "front-end-https",
    "ftp-command", "ftp-arguments", "ftp-pre", "ftp-status", "ftp-reason"};

}  // namespace

void HeaderFacts::add(std::string_view name, std::string_view value) {
  const auto lower = ascii_lowercase(name);
  auto it = std::find_if(fields_.begin(), fields_.end(), [&](const Field& f) { return f.name == lower; });
  if (it == fields_.end()) it = fields_.insert(fields_.end(), Field{lower, {}});
  it->values.emplace_back(value);
}

const std::vector<std::string>* HeaderFacts::values(std::string_view name) const {
  auto it = std::find_if(fields_.begin(), fields_.end(),
                         [&](const Field& f) { return boost::beast::iequals(f.name, name); });
  return it == fields_.end() ? nullptr : &it->values;
}

std::optional<std::string> HeaderFacts::first(std::string_view name) const {
  const auto* all = values(name);
  if (!all) return std::nullopt;
  return all->front();
}

std::optional<std::string> HeaderFacts::squid_value(std::string_view name) const {
  const auto* all = values(name);
  if (!all) return std::nullopt;
  if (std::any_of(std::begin(kSingleFieldHeaders), std::end(kSingleFieldHeaders),
                  [&](std::string_view known) { return boost::beast::iequals(known, name); }))
    return all->front();
  std::string joined;
  for (const auto& v : *all) {
    if (!joined.empty()) joined += ", ";  // as Squid's strListAdd: no separator after nothing
    joined += v;
  }
  return joined;
}

}  // namespace cuttle
