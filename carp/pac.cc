#include "carp/pac.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace cuttle::carp {

namespace {

std::string js_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// The shortest decimal that reads back as the same double, so the script
// multiplies by exactly the multiplier C++ uses (JS cannot recompute Squid's
// pow() results bit for bit: its Math.pow is not glibc's).
std::string js_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

std::string js_key_parts(const KeyParts& k) {
  std::string out = "\"";
  if (k.scheme) out += "s";
  if (k.host) out += "h";
  if (k.port) out += "o";
  if (k.path) out += "p";
  if (k.params) out += "q";
  return out + "\"";
}

std::string proxy_of(const Member& m) {
  bool v6 = m.host.find(':') != std::string::npos;
  return "PROXY " + (v6 ? "[" + m.host + "]" : m.host) + ":" + std::to_string(m.http_port);
}

// The fixed part: parsing, hashing and ranking, mirroring uri.cc, hash.h and
// Array::select. Names start with "carp" to stay clear of the PAC environment's.
constexpr std::string_view kFunctions = R"JS(
function carpRotl(x, n) { return ((x << n) | (x >>> (32 - n))) >>> 0; }

// 32-bit multiply modulo 2^32 (Math.imul where the engine has it).
var carpImul = Math.imul || function (a, b) {
  var al = a & 0xffff, ah = (a >>> 16) & 0xffff;
  return ((al * b) + (((ah * b) & 0xffff) << 16)) | 0;
};

// Squid adds each byte as a signed char: bytes above 127 count as byte - 256.
function carpAddByte(h, b) { return (h + carpRotl(h, 19) + (b > 127 ? b - 256 : b)) >>> 0; }

// Feeds the UTF-8 bytes of s into the running hash h.
function carpHashUpdate(h, s) {
  for (var i = 0; i < s.length; i++) {
    var c = s.charCodeAt(i);
    if (c < 0x80) { h = carpAddByte(h, c); continue; }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      var d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++; }
    }
    if (c < 0x800) {
      h = carpAddByte(h, 0xc0 | (c >> 6));
    } else if (c < 0x10000) {
      h = carpAddByte(h, 0xe0 | (c >> 12));
      h = carpAddByte(h, 0x80 | ((c >> 6) & 63));
    } else {
      h = carpAddByte(h, 0xf0 | (c >> 18));
      h = carpAddByte(h, 0x80 | ((c >> 12) & 63));
      h = carpAddByte(h, 0x80 | ((c >> 6) & 63));
    }
    h = carpAddByte(h, 0x80 | (c & 63));
  }
  return h;
}

function carpCombine(u, m) {
  var x = (u ^ m) >>> 0;
  x = (x + carpImul(x, 0x62531965)) >>> 0;
  return carpRotl(x, 21);
}

function carpLower(s) { return s.replace(/[A-Z]+/g, function (m) { return m.toLowerCase(); }); }

function carpDefaultPort(scheme) {
  return scheme == "http" ? 80 : scheme == "https" ? 443 : scheme == "ftp" ? 21 : 0;
}

function carpBracketed(host) { return host.indexOf(":") >= 0 ? "[" + host + "]" : host; }

