#include "proxy/log/list_member.h"

#include <cctype>

namespace cuttle {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Squid's strListGetItem: the next item from `pos`, or empty at the end.
std::string_view next_item(std::string_view list, size_t& pos, char delimiter) {
  while (pos < list.size() && (is_blank(list[pos]) || list[pos] == delimiter || list[pos] == ',')) ++pos;
  const size_t start = pos;
  bool quoted = false;
  for (; pos < list.size(); ++pos) {
    const char c = list[pos];
    if (c == '"') {
      quoted = !quoted;
    } else if (quoted && c == '\\') {
      if (pos + 1 < list.size()) ++pos;
    } else if (!quoted && (c == delimiter || c == ',')) {
      break;
    }
  }
  auto item = list.substr(start, pos - start);
  while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.remove_suffix(1);
  return item;
}

}  // namespace

std::string list_member(std::string_view list, std::string_view member, char delimiter) {
  size_t pos = 0;
  for (auto item = next_item(list, pos, delimiter); !item.empty(); item = next_item(list, pos, delimiter)) {
    if (item.size() > member.size() && item.starts_with(member) && item[member.size()] == '=')
      return std::string(item.substr(member.size() + 1));
  }
  return {};
}

}  // namespace cuttle
