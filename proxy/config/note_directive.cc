#include "proxy/config/note_directive.h"

#include <algorithm>
#include <cctype>

namespace cuttle {
namespace {

// Squid's Notes::ReservedKeys: what its helpers' replies use among themselves.
constexpr std::string_view kReservedKeys[] = {"group",   "ha1",         "log",    "message", "password", "rewrite-url",
                                              "status",  "tag",         "ttl",    "url",     "user"};

void check_key(const std::string& key, ParseContext& ctx) {
  if (std::find(std::begin(kReservedKeys), std::end(kReservedKeys), key) != std::end(kReservedKeys))
    throw DirectiveError("note: cannot use a reserved annotation name: " + key);
  const auto special = std::find_if(key.begin(), key.end(), [](unsigned char c) {
    return !std::isalnum(c) && c != '-' && c != '_';
  });
  // Squid accepts it, for now, with this warning.
  if (special != key.end())
    ctx.warn("used special character '" + std::string(1, *special) +
             "' within annotation name. Future Squid versions will not support this.");
}

ConfigNote& note_for(ConfigNotes& notes, const std::string& key) {
  const auto found = std::find_if(notes.begin(), notes.end(), [&](const auto& note) { return note.key == key; });
  if (found != notes.end()) return *found;
  notes.push_back({key, {}});
  return notes.back();
}

}  // namespace

void note_directive(DirectiveArgs& args, ParseContext& ctx) {
  if (args.empty()) throw DirectiveError("note: missing note key");
  const std::string key = args.next("note key").text;
  check_key(key, ctx);
  if (args.empty()) throw DirectiveError("note: missing note value");
  ConfigNote::Value value;
  value.text = args.next("note value").text;
  value.acls.allow = true;
  value.acls.where = ctx.where;
  while (auto word = args.next_if_any()) value.acls.acls.push_back(acl_reference(word->text, "note", ctx));
  note_for(ctx.config.notes, key).values.push_back(std::move(value));
}

}  // namespace cuttle
