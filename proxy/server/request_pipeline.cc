#include "proxy/server/request_pipeline.h"

#include "proxy/server/steps/steps.h"

#include <iterator>

namespace cuttle {
namespace {

constexpr Step kSteps[] = {
    frame_request,           // read and framed (the header was read by ClientSession)
    answer_cache_manager,    // the proxy's own resources, with their own access checks
    answer_pac_file,
    resolve_target,          // forward / accelerator / intercepted / CONNECT / bumped
    answer_bump_error,       // a bumped tunnel whose server failed its TLS checks
    decide_intercepted_step1,  // an intercepted TLS connection's SslBump1, as squid decides it first
    verify_host,             // Host leads where the request was sent (CVE-2009-0801)
    check_http_access,       // authenticating when a rule needs it
    rewrite_url,             // url_rewrite_program: a redirect, a new URL, or nothing
    choose_store_id,         // store_id_program: the key the reply is stored under
    mark_client,             // clientside_tos
    detect_forwarding_loop,
    answer_max_forwards,
    purge_stored,
    tunnel_connect,
    use_cache,
    forward_upstream,
};

}  // namespace

awaitable<bool> run_request_pipeline(ClientConnection& conn, Transaction& tx) {
  for (Step step : kSteps)
    if (auto answered = co_await step(conn, tx)) co_return *answered;
  co_return false;  // forward_upstream answers everything that reaches it
}

}  // namespace cuttle
