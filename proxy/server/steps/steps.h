// The pipeline's steps (request_pipeline.cc runs them in this order), one file each.
#pragma once

#include "proxy/server/request_pipeline.h"

namespace cuttle {

// 400/501/417/405 for a request that cannot be taken as it is framed.
awaitable<StepResult> frame_request(ClientConnection& conn, Transaction& tx);
// cache_object:// and /squid-internal-mgr/ URLs: the cache manager's reports.
awaitable<StepResult> answer_cache_manager(ClientConnection& conn, Transaction& tx);
// /proxy.pac and /wpad.dat asked of the proxy as of a web server.
awaitable<StepResult> answer_pac_file(ClientConnection& conn, Transaction& tx);
// The request's target: absolute-form, CONNECT's authority, or an accelerator's Host.
awaitable<StepResult> resolve_target(ClientConnection& conn, Transaction& tx);
// The first request of a bumped tunnel whose server could not be reached
// securely: squid's ERR_SECURE_CONNECT_FAIL, then the connection ends.
awaitable<StepResult> answer_bump_error(ClientConnection& conn, Transaction& tx);
// Host against where an intercepted request was sent (or, with host_verify_strict,
// against the URL): 409, or the request goes on unverified.
awaitable<StepResult> verify_host(ClientConnection& conn, Transaction& tx);
// https_port … intercept ssl-bump: SslBump1 on the fake CONNECT, before http_access (steps/intercepted_tls.h).
awaitable<StepResult> decide_intercepted_step1(ClientConnection& conn, Transaction& tx);
// http_access over the request's facts (destinations resolved when a rule needs them).
awaitable<StepResult> check_http_access(ClientConnection& conn, Transaction& tx);
// url_rewrite_program: a redirect for the client, a new URL, or nothing.
awaitable<StepResult> rewrite_url(ClientConnection& conn, Transaction& tx);
// store_id_program: the key the reply is stored and found under.
awaitable<StepResult> choose_store_id(ClientConnection& conn, Transaction& tx);
// clientside_tos: the client connection's TOS byte, once the callouts are done.
awaitable<StepResult> mark_client(ClientConnection& conn, Transaction& tx);
// A Via that names this proxy: the request has been here before.
awaitable<StepResult> detect_forwarding_loop(ClientConnection& conn, Transaction& tx);
// TRACE or OPTIONS with Max-Forwards: 0: this proxy is the final recipient.
awaitable<StepResult> answer_max_forwards(ClientConnection& conn, Transaction& tx);
// PURGE removes the target's stored replies.
awaitable<StepResult> purge_stored(ClientConnection& conn, Transaction& tx);
// CONNECT: a tunnel to the target.
awaitable<StepResult> tunnel_connect(ClientConnection& conn, Transaction& tx);
// GET and HEAD with a cache: a hit, a revalidation, or a miss stored while relayed.
awaitable<StepResult> use_cache(ClientConnection& conn, Transaction& tx);
// Everything else goes upstream: peer selection, then the upstream exchange.
awaitable<StepResult> forward_upstream(ClientConnection& conn, Transaction& tx);

}  // namespace cuttle
