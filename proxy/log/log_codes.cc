#include "proxy/log/log_codes.h"

namespace cuttle {

std::string_view squid_name(ResultCode code) {
  switch (code) {
    case ResultCode::None: return "NONE_NONE";  // squid 5.7's LogTags: "NONE" and TAG_NONE's "_NONE"
    case ResultCode::TcpHit: return "TCP_HIT";
    case ResultCode::TcpMemHit: return "TCP_MEM_HIT";
    case ResultCode::TcpMiss: return "TCP_MISS";
    case ResultCode::TcpImsHit: return "TCP_IMS_HIT";
    case ResultCode::TcpInmHit: return "TCP_INM_HIT";
    case ResultCode::TcpNegativeHit: return "TCP_NEGATIVE_HIT";
    case ResultCode::TcpRefreshUnmodified: return "TCP_REFRESH_UNMODIFIED";
    case ResultCode::TcpRefreshModified: return "TCP_REFRESH_MODIFIED";
    case ResultCode::TcpRefreshFailOld: return "TCP_REFRESH_FAIL_OLD";
    case ResultCode::TcpRefreshFailErr: return "TCP_REFRESH_FAIL_ERR";
    case ResultCode::TcpClientRefreshMiss: return "TCP_CLIENT_REFRESH_MISS";
    case ResultCode::TcpSwapfailMiss: return "TCP_SWAPFAIL_MISS";
    case ResultCode::TcpDenied: return "TCP_DENIED";
    case ResultCode::TcpDeniedReply: return "TCP_DENIED_REPLY";
    case ResultCode::TcpRedirect: return "TCP_REDIRECT";
    case ResultCode::TcpTunnel: return "TCP_TUNNEL";
    case ResultCode::UdpHit: return "UDP_HIT";
    case ResultCode::UdpMiss: return "UDP_MISS";
    case ResultCode::UdpMissNofetch: return "UDP_MISS_NOFETCH";
    case ResultCode::UdpDenied: return "UDP_DENIED";
    case ResultCode::UdpInvalid: return "UDP_INVALID";
  }
  return "NONE_NONE";
}

std::string_view squid_name(ResultSuffix suffix) {
  switch (suffix) {
    case ResultSuffix::None: return "";
    case ResultSuffix::Aborted: return "_ABORTED";
    case ResultSuffix::TimedOut: return "_TIMEDOUT";
  }
  return "";
}

std::string_view squid_name(Hierarchy code) {
  switch (code) {
    case Hierarchy::None: return "HIER_NONE";
    case Hierarchy::Direct: return "HIER_DIRECT";
    case Hierarchy::SiblingHit: return "SIBLING_HIT";
    case Hierarchy::ParentHit: return "PARENT_HIT";
    case Hierarchy::DefaultParent: return "DEFAULT_PARENT";
    case Hierarchy::FirstupParent: return "FIRSTUP_PARENT";
    case Hierarchy::FirstParentMiss: return "FIRST_PARENT_MISS";
    case Hierarchy::ClosestParentMiss: return "CLOSEST_PARENT_MISS";
    case Hierarchy::RoundrobinParent: return "ROUNDROBIN_PARENT";
    case Hierarchy::Carp: return "CARP";
    case Hierarchy::AnyOldParent: return "ANY_OLD_PARENT";
    case Hierarchy::OriginalDst: return "ORIGINAL_DST";
  }
  return "HIER_NONE";
}

std::string squid_name(HierarchyCode code) {
  std::string name = code.ping_timed_out ? "TIMEOUT_" : "";
  name += squid_name(code.code);
  return name;
}

std::string_view class_name(ResultClass c) {
  switch (c) {
    case ResultClass::Hit: return "hit";
    case ResultClass::Miss: return "miss";
    case ResultClass::Denied: return "denied";
    case ResultClass::Tunnel: return "tunnel";
    case ResultClass::Error: return "error";
  }
  return "error";
}

std::optional<ResultCode> result_code_named(std::string_view name) {
  for (auto i = 0; i <= static_cast<int>(ResultCode::UdpInvalid); ++i)
    if (squid_name(static_cast<ResultCode>(i)) == name) return static_cast<ResultCode>(i);
  return std::nullopt;
}

std::optional<HierarchyCode> hierarchy_named(std::string_view name) {
  HierarchyCode code;
  constexpr std::string_view kTimeout = "TIMEOUT_";
  if (name.starts_with(kTimeout)) {
    code.ping_timed_out = true;
    name.remove_prefix(kTimeout.size());
  }
  for (auto i = 0; i <= static_cast<int>(Hierarchy::OriginalDst); ++i) {
    code.code = static_cast<Hierarchy>(i);
    if (squid_name(code.code) == name) return code;
  }
  return std::nullopt;
}

ResultClass result_class(ResultCode code, unsigned status) {
  switch (code) {
    case ResultCode::TcpDenied:
    case ResultCode::TcpDeniedReply:
    case ResultCode::UdpDenied:
      return ResultClass::Denied;
    case ResultCode::TcpTunnel:
      return ResultClass::Tunnel;
    case ResultCode::TcpHit:
    case ResultCode::TcpMemHit:
    case ResultCode::TcpImsHit:
    case ResultCode::TcpInmHit:
    case ResultCode::TcpNegativeHit:
    case ResultCode::TcpRefreshUnmodified:
    case ResultCode::TcpRefreshFailOld:
    case ResultCode::UdpHit:
      return ResultClass::Hit;
    case ResultCode::None:
      return ResultClass::Error;
    default:
      return status == 0 || status >= 500 ? ResultClass::Error : ResultClass::Miss;
  }
}

}  // namespace cuttle
