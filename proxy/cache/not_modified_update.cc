#include "proxy/cache/not_modified_update.h"

#include <algorithm>
#include <string>
#include <vector>

namespace cuttle {

void apply_not_modified(http::fields& stored, const http::fields& not_modified) {
  // Content-Length/-Range/-Encoding and Transfer-Encoding belong to the body the
  // cache holds; Set-Cookie is per-user and is never stored.
  static constexpr http::field kKept[] = {http::field::content_length, http::field::content_range,
                                          http::field::content_encoding, http::field::transfer_encoding,
                                          http::field::set_cookie};
  auto kept = [](const http::fields::value_type& f) {
    return f.name() != http::field::unknown && std::find(std::begin(kKept), std::end(kKept), f.name()) != std::end(kKept);
  };
  // Every name the 304 carries is replaced as a whole (all its lines).
  std::vector<std::string> replaced;
  for (const auto& f : not_modified) {
    if (kept(f)) continue;
    std::string name(f.name_string());
    if (std::find(replaced.begin(), replaced.end(), name) == replaced.end()) {
      stored.erase(f.name_string());
      replaced.push_back(std::move(name));
    }
  }
  for (const auto& f : not_modified)
    if (!kept(f)) stored.insert(f.name_string(), f.value());
}

}  // namespace cuttle
