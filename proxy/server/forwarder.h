// One request forwarded to the next hop and its response relayed back, bodies
// streamed in both directions through a fixed buffer (a 1 GiB download never sits
// in memory), upstream connections taken from and returned to the worker's pool.
#pragma once

#include "proxy/http/error_page.h"
#include "proxy/log/log_codes.h"
#include "proxy/server/asio_types.h"
#include "proxy/server/bucket_ticket.h"
#include "proxy/server/cache_fill.h"
#include "proxy/server/client_stream.h"
#include "proxy/server/worker_services.h"

#include <functional>
#include <optional>
#include <string>

namespace cuttle {

struct ClientSide {
  ClientStream& stream;
  beast::flat_buffer& buffer;
  std::string ip;
  // http_reply_access as the client side checks it (asking helpers); empty: the
  // forwarder's own check without I/O (check_reply_access).
  std::function<awaitable<AccessVerdict>(const http::response_header<>&, std::string_view hierarchy)> check_reply;
  // The transaction so far: request_header_add and reply_header_add format from it.
  const AccessLogEntry* entry = nullptr;
  bool connection_auth = true;  // the http_port's connection-auth=: off strips NTLM/Negotiate offers from replies
  // delay_access: the pool buckets the reply's body is read from the server
  // through (given its header; a CONNECT has none); empty: not delayed.
  std::function<BucketTicket(const http::response_header<>*)> reply_delay;
  // client_delay_pools: the bucket of the bytes written to this client; null: none.
  const BucketTicket* write_limit = nullptr;
};

// Where one attempt goes: the origin or a peer, and what that hop is sent.
struct NextHop {
  UpstreamSpec upstream;
  std::string request_target;  // request line target sent upstream
  std::string host_header;     // Host sent upstream
  HierarchyCode hierarchy;     // HIER_DIRECT, FIRSTUP_PARENT, ...
  std::string peer_name;       // the cache_peer this goes to; empty: the origin (or accel originserver)
  std::string peer_kind;       // "Parent" or "Sibling", for health messages
  std::string proxy_authorization;  // sent to the peer (login=); empty: none
  bool only_if_cached = false;      // to a sibling: it must not fetch a miss for us
  bool proxy_only = false;          // the peer's replies are relayed, never stored (cache_peer proxy-only)
  bool no_delay = false;            // the peer's replies bypass delay pools (cache_peer no-delay)
  bool no_tproxy = false;           // reached from this proxy's address even for TPROXY requests (no-tproxy)
  bool drop_authorization = false;  // an originserver peer without login=PASS: the client's Authorization stays here
};

// A next hop plus what this request does with the reply (store it, intercept it).
struct ForwardPlan : NextHop {
  std::string cache_lookup;    // X-Cache-Lookup value ("MISS from host:port"); empty: no cache consulted
  // Revalidating a stored reply: replies handed back to the caller instead of
  // relayed (a 304 refreshes the stored copy; a 5xx may be replaced by it).
  bool intercept_not_modified = false;
  bool intercept_server_errors = false;
  // range_offset_limit: the client's Range, asked upstream without it so the whole
  // object is stored; the client gets this range of it. finish_whole: the limit
  // was `none`, and the fill goes on whatever the client does (as Squid).
  std::string whole_for_range;
  bool finish_whole = false;
  // Called with the final reply's header as soon as it is read, before any of it
  // reaches the client (an unsafe method's invalidation: the next request, from
  // any client, must not find what it invalidates).
  std::function<void(const http::response_header<>&)> on_reply_header;
};

struct ForwardOutcome {
  // Set when nothing was sent to the client: the caller answers with an error page.
  std::optional<ErrorKind> error;
  ErrorDetail error_detail;

  unsigned status = 0;
  uint64_t reply_bytes = 0;
  std::string content_type;
  std::string server_address;  // for access.log's hierarchy field
  uint16_t server_port = 0;    // with server_address (%<p)
  uint64_t request_body_bytes = 0;  // read from the client and sent on (%>st)
  std::string reply_head;      // the header relayed to the client, when a log shows it
  bool aborted = false;        // the reply was cut short (either side failed)
  bool cut_at_limit = false;   // cut short by reply_body_max_size (aborted too; squid logs no _ABORTED)
  bool reply_denied = false;   // http_reply_access refused the reply: nothing of it was sent
  bool reply_too_large = false;  // so did reply_body_max_size (reply_denied is set too)
  const Acl* denied_by = nullptr;  // the last ACL that refusal looked at (deny_info)
  bool client_reusable = false;  // the client connection may carry another request
  // An intercepted reply's header (hop-by-hop fields removed); nothing was sent
  // to the client.
  std::optional<http::response_header<>> intercepted;
};

// `client`: the connection the reply is relayed to and a request body is read
// from; nullptr when nobody waits (a background refresh, no body): the reply only
// goes to `fill`. `fill`: the caller's tee that stores the reply while it is
// relayed (it outlives the call); nullptr: not stored. `facts`: the client's
// request as the ACLs see it (request_header_access; its client address goes into
// X-Forwarded-For). The shutdown flag is read again when the reply starts, so a
// drain that began meanwhile ends the client connection after this reply.
awaitable<ForwardOutcome> forward_request(ClientSide* client, const RequestFacts& facts,
                                          http::request_parser<http::empty_body>& header_parser,
                                          const ForwardPlan& plan, CacheFill* fill, const ActiveConfig& active,
                                          WorkerServices& worker);

}  // namespace cuttle
