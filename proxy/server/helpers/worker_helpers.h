// A worker's helpers for the configuration in force, and what it remembers of
// their answers (the credentials cache). A new configuration gets new helper
// processes (the old ones finish what they hold and exit, as on Squid's
// reconfigure); cached credentials outlive it.
#pragma once

#include "proxy/auth/credentials_cache.h"
#include "proxy/auth/digest_users.h"
#include "proxy/auth/user_addresses.h"
#include "proxy/auth/user_notes.h"
#include "proxy/config/config.h"
#include "proxy/server/helpers/external_acl_helper.h"
#include "proxy/server/helpers/helper_pool.h"

#include <memory>
#include <vector>

namespace cuttle {

class WorkerHelpers {
 public:
  // `metrics`: where every worker's helpers are counted together (outlives this).
  WorkerHelpers(asio::any_io_executor executor, HelperMetrics& metrics)
      : executor_(std::move(executor)), metrics_(metrics) {}

  // Makes the pools match `config`: replaced when it changed, startup= processes
  // started. Cheap when nothing changed (called for every authenticated request
  // and once a second).
  void use(const std::shared_ptr<const Config>& config);
  // The helpers of the configuration `use` last saw; nullptr when it has none.
  HelperPool* basic_authenticator() { return basic_.get(); }
  HelperPool* digest_authenticator() { return digest_.get(); }
  // Stateful: a process is reserved for each handshake (HelperPool::Reservation).
  // Shared, so that a connection's reservation never outlives its pool.
  std::shared_ptr<HelperPool> ntlm_authenticator() { return ntlm_; }
  std::shared_ptr<HelperPool> negotiate_authenticator() { return negotiate_; }
  HelperPool* url_rewriter() { return url_rewriter_.get(); }
  HelperPool* store_id() { return store_id_.get(); }
  // The helper of an external_acl_type of that configuration; nullptr for a type
  // of another (older) configuration.
  ExternalAclHelper* external_acl(const ExternalAclType& type);
  auth::CredentialsCache& credentials() { return credentials_; }
  auth::DigestUsers& digest_users() { return digest_users_; }
  auth::UserAddresses& user_addresses() { return user_addresses_; }
  auth::UserNotes& user_notes() { return user_notes_; }
  // Drops every pool (their processes are told to exit and reaped). The worker
  // calls it before its io_context goes: the pipes are that context's descriptors.
  void clear();
  // Squid's garbage collection of the credentials cache (authenticate_ttl), at
  // most once per authenticate_cache_garbage_interval.
  void collect_garbage();

 private:
  asio::any_io_executor executor_;
  HelperMetrics& metrics_;
  std::shared_ptr<const Config> config_;
  std::shared_ptr<HelperPool> make_pool(const std::string& name, const HelperProgram& program,
                                        std::chrono::milliseconds timeout);

  std::shared_ptr<HelperPool> basic_, digest_, ntlm_, negotiate_, url_rewriter_, store_id_;
  std::vector<std::shared_ptr<ExternalAclHelper>> external_;
  auth::CredentialsCache credentials_;
  auth::DigestUsers digest_users_;
  auth::UserAddresses user_addresses_;
  auth::UserNotes user_notes_;
  std::chrono::steady_clock::time_point last_collection_ = std::chrono::steady_clock::now();
};

}  // namespace cuttle
