// Squid's result codes (access.log's 4th field, "TCP_HIT/200") and hierarchy codes
// (9th field, "HIER_DIRECT/10.0.0.1") as types: one enum each and one table to
// Squid's words, so access.log, metrics, the cache manager and ICP logging say
// the same thing and code compares values, not strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cuttle {

enum class ResultCode : uint8_t {
  None,                  // nothing was decided (an error before any cache use)
  TcpHit,
  TcpMemHit,             // a hit from the memory cache (no cache_dir: cache_mem)
  TcpMiss,
  TcpImsHit,             // a fresh copy answered If-Modified-Since with 304
  TcpInmHit,             // ... If-None-Match
  TcpNegativeHit,        // a stored error (negative_ttl)
  TcpRefreshUnmodified,  // revalidated: 304, the stored copy served
  TcpRefreshModified,    // revalidated: a new reply
  TcpRefreshFailOld,     // revalidation failed, the stale copy served
  TcpRefreshFailErr,     // revalidation failed, the error relayed
  TcpClientRefreshMiss,  // the client asked for a fresh copy
  TcpSwapfailMiss,       // the stored body was damaged: fetched again
  TcpDenied,
  TcpDeniedReply,
  TcpTunnel,
  TcpRedirect,           // a URL rewriter answered with a redirect (url_rewrite_program)
  UdpHit,
  UdpMiss,
  UdpMissNofetch,
  UdpDenied,
  UdpInvalid,
};

// What happened to the reply after it started ("_ABORTED" in access.log).
enum class ResultSuffix : uint8_t { None, Aborted, TimedOut };

enum class Hierarchy : uint8_t {
  None,
  Direct,
  SiblingHit,
  ParentHit,
  DefaultParent,
  FirstupParent,
  FirstParentMiss,
  ClosestParentMiss,
  RoundrobinParent,
  Carp,
  AnyOldParent,
  OriginalDst,  // an intercepted request sent where the client sent it
};

// A hierarchy code and whether peer selection stopped waiting for ICP replies
// (Squid's "TIMEOUT_" prefix).
struct HierarchyCode {
  Hierarchy code = Hierarchy::None;
  bool ping_timed_out = false;
  bool operator==(const HierarchyCode&) const = default;
};

// How metrics group results.
enum class ResultClass : uint8_t { Hit, Miss, Denied, Tunnel, Error };

std::string_view squid_name(ResultCode code);
std::string_view squid_name(ResultSuffix suffix);
std::string_view squid_name(Hierarchy code);
std::string squid_name(HierarchyCode code);  // with the TIMEOUT_ prefix
std::string_view class_name(ResultClass c);

// The code Squid writes as `name` ("TCP_HIT", "TIMEOUT_CARP"); nothing for
// another word.
std::optional<ResultCode> result_code_named(std::string_view name);
std::optional<HierarchyCode> hierarchy_named(std::string_view name);

// Hits are answered from the store (a revalidated or stale-on-error copy too);
// errors are replies of 5xx, or none at all.
ResultClass result_class(ResultCode code, unsigned status);

}  // namespace cuttle
