#include "proxy/config/acl/regex_acls.h"

#include "proxy/config/acl/domain_acl.h"
#include "proxy/config/ascii_case.h"
#include "proxy/config/default_port.h"

#include <algorithm>

namespace cuttle {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

}  // namespace

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 1 < s.size() && s[i + 1] == '%') {
      out += '%';
      ++i;
      continue;
    }
    int hi = s[i] == '%' && i + 2 < s.size() ? hex_digit(s[i + 1]) : -1;
    int lo = hi >= 0 ? hex_digit(s[i + 2]) : -1;
    if (lo >= 0 && (hi | lo) != 0) {  // like Squid, %00 stays as written
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string acl_url(const RequestFacts& f) {
  std::string host = f.host.find(':') != std::string::npos ? "[" + f.host + "]" : f.host;
  if (f.method == "CONNECT") return host + ":" + std::to_string(f.port);
  std::string scheme = ascii_lowercase(f.scheme);
  std::string url = scheme + "://" + host;
  if (f.port != default_port(scheme)) url += ":" + std::to_string(f.port);
  return url + f.path;
}

std::vector<std::string_view> RegexAcl::options() const {
  if (subject_ == Subject::Host) return {"-n"};  // no reverse lookups: cuttle never makes them
  return {};
}

void RegexAcl::add_needs(AclNeeds& needs) const {
  switch (subject_) {
    case Subject::ClientName: needs.client_name = true; break;
    case Subject::UserAgent: needs.request_headers.insert("user-agent"); break;
    case Subject::Referer: needs.request_headers.insert("referer"); break;
    case Subject::RequestContentType: needs.request_headers.insert("content-type"); break;
    case Subject::ReplyContentType: needs.reply_headers.insert("content-type"); break;
    default: break;
  }
}

std::optional<std::string> RegexAcl::subject_text(const RequestFacts& f) const {
  switch (subject_) {
    case Subject::Url: return percent_decode(acl_url(f));
    case Subject::UrlPath: return percent_decode(f.path);
    case Subject::Host: return f.host;
    case Subject::ClientName: return client_name_or_none(f);
    case Subject::UserAgent: return f.headers.first("user-agent");
    case Subject::Referer: return f.headers.first("referer");
    // Squid matches a missing Content-Type as "".
    case Subject::RequestContentType: return f.headers.first("content-type").value_or("");
    case Subject::ReplyContentType:
      if (!f.reply) return std::nullopt;  // Squid: "used in context without an HTTP response", no match
      return f.reply->headers.first("content-type").value_or("");
  }
  return std::nullopt;
}

AclMatch RegexAcl::match(const RequestFacts& facts) const {
  const auto text = subject_text(facts);
  return text && patterns_.search(*text) ? AclMatch::Yes : AclMatch::No;
}

}  // namespace cuttle