// Squid's URL parser where it changes the hashed bytes; null where Squid rejects.
function carpParse(url) {
  var uri = { scheme: "", host: "", port: 0, path: "" }, authority, port = null;
  var s = url.indexOf("://");
  if (s < 0) {
    authority = url;
  } else {
    uri.scheme = carpLower(url.substring(0, s));
    if (!/^[a-z]/.test(uri.scheme)) return null;
    var rest = url.substring(s + 3);
    var end = rest.search(/[\/?# \t\r\n]/);
    if (end < 0) end = rest.length;
    authority = rest.substring(0, end);
    var path = rest.substring(end), nl = path.search(/[\r\n]/);
    if (nl >= 0) path = path.substring(0, nl);
    uri.path = path.charAt(0) == "/" ? path : "/" + path;
    var at = authority.lastIndexOf("@");
    if (at >= 0) authority = authority.substring(at + 1);
  }
  if (authority.charAt(0) == "[") {
    var close = authority.indexOf("]");
    uri.host = close < 0 ? authority.substring(1) : authority.substring(1, close);
    if (close >= 0) {
      var c6 = authority.indexOf(":", close);
      if (c6 >= 0) port = authority.substring(c6 + 1);
    }
  } else {
    var first = authority.indexOf(":");
    if (first >= 0 && first == authority.lastIndexOf(":")) {
      uri.host = authority.substring(0, first);
      port = authority.substring(first + 1);
    } else {
      uri.host = authority;
    }
  }
  uri.host = carpLower(uri.host).replace(/\.+$/, "");
  if (uri.host == "" || uri.host.charAt(0) == "." || uri.host.indexOf("..") >= 0) return null;
  if (uri.scheme == "" && port === null) return null;
  if (port === null) {
    uri.port = carpDefaultPort(uri.scheme);
  } else {
    // atoi(): leading digits only; leading zeros do not count ("080" is 80).
    var digits = /^[0-9]*/.exec(port)[0].replace(/^0+/, "");
    uri.port = digits == "" ? 0 : digits.length > 5 ? 65536 : parseInt(digits, 10);
  }
  if (uri.port < 1 || uri.port > 65535) return null;
  return uri;
}

function carpEffective(uri) {
  if (uri.scheme == "") return carpBracketed(uri.host) + ":" + uri.port;
  var port = uri.port == carpDefaultPort(uri.scheme) ? "" : ":" + uri.port;
  return uri.scheme + "://" + carpBracketed(uri.host) + port + uri.path;
}

// A member's carp-key= parts ("s"cheme "h"ost p"o"rt "p"ath "q"uery), as Squid builds them.
function carpKey(uri, parts) {
  if (parts == "") return carpEffective(uri);
  var key = "", q = uri.path.indexOf("?");
  if (parts.indexOf("s") >= 0 && uri.scheme != "") key += uri.scheme + "://";
  if (parts.indexOf("h") >= 0) key += carpBracketed(uri.host);
  if (parts.indexOf("o") >= 0) key += ":" + uri.port;
  if (parts.indexOf("p") >= 0) key += q < 0 ? uri.path : uri.path.substring(0, q);
  if (parts.indexOf("q") >= 0 && q >= 0) key += uri.path.substring(q);
  return key == "" ? carpEffective(uri) : key;
}

function carpDirectHost(host) {
  host = carpLower(host);
  for (var i = 0; i < carpDirectDomains.length; i++) {
    var d = carpDirectDomains[i];
    if (d.charAt(0) == ".") {
      if (host == d.substring(1) || (host.length > d.length && host.substring(host.length - d.length) == d)) return true;
    } else if (host == d) {
      return true;
    }
  }
  return false;
}

// Members best first: one running URL hash over the members in Squid's order
// (not reset per member), score = combined hash * multiplier, highest first;
// ties keep Squid's order; scores Squid never picks (0, NaN) go last.
function carpOrder(url) {
  var uri = carpParse(url), running = 0, order = [], rank = [];
  for (var k = 0; k < carpMembers.length; k++) {
    var m = carpMembers[k];
    running = carpHashUpdate(running, uri ? carpKey(uri, m.key) : url);
    var score = carpCombine(running, m.hash) * m.multiplier;
    rank[k] = score > 0 ? score : -1;
    var j = order.length;
    while (j > 0 && rank[order[j - 1]] < rank[k]) j--;
    order.splice(j, 0, k);
  }
  var proxies = [];
  for (var i = 0; i < order.length; i++) proxies.push(carpMembers[order[i]].proxy);
  return proxies;
}

function FindProxyForURL(url, host) {
  if ((carpPlainHostsDirect && isPlainHostName(host)) || carpDirectHost(host)) return "DIRECT";
  var proxies = carpOrder(url);
  if (carpDirectLast) proxies.push("DIRECT");
  return proxies.join("; ");
}
)JS";

}  // namespace

std::string pac_script(const Array& array, const PacOptions& options) {
  std::string js =
      "// Proxy auto-configuration for a CARP array, generated by cuttle.\n"
      "// Each URL goes to the member that owns it (as Squid's CARP chooses), then\n"
      "// to the others in falling score order.\n\n"
      "// Members in Squid's hashing order (ascending weight): member hash of the\n"
      "// name, load-factor multiplier, carp-key parts.\n"
      "var carpMembers = [\n";
  const auto& slots = array.slots();
  for (size_t k = 0; k < slots.size(); ++k) {
    const Member& m = array.members()[slots[k].member];
    char hash[16];
    std::snprintf(hash, sizeof hash, "0x%08x", slots[k].hash);
    // No comma after the last element: old JScript would count an extra, undefined one.
    js += "  { proxy: " + js_string(proxy_of(m)) + ", hash: " + hash + ", multiplier: " +
          js_number(slots[k].multiplier) + ", key: " + js_key_parts(m.key) + " }" + (k + 1 < slots.size() ? "," : " ") +
          "  // " + js_string(m.name) + " weight " + std::to_string(m.weight) + "\n";
  }
  js += "];\n\n// Reached DIRECT (Squid dstdomain syntax: \".example.com\" includes subdomains).\n"
        "var carpDirectDomains = [";
  for (size_t i = 0; i < options.direct_domains.size(); ++i)
    js += (i ? ", " : "") + js_string(options.direct_domains[i]);
  js += "];\n";
  js += std::string("var carpPlainHostsDirect = ") + (options.direct_for_plain_hostnames ? "true" : "false") + ";\n";
  js += std::string("var carpDirectLast = ") + (options.direct_when_all_fail ? "true" : "false") + ";\n";
  js += kFunctions;
  return js;
}

}  // namespace cuttle::carp
