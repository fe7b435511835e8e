// The TLS side of an https_port (squid's Security::ServerOptions): plain values
// as the port's options gave them. proxy/server/tls_server_context.cc turns them
// into an OpenSSL context when cuttle starts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

// sslflags= / tls-flags= (squid's SSL_FLAG_*), as bits.
enum TlsPortFlag : unsigned {
  kTlsDelayedAuth = 1u << 0,      // ask for no client certificate (ACLs would ask; squid never does)
  kTlsConditionalAuth = 1u << 1,  // ask for one, accept a client without
  kTlsNoSessionReuse = 1u << 2,   // no TLS session cache
  kTlsVerifyCrl = 1u << 3,        // check the client certificate against the CRLs
  kTlsVerifyCrlAll = 1u << 4,     // ... and its whole chain
  kTlsDontVerifyPeer = 1u << 5,   // ask for a client certificate, check nothing (deprecated)
};

struct ServerTlsConfig {
  std::string cert_file;  // tls-cert= (cert=): the certificate, then any intermediate CAs
  std::string key_file;   // tls-key= (key=); empty: the key is in cert_file
  std::string cipher;     // cipher=: an OpenSSL cipher list
  uint64_t options = 0;   // options=: SSL_OP_* bits
  int min_version = 0;    // tls-min-version=1.N as TLS1_N_VERSION; 0: OpenSSL's default
  uint64_t version_options = 0;  // the old version=N, as the SSL_OP_NO_* bits of the other versions
  std::string dh_curve;   // tls-dh=curve:file (ephemeral ECDH curve)
  std::string dh_file;    // tls-dh=[curve:]file (DH parameters)
  std::string clientca;   // clientca=: ask clients for certificates issued by these CAs
  std::vector<std::string> cafiles;  // tls-cafile=: what client certificates are checked against (default: clientca)
  std::string capath;     // capath=: more CA certificates and CRLs, in a hashed directory
  std::string crlfile;    // crlfile=: revoked client certificates (implies VERIFY_CRL)
  unsigned flags = 0;     // TlsPortFlag bits
  bool default_ca = false;  // tls-default-ca: the system's CAs vouch for client certificates too
  std::string session_context;  // sslcontext= / tls-context=: the session ID context
  bool generate_host_certificates = true;  // ssl-bump ports: certificates made for each host
  size_t dynamic_cert_mem_cache_size = 4 * 1024 * 1024;  // ... and how many bytes of them are kept
};

// Reads one https_port (or http_port) option into `tls` when it is a TLS option;
// false when it is not one. Throws DirectiveError for a TLS option with a bad value.
bool parse_tls_port_option(std::string_view option, ServerTlsConfig& tls);

// SSL_OP_* bits of an options= value ("NO_SSLv3,NO_TLSv1", "-ALL", "0x4"), as
// squid reads it. Throws DirectiveError naming a word it does not know.
uint64_t parse_tls_options(std::string_view value);

}  // namespace cuttle
