// NTLM and Negotiate authenticate the connection, not each request (Squid's
// ConnStateData::getAuth): the handshake relays tokens between the client and a
// helper process kept for it, and once the helper accepts, every later request on
// the connection is that user's.
#pragma once

#include "proxy/server/helpers/helper_pool.h"

#include <memory>
#include <string>

namespace cuttle {

struct ConnectionAuth {
  enum class Scheme { Ntlm, Negotiate };
  enum class State {
    Unchecked,  // the client's first token is in; the helper gets it as YR
    Handshake,  // the helper answered TT: its token goes to the client, the next one back as KK
    Accepted,   // the helper said OK: the connection is `user`'s
    Failed,     // refused, or the helper failed: the connection closes with the next challenge
  };

  explicit ConnectionAuth(Scheme s) : scheme(s) {}
  // As challenges and credentials name it.
  static const char* name_of(Scheme s) { return s == Scheme::Ntlm ? "NTLM" : "Negotiate"; }

  Scheme scheme;
  State state = State::Unchecked;
  std::string client_token;  // the client's latest, for the helper
  std::string server_token;  // the helper's latest, for the next challenge (sent once)
  std::string user;
  // The helper answered TT to a request that would close the connection: the
  // handshake cannot go on, and Squid sends this scheme no challenge.
  bool needed_keep_alive = false;
  std::shared_ptr<HelperPool> pool;   // the pool the reservation belongs to (kept alive by it)
  HelperPool::Reservation reservation;  // declared after `pool`: released before it goes
};

}  // namespace cuttle
