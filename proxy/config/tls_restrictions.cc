#include "proxy/config/tls_restrictions.h"

#include <utility>

namespace cuttle {

std::optional<std::string> tls_restriction(std::string_view option) {
  static const std::pair<std::string_view, std::string_view> kRestrictions[] = {
      {"version=", "the TLS versions allowed"},
      {"min-version=", "the lowest TLS version allowed"},
      {"options=", "TLS options such as NO_TLSv1 or NO_TICKET"},
      {"cipher=", "the ciphers allowed"},
      {"flags=", "certificate checks (flags such as NO_DEFAULT_CA)"},
      {"crlfile=", "certificates revoked by a CRL"},
      {"default-ca=off", "trust to the CAs named, without the system's"},
      {"no-default-ca", "trust to the CAs named, without the system's"},
  };
  for (const auto& [prefix, what] : kRestrictions)
    if (option.starts_with(prefix)) return std::string(what);
  return std::nullopt;
}

std::optional<std::string> peer_tls_option(std::string_view option) {
  if (option.starts_with("tls-")) return std::string(option.substr(4));
  static const std::pair<std::string_view, std::string_view> kOldNames[] = {
      {"sslversion=", "version="}, {"ssloptions=", "options="}, {"sslcipher=", "cipher="},
      {"sslflags=", "flags="},     {"sslcrlfile=", "crlfile="},
  };
  for (const auto& [old_name, name] : kOldNames)
    if (option.starts_with(old_name)) return std::string(name) + std::string(option.substr(old_name.size()));
  return std::nullopt;
}

}  // namespace cuttle
