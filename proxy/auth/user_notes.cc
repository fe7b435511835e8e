#include "proxy/auth/user_notes.h"

#include <algorithm>

namespace cuttle::auth {

// Squid's NotePairs::replaceOrAddOrAppend, then the private ha1 removed.
void UserNotes::remember(const std::string& user, const Annotations& helper_notes,
                         std::initializer_list<std::string_view> appendables, Clock::time_point now) {
  if (helper_notes.empty()) return;
  auto [it, added] = users_.try_emplace(user);
  if (added) it->second.first = now;
  auto& notes = it->second.notes;
  for (const auto& sent : helper_notes)
    if (std::find(appendables.begin(), appendables.end(), sent.first) == appendables.end())
      std::erase_if(notes, [&](const auto& note) { return note.first == sent.first; });
  notes.insert(notes.end(), helper_notes.begin(), helper_notes.end());
  std::erase_if(notes, [](const auto& note) { return note.first == "ha1"; });
}

const Annotations* UserNotes::of(const std::string& user) const {
  auto it = users_.find(user);
  return it == users_.end() ? nullptr : &it->second.notes;
}

void UserNotes::expire(Clock::duration authenticate_ttl, Clock::time_point now) {
  std::erase_if(users_, [&](const auto& entry) { return entry.second.first + authenticate_ttl < now; });
}

}  // namespace cuttle::auth
