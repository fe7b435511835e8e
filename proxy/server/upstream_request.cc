#include "proxy/server/upstream_request.h"

#include "proxy/http/header_additions.h"
#include "proxy/http/header_mangling.h"
#include "proxy/http/header_rules.h"
#include "proxy/http/request_line.h"

namespace cuttle {

void shape_upstream_request(http::request_header<>& req, const NextHop& hop, const ActiveConfig& active,
                            const RequestFacts& facts, unsigned client_version, const AccessLogEntry* entry) {
  const Config& config = *active.config;
  remove_hop_by_hop(req);
  req.erase(http::field::expect);
  // RFC 9110 §7.6.2 (Max-Forwards 0 never gets here: the session answers it).
  if (auto hops = max_forwards(req.method(), req); hops && *hops > 0)
    req.set(http::field::max_forwards, std::to_string(*hops - 1));
  // Credentials for a proxy are not the origin's business (Squid passes them only
  // to peers with login=, which the hop carries).
  req.erase(http::field::proxy_authorization);
  if (!hop.proxy_authorization.empty()) req.set(http::field::proxy_authorization, hop.proxy_authorization);
  if (hop.drop_authorization) req.erase(http::field::authorization);
  if (hop.only_if_cached) {
    auto directives = joined_values(req, "Cache-Control");
    req.set(http::field::cache_control, directives.empty() ? "only-if-cached" : directives + ", only-if-cached");
  }
  req.target(hop.request_target);
  req.set(http::field::host, hop.host_header);
  if (config.via) append_via(req, client_version, active.hostname, active.product());
  apply_forwarded_for(req, config.forwarded_for, facts.client.to_string());
  req.version(11);
  // Last, as in Squid: the rules may remove this proxy's own fields too; then
  // request_header_add (httpHdrMangleList).
  mangle_headers(req, config.request_header_manglers, facts);
  add_header_fields(req, config.request_header_additions, facts, entry);
}

void ask_for_whole_object(http::request_header<>& req) {
  req.erase(http::field::range);
  req.erase(http::field::if_range);
  req.erase("Request-Range");
}

void ask_with_stored_validators(http::request_header<>& req, const http::response_header<>& stored) {
  for (auto name : {http::field::if_none_match, http::field::if_modified_since, http::field::if_range,
                    http::field::range})
    req.erase(name);
  if (auto etag = stored[http::field::etag]; !etag.empty()) req.set(http::field::if_none_match, etag);
  if (auto modified = stored[http::field::last_modified]; !modified.empty())
    req.set(http::field::if_modified_since, modified);
}

}  // namespace cuttle
