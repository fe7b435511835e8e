// The string CARP hashes for a request: Squid's effective request URI, or the
// parts a `carp-key=` option selects. The parser here follows Squid's URL parser
// (src/anyp/Uri.cc) where it changes bytes that reach the hash: scheme and host
// lowercased, trailing dots dropped from the host, user info dropped, the
// scheme's default port left out, an empty path made "/".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cuttle::carp {

// Shaped like proxy/http RequestTarget so the caller can copy one into the other.
struct Uri {
  std::string scheme;  // lowercase; empty for CONNECT's "host:port"
  std::string host;    // lowercase; IPv6 literals without brackets
  uint16_t port = 0;
  std::string path;    // "/path?query" (at least "/"); empty for CONNECT

  // "http://host[:port]/path?query" (default port left out), or "host:port" for
  // CONNECT: Squid's HttpRequest::effectiveRequestUri().
  std::string effective() const;
};

uint16_t default_port(std::string_view scheme);  // http 80, https 443, ftp 21; else 0

// "http://Example.COM:80/a?b" -> {http, example.com, 80, /a?b}; "host:443" ->
// the CONNECT form. nullopt where Squid would reject the URL (no host, bad port).
std::optional<Uri> parse_uri(std::string_view text);

// Which URL parts a member hashes (`cache_peer ... carp-key=host,path`). None
// selected (the default): the whole effective request URI.
struct KeyParts {
  bool scheme = false;
  bool host = false;
  bool port = false;
  bool path = false;    // the path without the query
  bool params = false;  // "?query", with its "?"

  bool any() const { return scheme || host || port || path || params; }
  bool operator==(const KeyParts&) const = default;
};

// Parses the value of `carp-key=` ("scheme,host,port,path,params", any subset, in
// any order); nullopt names no known part. Squid compares each item's first
// letters only (strncmp), so "hostname" counts as "host"; so does this.
std::optional<KeyParts> parse_key_parts(std::string_view text);

// What a member with these parts hashes, as Squid's carpSelectParent() builds it:
// "scheme://" + host + ":port" (always numeric, even the default) + path + "?query".
// An empty result (e.g. only `params` and no query) falls back to effective().
std::string hash_key(const Uri& uri, const KeyParts& parts);

}  // namespace cuttle::carp
