// One request on its way through the pipeline (request_pipeline.h): what was
// read, what the steps so far found out about it, and what access.log will say.
#pragma once

#include "proxy/auth/basic_credentials.h"
#include "proxy/auth/digest_credentials.h"
#include "proxy/http/request_facts.h"
#include "proxy/log/access_log.h"
#include "proxy/server/asio_types.h"
#include "proxy/server/forwarder.h"
#include "proxy/server/known_target.h"
#include "proxy/server/runtime.h"

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

namespace cuttle {

struct Transaction {
  // The configuration in force when the request arrived: it judges the whole request.
  std::shared_ptr<const ActiveConfig> active;
  std::chrono::steady_clock::time_point start;
  AccessLogEntry entry;

  // ---- read and framed ----
  http::request_parser<http::empty_body>* parser = nullptr;  // the request header; a body may follow
  bool has_body = false;                                     // chunked, or a Content-Length above 0
  bool client_keep_alive = true;  // the request allows another on this connection (HTTP/1.0, Connection: close)
  // client_persistent_connections: off ends every client connection after its
  // reply, except (squid's mustKeepalive) a reply carrying an NTLM or Negotiate
  // challenge, which the handshake needs on the same connection.
  bool persistent_allowed = true;
  bool must_keep_alive = false;
  // Whether this request's reply may leave the connection open, as far as the
  // client and the configuration go.
  bool may_keep_client() const { return client_keep_alive && (persistent_allowed || must_keep_alive); }
  // The denial this request gets is its bumped CONNECT's: squid logs it
  // NONE_NONE, not TCP_DENIED (the CONNECT's line says that).
  bool answers_connect_denial = false;

  // ---- target (resolve_target) ----
  std::shared_ptr<const KnownTarget> known;
  // verify_host: the Host leads where the request was sent (squid's hostVerified).
  // An intercepted request without it goes only to its original destination and
  // is neither stored nor served from the cache.
  bool host_verified = false;
  // An intercepted request whose Host could not be verified.
  bool unverified_interception(const std::optional<tcp::endpoint>& original_destination) const {
    return original_destination && !host_verified;
  }
  // ---- access (check_http_access) ----
  RequestFacts facts;
  // follow_x_forwarded_for's answer, once walked (the direct client when it
  // trusts nobody): what ACLs and logs see when their *_uses_indirect_client is on.
  std::optional<asio::ip::address> indirect_client;
  // Decoded from Proxy-Authorization (Authorization on accelerator ports) when a
  // configured scheme could read it; checked only when an ACL needs it.
  std::optional<auth::BasicCredentials> credentials;
  std::optional<auth::DigestCredentials> digest_credentials;
  // The Digest credentials named a nonce this proxy does not know (any more): the
  // challenge says stale=true, so the client retries without asking the user.
  bool digest_nonce_stale = false;
  // The credentials are the connection's (NTLM, Negotiate: ClientConnection::auth).
  bool uses_connection_auth = false;

  // ---- helpers (rewrite_url, choose_store_id) ----
  // A URL rewriter changed the target while url_rewrite_host_header is off: the
  // Host the client sent goes upstream instead of the new URL's.
  std::optional<std::string> client_host_header;
  // The rewriter gave a new URL (squid's flags.redirected): an intercepted request
  // then goes where that URL says, not to its original destination.
  bool url_rewritten = false;
  // The key the reply is stored and found under (store_id_program); empty: the URL.
  std::string store_id;
  const std::string& cache_key() const { return store_id.empty() ? entry.url : store_id; }
  // The reply went into the store (cache_store_log logs a SWAPOUT, not a release).
  bool reply_stored = false;
  // cache_store_log: the reply Squid's private entry would hold when it is not
  // the one sent (a server's 304 to a revalidation); empty: the one sent.
  std::string released_reply_head;
  // squid logs the error page of a CONNECT that failed as no reply: size 0, type "-".
  bool log_reply_as_unsent = false;

  // ---- forwarding: where a miss may go, best first (peer selection); the next
  // is tried when one fails before anything reached the client ----
  std::vector<ForwardPlan> next_hops;
  // What an error page from Squid's templates shows of the request, taken before
  // forwarding consumes the parsed header (error_page_facts.h).
  struct RequestSnapshot {
    std::string squid_head;       // %R, %W: the request line and fields as Squid prints them
    std::string accept_language;  // the page's language
  };
  std::optional<RequestSnapshot> request_snapshot;

  const Config& config() const { return *active->config; }
  http::request<http::empty_body>& request() { return parser->get(); }
  const http::request<http::empty_body>& request() const { return parser->get(); }
  const RequestTarget& target() const { return *known->parsed.target; }
  // A reply made here may let the connection carry another request only when no
  // request body is left unread.
  bool reusable_after_own_reply() const { return !has_body; }
};

}  // namespace cuttle
