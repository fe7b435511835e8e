#include "proxy/config/acl/header_facts.h"

#include "proxy/config/ascii_case.h"
#include "proxy/log/single_field_headers.h"

#include <boost/beast/core/string.hpp>

#include <algorithm>
#include <cctype>

namespace cuttle {

void HeaderFacts::add(std::string_view name, std::string_view value) {
  const auto lower = ascii_lowercase(name);
  auto it = std::find_if(fields_.begin(), fields_.end(), [&](const Field& f) { return f.name == lower; });
  if (it == fields_.end()) it = fields_.insert(fields_.end(), Field{lower, {}});
  it->values.emplace_back(value);
}

const std::vector<std::string>* HeaderFacts::values(std::string_view name) const {
  auto it = std::find_if(fields_.begin(), fields_.end(),
                         [&](const Field& f) { return boost::beast::iequals(f.name, name); });
  return it == fields_.end() ? nullptr : &it->values;
}

std::optional<std::string> HeaderFacts::first(std::string_view name) const {
  const auto* all = values(name);
  if (!all) return std::nullopt;
  return all->front();
}

std::optional<std::string> HeaderFacts::squid_value(std::string_view name) const {
  const auto* all = values(name);
  if (!all) return std::nullopt;
  if (squid_single_field_header(name)) return all->front();
  std::string joined;
  for (const auto& v : *all) {
    if (!joined.empty()) joined += ", ";  // as Squid's strListAdd: no separator after nothing
    joined += v;
  }
  return joined;
}

}  // namespace cuttle
