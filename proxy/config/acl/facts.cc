#include "proxy/config/acl/facts.h"

#include <algorithm>

namespace cuttle {

void ExternalFacts::take(const void* acl, std::shared_ptr<const ExternalAnswer> answer) {
  if (!answer->user.empty()) user = answer->user;
  if (tag.empty()) tag = answer->tag;
  if (!answer->log.empty()) log = answer->log;
  if (!answer->message.empty()) message = answer->message;
  std::erase_if(answers, [&](const auto& a) { return a.first == acl; });
  answers.emplace_back(acl, std::move(answer));
}

void annotate(Annotations& annotations, const Annotations& helper_notes) {
  for (const auto& sent : helper_notes)
    std::erase_if(annotations, [&](const auto& note) { return note.first == sent.first; });
  annotations.insert(annotations.end(), helper_notes.begin(), helper_notes.end());
}

}  // namespace cuttle
