// store_id_program: the key the reply is stored and found under, so one object
// fetched through many mirror URLs is stored once. The request still goes to its
// own URL; refresh_pattern and PURGE use the ID, as in Squid.
#include "proxy/helpers/rewrite_reply.h"
#include "proxy/server/steps/helper_line.h"
#include "proxy/server/steps/steps.h"

namespace cuttle {

awaitable<StepResult> choose_store_id(ClientConnection& conn, Transaction& tx) {
  const auto& config = tx.config().store_id;
  auto reply = co_await ask_rewrite_helper(conn, tx, config ? &*config : nullptr, &WorkerHelpers::store_id);
  if (!reply) co_return kNextStep;
  annotate(tx.facts.annotations, reply->notes);  // as Squid's UpdateRequestNotes
  if (auto id = helpers::decide_store_id(*reply); id && *id != tx.entry.url) tx.store_id = *id;
  co_return kNextStep;
}

}  // namespace cuttle
