#include "proxy/config/acl.h"

#include "proxy/config/default_port.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace cuttle {
namespace ip = boost::asio::ip;

namespace {

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::optional<ip::address> parse_address(std::string_view text) {
  boost::system::error_code ec;
  auto a = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return normalize_address(a);
}

// Turns a prefix length into the last address of the network starting at `base`.
template <class Bytes>
Bytes apply_prefix(Bytes base, int prefix, bool want_last) {
  for (size_t i = 0; i < base.size(); ++i) {
    int bits_here = std::clamp(prefix - static_cast<int>(i * 8), 0, 8);
    uint8_t mask = bits_here == 0 ? 0 : static_cast<uint8_t>(0xFF << (8 - bits_here));
    base[i] = want_last ? (base[i] | static_cast<uint8_t>(~mask)) : (base[i] & mask);
  }
  return base;
}

int netmask_to_prefix(const ip::address_v4& mask) {
  uint32_t m = mask.to_uint();
  int prefix = 0;
  while (prefix < 32 && (m & (0x80000000u >> prefix))) ++prefix;
  if ((prefix < 32 ? (m << prefix) : 0) != 0) throw std::invalid_argument("non-contiguous netmask " + mask.to_string());
  return prefix;
}

IpRange parse_ip_range(std::string_view value) {
  if (value == "all") return {ip::make_address("0.0.0.0"), ip::make_address("255.255.255.255")};
  if (auto dash = value.find('-'); dash != std::string_view::npos) {
    auto first = parse_address(value.substr(0, dash));
    auto last = parse_address(value.substr(dash + 1));
    if (!first || !last || first->is_v4() != last->is_v4() || *last < *first)
      throw std::invalid_argument("bad address range '" + std::string(value) + "'");
    return {*first, *last};
  }
  std::string_view host = value;
  std::optional<int> prefix;
  if (auto slash = value.find('/'); slash != std::string_view::npos) {
    host = value.substr(0, slash);
    auto mask = value.substr(slash + 1);
    int bits = -1;
    auto [end, ec] = std::from_chars(mask.data(), mask.data() + mask.size(), bits);
    if (ec == std::errc() && end == mask.data() + mask.size()) {
      prefix = bits;
    } else if (auto m = parse_address(mask); m && m->is_v4()) {
      prefix = netmask_to_prefix(m->to_v4());
    } else {
      throw std::invalid_argument("bad netmask in '" + std::string(value) + "'");
    }
  }
  auto base = parse_address(host);
  if (!base) throw std::invalid_argument("bad IP address '" + std::string(value) + "'");
  int max_bits = base->is_v4() ? 32 : 128;
  int bits = prefix.value_or(max_bits);
  if (bits < 0 || bits > max_bits) throw std::invalid_argument("bad prefix length in '" + std::string(value) + "'");
  if (base->is_v4()) {
    auto b = base->to_v4().to_bytes();
    return {ip::address_v4(apply_prefix(b, bits, false)), ip::address_v4(apply_prefix(b, bits, true))};
  }
  auto b = base->to_v6().to_bytes();
  return {ip::address_v6(apply_prefix(b, bits, false)), ip::address_v6(apply_prefix(b, bits, true))};
}

PortRange parse_port_range(std::string_view value) {
  auto parse_port = [&](std::string_view s) {
    unsigned v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v > 65535)
      throw std::invalid_argument("bad port '" + std::string(value) + "'");
    return static_cast<uint16_t>(v);
  };
  auto dash = value.find('-');
  if (dash == std::string_view::npos) {
    auto p = parse_port(value);
    return {p, p};
  }
  PortRange r{parse_port(value.substr(0, dash)), parse_port(value.substr(dash + 1))};
  if (r.last < r.first) throw std::invalid_argument("bad port range '" + std::string(value) + "'");
  return r;
}

// dstdomain: ".example.com" matches the domain and every subdomain, a plain name
// only itself.
bool domain_matches(std::string_view pattern, std::string_view host) {
  if (!pattern.empty() && pattern.front() == '.') {
    auto bare = pattern.substr(1);
    if (host == bare) return true;
    return host.size() > pattern.size() && host.substr(host.size() - pattern.size()) == pattern;
  }
  return host == pattern;
}

// Squid matches url_regex and urlpath_regex against the %-decoded text (its
// rfc1738_unescape), so "/a%2Eexe" cannot slip past a "\.exe$" rule.
std::string percent_decode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 1 < s.size() && s[i + 1] == '%') {
      out += '%';
      ++i;
      continue;
    }
    int hi = s[i] == '%' && i + 2 < s.size() ? hex(s[i + 1]) : -1;
    int lo = hi >= 0 ? hex(s[i + 2]) : -1;
    if (lo >= 0 && (hi | lo) != 0) {  // like Squid, %00 stays as written
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The URL as Squid shows it to url_regex: default port left out, IPv6 in
// brackets, and plain "host:port" for CONNECT.
std::string acl_url(const RequestFacts& f) {
  std::string host = f.host.find(':') != std::string::npos ? "[" + f.host + "]" : f.host;
  if (f.method == "CONNECT") return host + ":" + std::to_string(f.port);
  std::string scheme = lowercase(f.scheme);
  std::string url = scheme + "://" + host;
  if (f.port != default_port(scheme)) url += ":" + std::to_string(f.port);
  return url + f.path;
}

bool any_in(const std::vector<IpRange>& ranges, const ip::address& a) {
  return std::any_of(ranges.begin(), ranges.end(), [&](const IpRange& r) { return r.contains(a); });
}

}  // namespace

