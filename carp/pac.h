// PAC/WPAD script generation: JavaScript whose FindProxyForURL(url, host) picks
// the same CARP member order as Array::select, so browsers go straight to the
// member that owns a URL (and fail over in the same order).
//
// Served as http://<proxy>:3128/proxy.pac and /wpad.dat with content type
// kPacContentType. The script is plain ES3 (no let, arrow functions or
// Math.imul required), since some PAC engines are old.
//
// What the script hashes: browsers pass FindProxyForURL the full URL (Chrome and
// Firefox strip the path and query of https:// URLs). The script canonicalizes it
// as carp::parse_uri does — scheme and host lowercased (ASCII only), trailing
// dots and user info dropped, the default port (http 80, https 443, ftp 21)
// left out, an empty path made "/" — and hashes the UTF-8 bytes, so for ordinary
// http URLs it hashes exactly what Squid and cuttle hash for the request. Known
// differences: browsers may hand over IDN hosts as Unicode where the proxy sees
// punycode, and IPv6 literals are not rewritten to one canonical spelling.
// https URLs reach the proxy as CONNECT host:443, which hashes differently; the
// script hashes the URL it is given (both choices are stable per site).
#pragma once

#include "carp/array.h"

#include <string>
#include <string_view>
#include <vector>

namespace cuttle::carp {

inline constexpr std::string_view kPacContentType = "application/x-ns-proxy-autoconfig";

struct PacOptions {
  // Hosts reached DIRECT, written as in a Squid dstdomain ACL: ".example.com" is
  // example.com and every subdomain, "example.com" only that host.
  std::vector<std::string> direct_domains;
  bool direct_for_plain_hostnames = true;  // isPlainHostName(host): intranet names
  bool direct_when_all_fail = true;        // end the list with "DIRECT"
};

// "function FindProxyForURL(url, host) {...}" returning
// "PROXY h1:p1; PROXY h2:p2; ...; DIRECT" in Array::select(url) order.
std::string pac_script(const Array& array, const PacOptions& options = {});

}  // namespace cuttle::carp
