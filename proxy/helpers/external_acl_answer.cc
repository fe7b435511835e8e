#include "proxy/helpers/external_acl_answer.h"

namespace cuttle::helpers {

ExternalAnswer read_external_answer(const HelperReply& reply) {
  ExternalAnswer answer;
  if (reply.result == HelperResult::Ok) answer.result = ExternalAnswer::Result::Match;
  else if (reply.result == HelperResult::Error) answer.result = ExternalAnswer::Result::NoMatch;
  // Squid keeps the first non-empty value of each.
  auto first = [&](std::string_view key) { return reply.note(key).value_or(std::string()); };
  answer.user = first("user");
  answer.tag = first("tag");
  answer.log = first("log");
  answer.message = first("message");
  answer.notes = reply.notes;
  return answer;
}

std::chrono::seconds ExternalAnswerCache::ttl_of(const ExternalAnswer& answer) const {
  return answer.result == ExternalAnswer::Result::Match ? type_.ttl : type_.negative_ttl;
}

std::optional<ExternalAnswerCache::Found> ExternalAnswerCache::find(const std::string& key, Clock::time_point now) {
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  entries_.splice(entries_.begin(), entries_, it->second);
  const Entry& entry = *it->second;
  const auto ttl = ttl_of(*entry.answer);
  // Squid's external_acl_entry_expired / external_acl_grace_expired, in seconds.
  const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - entry.date);
  Found found{entry.answer};
  found.fresh = age <= ttl;
  found.refresh = found.fresh && age >= ttl * (100 - type_.grace) / 100;
  return found;
}

void ExternalAnswerCache::remember(const std::string& key, std::shared_ptr<const ExternalAnswer> answer,
                                   Clock::time_point now) {
  const bool known = answer->result != ExternalAnswer::Result::Unknown;
  if (!known || !type_.remembers(answer->result == ExternalAnswer::Result::Match)) {
    if (!known)
      if (auto it = index_.find(key); it != index_.end()) entries_.erase(it->second), index_.erase(it);
    return;
  }
  if (auto it = index_.find(key); it != index_.end()) {
    it->second->answer = std::move(answer);
    it->second->date = now;
    entries_.splice(entries_.begin(), entries_, it->second);
    return;
  }
  if (entries_.size() >= type_.cache_size) {
    index_.erase(entries_.back().key);
    entries_.pop_back();
  }
  entries_.push_front({key, std::move(answer), now});
  index_[key] = entries_.begin();
}

}  // namespace cuttle::helpers
