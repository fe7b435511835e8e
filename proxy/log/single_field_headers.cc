#include "proxy/log/single_field_headers.h"

#include <strings.h>

#include <algorithm>
#include <iterator>

namespace cuttle {
namespace {

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

bool squid_single_field_header(std::string_view name) {
  return std::any_of(std::begin(kSingleFieldHeaders), std::end(kSingleFieldHeaders), [&](std::string_view known) {
    return known.size() == name.size() && strncasecmp(known.data(), name.data(), name.size()) == 0;
  });
}

}  // namespace cuttle