ip::address normalize_address(const ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, a.to_v6());
  return a;
}

bool IpRange::contains(const ip::address& raw) const {
  auto a = normalize_address(raw);
  if (a.is_v4() != first.is_v4()) return false;
  return !(a < first) && !(last < a);
}

std::optional<AclType> acl_type_from_name(std::string_view name) {
  static const std::pair<std::string_view, AclType> table[] = {
      {"src", AclType::Src},           {"dst", AclType::Dst},
      {"dstdomain", AclType::DstDomain}, {"dstdom_regex", AclType::DstDomRegex},
      {"port", AclType::Port},         {"method", AclType::Method},
      {"proto", AclType::Proto},       {"url_regex", AclType::UrlRegex},
      {"urlpath_regex", AclType::UrlPathRegex},
      {"proxy_auth", AclType::ProxyAuth}, {"proxy_auth_regex", AclType::ProxyAuthRegex},
  };
  for (auto& [n, t] : table)
    if (n == name) return t;
  return std::nullopt;
}

bool is_squid_protocol(std::string_view name) {
  // Squid 5.7's AnyP::ProtocolType names, which `proto` compares without case.
  static constexpr std::string_view kNames[] = {"none",   "http",         "ftp", "https", "coap", "coaps",
                                                "gopher", "wais",         "cache_object", "icp",  "htcp",
                                                "urn",    "whois",        "icy", "tls",   "ssl",  "authority_form"};
  const auto lower = lowercase(name);
  return std::find(std::begin(kNames), std::end(kNames), lower) != std::end(kNames);
}

const char* acl_type_name(AclType type) {
  switch (type) {
    case AclType::Src: return "src";
    case AclType::Dst: return "dst";
    case AclType::DstDomain: return "dstdomain";
    case AclType::DstDomRegex: return "dstdom_regex";
    case AclType::Port: return "port";
    case AclType::Method: return "method";
    case AclType::Proto: return "proto";
    case AclType::UrlRegex: return "url_regex";
    case AclType::UrlPathRegex: return "urlpath_regex";
    case AclType::Manager: return "manager";
    case AclType::ProxyAuth: return "proxy_auth";
    case AclType::ProxyAuthRegex: return "proxy_auth_regex";
  }
  return "?";
}

void Acl::add_value(std::string_view value, bool case_insensitive) {
  switch (type_) {
    case AclType::Src:
    case AclType::Dst:
      ranges_.push_back(parse_ip_range(value));
      if (value == "all") ranges_.push_back(parse_ip_range("::/0"));
      return;
    case AclType::DstDomain:
      words_.push_back(lowercase(value));
      return;
    case AclType::Port:
      ports_.push_back(parse_port_range(value));
      return;
    case AclType::Method:
      words_.emplace_back(value);  // methods are case-sensitive tokens
      return;
    case AclType::Proto:
      words_.push_back(lowercase(value));
      return;
    case AclType::ProxyAuth:
      // Squid drops any name after REQUIRED; -i compares names without case.
      if (value == "REQUIRED") any_user_ = true;
      ignore_case_ = ignore_case_ || case_insensitive;
      words_.push_back(case_insensitive ? lowercase(value) : std::string(value));
      return;
    case AclType::DstDomRegex:
    case AclType::UrlRegex:
    case AclType::UrlPathRegex:
    case AclType::ProxyAuthRegex:
      try {
        regexes_.emplace_back(std::string(value), case_insensitive);
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument("bad regular expression '" + std::string(value) + "': " + e.what());
      }
      return;
    case AclType::Manager:
      throw std::invalid_argument("the predefined ACL 'manager' takes no values");
  }
}

bool Acl::match_user(const std::string& user) const {
  if (type_ == AclType::ProxyAuthRegex)
    return std::any_of(regexes_.begin(), regexes_.end(), [&](const PosixRegex& r) { return r.search(user); });
  if (any_user_) return !user.empty() && user != "-";
  const std::string name = ignore_case_ ? lowercase(user) : user;
  return std::find(words_.begin(), words_.end(), name) != words_.end();
}

