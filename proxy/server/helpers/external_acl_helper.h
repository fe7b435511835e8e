// One external_acl_type on one worker (as each Squid kid runs its own): its
// helper processes, the answers it remembers, and the lookups in flight, so that
// requests asking the same question wait for one answer. A remembered answer in
// the last grace% of its life is refreshed in the background while it serves.
#pragma once

#include "proxy/config/external_acl_type.h"
#include "proxy/helpers/external_acl_answer.h"
#include "proxy/server/helpers/helper_pool.h"

#include <map>
#include <memory>
#include <string>

namespace cuttle {

class ExternalAclHelper : public std::enable_shared_from_this<ExternalAclHelper> {
 public:
  ExternalAclHelper(asio::any_io_executor executor, std::shared_ptr<const ExternalAclType> type,
                    std::shared_ptr<HelperPool> pool);

  // The answer for the line `key`: remembered and fresh, else the helper's. When
  // every process is busy and the queue is full, a stale answer, else Unknown
  // ("SYSTEM TOO BUSY, TRY AGAIN LATER"), as Squid.
  awaitable<std::shared_ptr<const ExternalAnswer>> answer(std::string key);

  const ExternalAclType& type() const { return *type_; }
  size_t remembered() const { return cache_.size(); }

 private:
  struct Pending;
  awaitable<std::shared_ptr<const ExternalAnswer>> ask(std::string key);
  void refresh_in_background(const std::string& key);

  asio::any_io_executor executor_;
  std::shared_ptr<const ExternalAclType> type_;
  std::shared_ptr<HelperPool> pool_;
  helpers::ExternalAnswerCache cache_;
  std::map<std::string, std::shared_ptr<Pending>> pending_;  // by key, while the helper is asked
};

}  // namespace cuttle
