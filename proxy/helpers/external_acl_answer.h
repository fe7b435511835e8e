// What an external ACL helper's reply means (src/external_acl.cc,
// externalAclHandleReply), and the answers a worker remembers for ttl seconds,
// least recently used forgotten first. Pure: no I/O, times passed in.
#pragma once

#include "proxy/config/acl/facts.h"
#include "proxy/config/external_acl_type.h"
#include "proxy/helpers/helper_reply.h"

#include <chrono>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace cuttle::helpers {

// OK matches, ERR does not, anything else (BH, a dead or silent helper) is
// unknown; user=, tag=, log= and message= are kept apart, every pair as a note.
ExternalAnswer read_external_answer(const HelperReply& reply);

class ExternalAnswerCache {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ExternalAnswerCache(const ExternalAclType& type) : type_(type) {}

  struct Found {
    std::shared_ptr<const ExternalAnswer> answer;
    bool fresh = false;     // within its ttl (negative_ttl for a mismatch)
    bool refresh = false;   // fresh, but in the last grace% of its life: ask again in the background
  };
  // The remembered answer for `key`, fresh or not (a stale one may still serve
  // when the helper is overloaded). Marks it recently used.
  std::optional<Found> find(const std::string& key, Clock::time_point now);
  // Remembers `answer` when the type's ttl allows; an unknown answer forgets the key.
  void remember(const std::string& key, std::shared_ptr<const ExternalAnswer> answer, Clock::time_point now);
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const ExternalAnswer> answer;
    Clock::time_point date;
  };
  std::chrono::seconds ttl_of(const ExternalAnswer& answer) const;

  const ExternalAclType& type_;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace cuttle::helpers
