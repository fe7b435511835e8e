#include "proxy/server/forward_reports.h"

#include <iomanip>
#include <iostream>

namespace cuttle {

void report_hop_attempt(ProxyRuntime& runtime, const ForwardPlan& plan, const ForwardOutcome& outcome) {
  if (plan.peer_name.empty()) return;
  auto& health = runtime.peer_health();
  const bool connect_failed = outcome.error && outcome.server_address.empty() &&
                              (*outcome.error == ErrorKind::ConnectFailed || *outcome.error == ErrorKind::ConnectTimeout ||
                               *outcome.error == ErrorKind::DnsFailure || *outcome.error == ErrorKind::TlsFailed);
  if (connect_failed) health.connect_failed(plan.peer_name, plan.peer_kind, std::chrono::steady_clock::now());
  else if (!outcome.server_address.empty()) health.connect_succeeded(plan.peer_name, plan.peer_kind);
  runtime.metrics().peers().attempt(plan.peer_name, plan.hierarchy, outcome.error.has_value());
}

void report_forwarding_result(ProxyRuntime& runtime, const ForwardOutcome& outcome) {
  // Squid's checkFailureRatio: only with ICP on, the one thing HIT-only mode changes.
  if (!runtime.icp()) return;
  // Squid counts ERR_DNS_FAIL, ERR_CONNECT_FAIL (refused or timed out),
  // ERR_SECURE_CONNECT_FAIL and ERR_READ_ERROR.
  bool failed = false;
  if (outcome.error) {
    switch (*outcome.error) {
      case ErrorKind::DnsFailure:
      case ErrorKind::ConnectFailed:
      case ErrorKind::ConnectTimeout:
      case ErrorKind::TlsFailed:
      case ErrorKind::ReadError:
        failed = true;
        break;
      default:
        break;
    }
  }
  if (auto ratio = runtime.hit_only_mode().note_forwarded(failed, std::chrono::steady_clock::now())) {
    std::cerr << "cuttle: WARNING: Failure Ratio at " << std::setprecision(3) << *ratio << "\n"
              << "cuttle: WARNING: ICP going into HIT-only mode for "
              << std::chrono::duration_cast<std::chrono::minutes>(icp::kHitOnlyModeTime).count() << " minutes..."
              << std::endl;
  }
}

}  // namespace cuttle
