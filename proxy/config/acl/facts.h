// What an access check may look at: the request, its connection, and (for
// http_reply_access) the reply. Facts are values copied from the transaction,
// so ACL matching stays pure and a copy outlives the request it came from.
#pragma once

#include "proxy/config/acl/header_facts.h"

#include <boost/asio/ip/address.hpp>

#include <array>
#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cuttle {

// What authentication has found out about the request's credentials.
enum class AuthStatus {
  None,       // no usable credentials (none sent, not decodable, a scheme not configured)
  Unchecked,  // credentials sent, not yet checked: a proxy_auth ACL asks the helper first
  Accepted,   // the helper (or the credentials cache) accepted them
  Refused,    // refused, broken (no password), or the helper failed
  // An intercepted request: the client does not know a proxy is there, so it is
  // never asked for credentials and proxy_auth ACLs do not match (as squid).
  NotApplicable,
};

// The addresses users were seen from lately, as the max_user_ip ACL uses them
// (auth/user_addresses.h keeps them for a worker).
class UserAddressBook {
 public:
  virtual ~UserAddressBook() = default;
  virtual size_t count(std::string_view user) const = 0;
  virtual void forget(std::string_view user, const boost::asio::ip::address& address) = 0;
  virtual void forget_all(std::string_view user) = 0;
};

struct AuthFacts {
  AuthStatus status = AuthStatus::None;
  std::string user;  // as the scheme decoded it (lowercased unless casesensitive)
  // Where the worker remembers the addresses users come from, once accepted: the
  // max_user_ip ACL counts them and, as in Squid, forgets some when it matches.
  UserAddressBook* addresses = nullptr;
};

// An external ACL helper's answer (external_acl_type), as Squid keeps it.
struct ExternalAnswer {
  enum class Result { Match, NoMatch, Unknown };  // OK, ERR, anything else (BH, no answer)
  Result result = Result::Unknown;
  std::string user, tag, log, message;  // user= tag= log= message=
  std::vector<std::pair<std::string, std::string>> notes;  // every key=value sent
};

// What external ACL helpers have said about the transaction.
struct ExternalFacts {
  // This check's answers, by the external ACL (its data) that asked: the ACL finds
  // its own here, or asks for a lookup. Emptied when a new slow check starts.
  std::vector<std::pair<const void*, std::shared_ptr<const ExternalAnswer>>> answers;
  // What the answers looked at so far told about the transaction (Squid's
  // copyResultsFromEntry): the last user=, the first tag=, the last log= and
  // message=. (Their notes go to the request's annotations.)
  std::string user, tag, log, message;

  const ExternalAnswer* answer_for(const void* acl) const {
    for (const auto& [who, answer] : answers)
      if (who == acl) return answer.get();
    return nullptr;
  }
  // Records `answer` as the one `acl` uses in this check, and what it tells.
  void take(const void* acl, std::shared_ptr<const ExternalAnswer> answer);
};

// The transaction's annotations (Squid's request notes): the key=value pairs its
// helpers answered (external ACLs, the URL rewriter, the store-ID helper), which
// `note` ACLs match.
using Annotations = std::vector<std::pair<std::string, std::string>>;
// Squid's NotePairs::replaceOrAdd: a key the helper sent replaces that key's values.
void annotate(Annotations& annotations, const Annotations& helper_notes);

// The reply, once it has arrived (http_reply_access).
struct ReplyFacts {
  unsigned status = 0;
  HeaderFacts headers;  // the fields some ACL names, Content-Type always
};

// Squid's transaction initiators (transaction_initiator ACL): who started it.
enum class Initiator : uint32_t {
  Client = 1u << 0, PeerPool = 1u << 1, CertificateFetching = 1u << 2, Esi = 1u << 3, CacheDigest = 1u << 4,
  Htcp = 1u << 5, Icp = 1u << 6, Icmp = 1u << 7, Asn = 1u << 8, Ipc = 1u << 9, Adaptation = 1u << 10,
  Icon = 1u << 11, PeerMcast = 1u << 12, Server = 1u << 13,
};

// The connection the request came on.
struct ConnectionFacts {
  boost::asio::ip::address local_address;  // the address the client connected to
  uint16_t local_port = 0;
  std::string port_name;      // http_port name=, by default the port as written
  unsigned client_connections = 0;  // open connections from this client address, this one included
};

// What SslBump knows of a TLS connection at its current step (at_step,
// ssl::server_name): nothing outside ssl_bump's steps.
struct TlsFacts {
  int bump_step = 0;        // 1, 2, 3 while ssl_bump is evaluated at SslBump1-3; 0 otherwise
  std::string client_sni;   // the ClientHello's server name, once peeked at (lowercase)
  // The names of the server's certificate (CN and subjectAltNames), when known.
  std::optional<std::vector<std::string>> server_names;
};

struct RequestFacts {
  boost::asio::ip::address client;
  std::string method;     // "GET", "CONNECT", ...
  std::string scheme;     // "http", "https", "cache_object"; empty for CONNECT
  std::string host;       // lowercase, without brackets or port
  uint16_t port = 0;
  std::string path;       // origin-form path and query
  // Destination addresses, once resolved (needed only by `dst` ACLs).
  std::optional<std::vector<boost::asio::ip::address>> destinations;
  // The client's name (a reverse lookup), once looked up (srcdomain, srcdom_regex);
  // "" when it has none.
  std::optional<std::string> client_name;
  // The client's Ethernet address from the kernel's ARP table (arp ACLs), when
  // it has a complete entry for it.
  std::optional<std::array<uint8_t, 6>> client_mac;
  AuthFacts auth;
  HeaderFacts headers;    // the request fields some ACL names (AclNeeds::request_headers)
  ConnectionFacts connection;
  Initiator initiator = Initiator::Client;
  std::time_t now = 0;    // when the check runs (the `time` ACL), 0 : ask the clock
  std::string hierarchy;  // Squid's hierarchy code name once forwarded ("HIER_DIRECT"), else "HIER_NONE"
  std::optional<ReplyFacts> reply;
  ExternalFacts external;
  Annotations annotations;
  TlsFacts tls;
};

// v4-mapped v6 addresses as v4, which is how ACLs and logs compare and show them.
boost::asio::ip::address normalize_address(const boost::asio::ip::address& a);

}  // namespace cuttle
