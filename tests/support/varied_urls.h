// Deterministic streams of varied request URLs for tests that compare CARP member
// choices between implementations: many hosts, explicit default and other ports,
// mixed case in scheme and host, deep and empty paths, queries, %-escapes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cuttle::testing {

struct UrlVariety {
  bool https = false;      // also https:// URLs (not for a proxy that gets them as GET)
  bool non_ascii = false;  // also raw UTF-8 bytes in paths (not on the wire)
};

std::vector<std::string> varied_urls(size_t count, uint32_t seed, UrlVariety variety = {});

}  // namespace cuttle::testing
