#include "proxy/config/tls_port_config.h"

#include "proxy/config/config_tokens.h"

#include <openssl/ssl.h>

#include <charconv>
#include <utility>

namespace cuttle {
namespace {

// The names squid 5.7 knows in options= (its ssl_options table) that OpenSSL 3
// still has; squid reads the rest as 0 and says "Unsupported".
const std::pair<std::string_view, uint64_t> kOptionNames[] = {
    {"ALL", SSL_OP_ALL},
    {"SINGLE_DH_USE", 0},  // always on in OpenSSL since 1.0.2f
    {"SINGLE_ECDH_USE", 0},
    {"CIPHER_SERVER_PREFERENCE", SSL_OP_CIPHER_SERVER_PREFERENCE},
    {"TLS_ROLLBACK_BUG", SSL_OP_TLS_ROLLBACK_BUG},
    {"NO_SSLv3", SSL_OP_NO_SSLv3},
    {"NO_TLSv1", SSL_OP_NO_TLSv1},
    {"NO_TLSv1_1", SSL_OP_NO_TLSv1_1},
    {"NO_TLSv1_2", SSL_OP_NO_TLSv1_2},
    {"NO_TLSv1_3", SSL_OP_NO_TLSv1_3},
    {"No_Compression", SSL_OP_NO_COMPRESSION},
    {"NO_TICKET", SSL_OP_NO_TICKET},
};

// Old OpenSSL workarounds squid still names: no effect in OpenSSL 3.
const std::string_view kObsoleteOptionNames[] = {
    "NETSCAPE_REUSE_CIPHER_CHANGE_BUG", "SSLREF2_REUSE_CERT_TYPE_BUG", "MICROSOFT_BIG_SSLV3_BUFFER",
    "SSLEAY_080_CLIENT_DH_BUG", "TLS_D5_BUG", "TLS_BLOCK_PADDING_BUG", "EPHEMERAL_RSA", "PKCS1_CHECK_1",
    "PKCS1_CHECK_2", "NETSCAPE_CA_DN_BUG", "NON_EXPORT_FIRST", "NETSCAPE_DEMO_CIPHER_CHANGE_BUG",
    "MICROSOFT_SESS_ID_BUG", "NETSCAPE_CHALLENGE_BUG", "NO_SSLv2",
};

std::optional<uint64_t> option_value(std::string_view name) {
  for (const auto& [known, bits] : kOptionNames)
    if (name == known) return bits;
  for (auto obsolete : kObsoleteOptionNames)
    if (name == obsolete) return 0;
  uint64_t hex = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), hex, 16);
  if (!name.empty() && ec == std::errc() && end == name.data() + name.size()) return hex;
  return std::nullopt;
}

// sslflags= words (squid's parseFlags), ':' or ',' between them.
unsigned parse_flags(std::string_view value) {
  static const std::pair<std::string_view, unsigned> kFlags[] = {
      {"DELAYED_AUTH", kTlsDelayedAuth},   {"CONDITIONAL_AUTH", kTlsConditionalAuth},
      {"NO_SESSION_REUSE", kTlsNoSessionReuse}, {"VERIFY_CRL", kTlsVerifyCrl},
      {"VERIFY_CRL_ALL", kTlsVerifyCrlAll | kTlsVerifyCrl}, {"DONT_VERIFY_PEER", kTlsDontVerifyPeer},
  };
  unsigned flags = 0;
  while (!value.empty()) {
    const auto end = value.find_first_of(":,");
    const auto word = value.substr(0, end);
    value = end == std::string_view::npos ? std::string_view() : value.substr(end + 1);
    if (word.empty()) continue;
    bool known = false;
    for (const auto& [name, bit] : kFlags)
      if (word == name) flags |= bit, known = true;
    if (!known) throw DirectiveError("https_port: unknown TLS flag '" + std::string(word) + "' in sslflags=");
  }
  return flags;
}

int parse_min_version(std::string_view value) {
  if (value == "1.0") return TLS1_VERSION;
  if (value == "1.1") return TLS1_1_VERSION;
  if (value == "1.2") return TLS1_2_VERSION;
  if (value == "1.3") return TLS1_3_VERSION;
  throw DirectiveError("https_port: tls-min-version= takes 1.0, 1.1, 1.2 or 1.3, got '" + std::string(value) + "'");
}

// "4MB", "512 KB" written joined: squid's parseBytesOptionValue.
size_t parse_cache_size(std::string_view value) {
  const auto digits = value.find_first_not_of("0123456789.");
  const auto unit = digits == std::string_view::npos ? std::string_view("bytes") : value.substr(digits);
  return parse_bytes(value.substr(0, digits), unit);
}

