#include "carp/uri.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace cuttle::carp {

namespace {

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Squid reads the port with atoi(): leading digits count, "080" is 80, and
// anything unparseable is 0 (then rejected).
int atoi_port(std::string_view digits) {
  long value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') break;
    value = value * 10 + (c - '0');
    if (value > 65536) return -1;
  }
  return static_cast<int>(value);
}

void drop_trailing_dots(std::string& host) {
  while (!host.empty() && host.back() == '.') host.pop_back();
}

bool valid_host(const std::string& host) {
  return !host.empty() && host.front() != '.' && host.find("..") == std::string::npos;
}

// Splits "host[:port]" / "[v6]:port" into host and the port text after ':'.
// Squid takes the port after the last ':' only when there is exactly one ':'
// (an unbracketed IPv6 literal has no port).
void split_host_port(std::string_view authority, std::string& host, std::optional<std::string_view>& port) {
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    host = std::string(authority.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
    if (close != std::string_view::npos) {
      auto colon = authority.find(':', close);
      if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    }
    return;
  }
  auto first = authority.find(':');
  auto last = authority.rfind(':');
  if (first != std::string_view::npos && first == last) {
    host = std::string(authority.substr(0, first));
    port = authority.substr(first + 1);
  } else {
    host = std::string(authority);
  }
}

std::string bracketed(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

uint16_t default_port(std::string_view scheme) {
  if (scheme == "http") return 80;
  if (scheme == "https") return 443;
  if (scheme == "ftp") return 21;
  return 0;
}

std::string Uri::effective() const {
  if (scheme.empty()) return bracketed(host) + ":" + std::to_string(port);
  std::string out = scheme + "://" + bracketed(host);
  if (port != default_port(scheme)) out += ":" + std::to_string(port);
  out += path.empty() ? "/" : path;
  return out;
}

std::optional<Uri> parse_uri(std::string_view text) {
  Uri uri;
  auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    // CONNECT's authority form: the port is required.
    std::optional<std::string_view> port;
    split_host_port(text, uri.host, port);
    uri.host = lowercase(uri.host);
    drop_trailing_dots(uri.host);
    if (!port || !valid_host(uri.host)) return std::nullopt;
    int p = atoi_port(*port);
    if (p < 1 || p > 65535) return std::nullopt;
    uri.port = static_cast<uint16_t>(p);
    return uri;
  }

  uri.scheme = lowercase(text.substr(0, scheme_end));
  if (uri.scheme.empty() || !std::isalpha(static_cast<unsigned char>(uri.scheme.front()))) return std::nullopt;
  auto rest = text.substr(scheme_end + 3);
  // The authority ends at the first '/', '?', '#' or whitespace; no '/' means path "/".
  auto authority_end = std::min(rest.find_first_of("/?# \t\r\n"), rest.size());
  auto authority = rest.substr(0, authority_end);
  auto path = rest.substr(authority_end);
  // The path runs to the end of the line (Squid keeps a '#' fragment; browsers never send one).
  path = path.substr(0, std::min(path.find_first_of("\r\n"), path.size()));
  uri.path = (!path.empty() && path.front() == '/') ? std::string(path) : "/" + std::string(path);

  // User info ("user:pass@") is not part of an http(s) effective URI.
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority = authority.substr(at + 1);
  std::optional<std::string_view> port;
  split_host_port(authority, uri.host, port);
  uri.host = lowercase(uri.host);
  drop_trailing_dots(uri.host);
  if (!valid_host(uri.host)) return std::nullopt;
  int p = port ? atoi_port(*port) : default_port(uri.scheme);
  if (p < 1 || p > 65535) return std::nullopt;
  uri.port = static_cast<uint16_t>(p);
  return uri;
}

std::optional<KeyParts> parse_key_parts(std::string_view text) {
  KeyParts parts;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (item.starts_with("scheme")) parts.scheme = true;
    else if (item.starts_with("host")) parts.host = true;
    else if (item.starts_with("port")) parts.port = true;
    else if (item.starts_with("path")) parts.path = true;
    else if (item.starts_with("params")) parts.params = true;
    else return std::nullopt;
  }
  if (!parts.any()) return std::nullopt;
  return parts;
}

std::string hash_key(const Uri& uri, const KeyParts& parts) {
  std::string key;
  if (parts.any()) {
    auto query = uri.path.find('?');
    if (parts.scheme && !uri.scheme.empty()) key += uri.scheme + "://";
    if (parts.host) key += bracketed(uri.host);
    if (parts.port) key += ":" + std::to_string(uri.port);
    if (parts.path) key += uri.path.substr(0, query);
    if (parts.params && query != std::string::npos) key += uri.path.substr(query);
  }
  // Squid falls back to the whole URI when the selected parts are all empty.
  return key.empty() ? uri.effective() : key;
}

}  // namespace cuttle::carp
