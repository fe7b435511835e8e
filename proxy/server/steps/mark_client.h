// clientside_tos on the client connection (see mark_client.cc).
#pragma once

#include "proxy/server/steps/steps.h"

namespace cuttle {

void mark_client_connection(ClientConnection& conn, const Transaction& tx);

}  // namespace cuttle