// tls-dh=[curve:]file
void parse_dh(std::string_view value, ServerTlsConfig& tls) {
  tls.dh_curve.clear();
  const auto colon = value.find(':');
  if (colon != std::string_view::npos) tls.dh_curve = std::string(value.substr(0, colon));
  tls.dh_file = std::string(colon == std::string_view::npos ? value : value.substr(colon + 1));
}

// One option without its "tls-" prefix (squid strips it the same way).
bool parse_plain_option(std::string_view o, ServerTlsConfig& tls) {
  auto value = [&](std::string_view key) { return std::string(o.substr(key.size())); };
  if (o.starts_with("cert=")) tls.cert_file = value("cert=");
  else if (o.starts_with("key=")) tls.key_file = value("key=");
  else if (o.starts_with("cipher=")) tls.cipher = value("cipher=");
  else if (o.starts_with("options=")) tls.options = parse_tls_options(o.substr(8));
  else if (o.starts_with("min-version=")) tls.min_version = parse_min_version(o.substr(12));
  else if (o.starts_with("dh=")) parse_dh(o.substr(3), tls);
  else if (o.starts_with("dhparams=")) tls.dh_file = value("dhparams=");
  else if (o.starts_with("clientca=")) tls.clientca = value("clientca=");
  else if (o.starts_with("cafile=")) tls.cafiles.push_back(value("cafile="));
  else if (o.starts_with("capath=")) tls.capath = value("capath=");
  else if (o.starts_with("crlfile=")) tls.crlfile = value("crlfile="), tls.flags |= kTlsVerifyCrl;
  else if (o.starts_with("flags=")) tls.flags |= parse_flags(o.substr(6));
  else if (o == "default-ca" || o == "default-ca=on") tls.default_ca = true;
  else if (o == "default-ca=off" || o == "no-default-ca") tls.default_ca = false;
  else if (o.starts_with("context=")) tls.session_context = value("context=");
  else if (o == "generate-host-certificates" || o == "generate-host-certificates=on")
    tls.generate_host_certificates = true;
  else if (o == "generate-host-certificates=off") tls.generate_host_certificates = false;
  else if (o.starts_with("dynamic_cert_mem_cache_size="))
    tls.dynamic_cert_mem_cache_size = parse_cache_size(o.substr(28));
  else if (o == "no-npn") {}  // NPN is gone from browsers; cuttle never offers it
  else return false;
  return true;
}

}  // namespace

uint64_t parse_tls_options(std::string_view value) {
  uint64_t bits = 0;
  while (!value.empty()) {
    const auto end = value.find_first_of(":,");
    auto word = value.substr(0, end);
    value = end == std::string_view::npos ? std::string_view() : value.substr(end + 1);
    if (word.empty()) continue;
    const bool remove = word.front() == '-' || word.front() == '!';
    if (remove || word.front() == '+') word.remove_prefix(1);
    auto bit = option_value(word);
    // A misspelt NO_TLSv1 would leave a version on that the admin turned off.
    if (!bit) throw DirectiveError("unknown TLS option '" + std::string(word) + "' in options=");
    bits = remove ? bits & ~*bit : bits | *bit;
  }
  return bits;
}

bool parse_tls_port_option(std::string_view option, ServerTlsConfig& tls) {
  if (option.starts_with("tls-")) return parse_plain_option(option.substr(4), tls);
  // The old names squid 5.7 still reads: ssl-prefixed ones lose "ssl".
  if (option.starts_with("sslflags=") || option.starts_with("sslcontext="))
    return parse_plain_option(option.substr(3), tls);
  if (option.starts_with("version=")) {
    // squid's old version=N allows that one version only: 1 any, 4 TLSv1.0,
    // 5 TLSv1.1, 6 TLSv1.2 (tls-min-version= overrides it).
    constexpr uint64_t kAll = SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1 | SSL_OP_NO_TLSv1_2 | SSL_OP_NO_TLSv1_3;
    static const std::pair<std::string_view, uint64_t> kVersions[] = {
        {"1", 0}, {"4", kAll & ~SSL_OP_NO_TLSv1}, {"5", kAll & ~SSL_OP_NO_TLSv1_1}, {"6", kAll & ~SSL_OP_NO_TLSv1_2}};
    for (const auto& [name, bits] : kVersions)
      if (option.substr(8) == name) return tls.version_options = bits, true;
    throw DirectiveError("https_port: version= takes 1, 4, 5 or 6 (SSLv3 is gone); use tls-min-version= instead");
  }
  for (auto name : {"cert=", "key=", "options=", "cipher=", "clientca=", "cafile=", "capath=", "crlfile=",
                    "dhparams=", "generate-host-certificates", "dynamic_cert_mem_cache_size="})
    if (option.starts_with(name)) return parse_plain_option(option, tls);
  return false;
}

}  // namespace cuttle