AclMatch Acl::match(const RequestFacts& f) const {
  if (is_auth()) {
    switch (f.auth.status) {
      case AuthStatus::None:
      case AuthStatus::Refused: return AclMatch::AuthRequired;
      case AuthStatus::Unchecked: return AclMatch::NeedsAuthentication;
      case AuthStatus::Accepted: return match_user(f.auth.user) ? AclMatch::Yes : AclMatch::No;
    }
  }
  return matches_request(f) ? AclMatch::Yes : AclMatch::No;
}

bool Acl::matches_request(const RequestFacts& f) const {
  switch (type_) {
    case AclType::Src:
      return any_in(ranges_, f.client);
    case AclType::Dst: {
      if (auto a = parse_address(f.host)) return any_in(ranges_, *a);
      if (!f.destinations) return false;
      return std::any_of(f.destinations->begin(), f.destinations->end(),
                         [&](const ip::address& a) { return any_in(ranges_, a); });
    }
    case AclType::DstDomain:
      return std::any_of(words_.begin(), words_.end(), [&](const std::string& p) { return domain_matches(p, f.host); });
    case AclType::DstDomRegex:
      return std::any_of(regexes_.begin(), regexes_.end(), [&](const PosixRegex& r) { return r.search(f.host); });
    case AclType::Port:
      return std::any_of(ports_.begin(), ports_.end(),
                         [&](const PortRange& r) { return f.port >= r.first && f.port <= r.last; });
    case AclType::Method:
      return std::find(words_.begin(), words_.end(), f.method) != words_.end();
    case AclType::Proto: {
      // Squid 5.7 leaves the scheme of a CONNECT request unset: NONE.
      std::string proto = f.method == "CONNECT" ? "none" : lowercase(f.scheme);
      return std::find(words_.begin(), words_.end(), proto) != words_.end();
    }
    case AclType::UrlRegex: {
      std::string url = percent_decode(acl_url(f));
      return std::any_of(regexes_.begin(), regexes_.end(), [&](const PosixRegex& r) { return r.search(url); });
    }
    case AclType::UrlPathRegex: {
      std::string path = percent_decode(f.path);
      return std::any_of(regexes_.begin(), regexes_.end(), [&](const PosixRegex& r) { return r.search(path); });
    }
    case AclType::Manager:
      return f.scheme == "cache_object" || f.path.starts_with("/squid-internal-mgr/");
    case AclType::ProxyAuth:
    case AclType::ProxyAuthRegex:
      return false;  // answered by match()
  }
  return false;
}

AclRegistry::AclRegistry() {
  add("all", AclType::Src).add_value("all");
  auto& localhost = add("localhost", AclType::Src);
  localhost.add_value("127.0.0.1/32");
  localhost.add_value("::1");
  auto& to_localhost = add("to_localhost", AclType::Dst);
  for (auto v : {"127.0.0.0/8", "0.0.0.0/32", "::1/128", "::/128"}) to_localhost.add_value(v);
  add("manager", AclType::Manager);
  add("CONNECT", AclType::Method).add_value("CONNECT");
}

Acl* AclRegistry::find(std::string_view name) {
  auto it = acls_.find(name);
  return it == acls_.end() ? nullptr : &it->second;
}

const Acl* AclRegistry::find(std::string_view name) const {
  auto it = acls_.find(name);
  return it == acls_.end() ? nullptr : &it->second;
}

Acl& AclRegistry::add(std::string name, AclType type) {
  auto key = name;
  return acls_.try_emplace(std::move(key), std::move(name), type).first->second;
}

AccessVerdict evaluate_access(const std::vector<AccessRule>& rules, const RequestFacts& facts) {
  const Acl* last_looked_at = nullptr;
  for (const auto& rule : rules) {
    bool all = true;
    for (const auto& ref : rule.acls) {
      const AclMatch m = ref.acl->match(facts);
      if (m == AclMatch::NeedsAuthentication) return {AccessDecision::Deny, true, false};
      if (m == AclMatch::AuthRequired) return {AccessDecision::Deny, false, true};
      last_looked_at = ref.acl;
      if ((m == AclMatch::Yes) == ref.negated) {
        all = false;
        break;
      }
    }
    if (all) {
      const auto decision = rule.allow ? AccessDecision::Allow : AccessDecision::Deny;
      return {decision, false, decision == AccessDecision::Deny && last_looked_at && last_looked_at->is_auth()};
    }
  }
  if (rules.empty() || rules.back().allow)
    return {AccessDecision::Deny, false, last_looked_at && last_looked_at->is_auth()};
  return {AccessDecision::Allow, false, false};
}

AccessDecision check_access(const std::vector<AccessRule>& rules, const RequestFacts& facts) {
  const auto verdict = evaluate_access(rules, facts);
  return verdict.needs_authentication ? AccessDecision::Deny : verdict.decision;
}

bool rules_need_destinations(const std::vector<AccessRule>& rules) {
  for (const auto& rule : rules)
    for (const auto& ref : rule.acls)
      if (ref.acl->needs_destinations()) return true;
  return false;
}

}  // namespace cuttle
