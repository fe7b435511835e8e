// cache_replacement_policy and memory_replacement_policy read as squid 5.7 reads
// them: each cache_dir takes the policy written above it.
#include "proxy/config/config_parser.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace cuttle {
namespace replacement_policy_config_test {

using Policy = ReplacementPolicyConfig;

LoadedConfig parse(const std::string& text) { return load_config_text("http_port 3128\n" + text, "test.conf"); }

TEST(ReplacementPolicyConfig, EachCacheDirTakesThePolicyAboveIt) {
  auto loaded = parse(
      "cache_dir ufs /tmp/a 10 16 256\n"
      "cache_replacement_policy heap GDSF\n"
      "cache_dir aufs /tmp/b 10 16 256\n"
      "cache_replacement_policy heap LFUDA\n"
      "cache_dir rock /tmp/c 10\n"
      "memory_replacement_policy heap LRU\n");
  const auto& dirs = loaded.config->cache_dirs;
  ASSERT_EQ(dirs.size(), 3u);
  EXPECT_EQ(dirs[0].replacement, Policy::Lru);
  EXPECT_EQ(dirs[1].replacement, Policy::HeapGdsf);
  EXPECT_EQ(dirs[2].replacement, Policy::HeapLfuda);
  EXPECT_EQ(loaded.config->memory_replacement, Policy::HeapLru);
}

TEST(ReplacementPolicyConfig, HeapWithoutAKnownKeyTypeIsLruWithSquidsWarning) {
  for (const std::string line : {"heap", "heap gdsf", "heap FIFO"}) {
    auto loaded = parse("memory_replacement_policy " + line + "\n");
    EXPECT_EQ(loaded.config->memory_replacement, Policy::HeapLru) << line;
    ASSERT_EQ(loaded.warnings.size(), 1u) << line;
    EXPECT_NE(loaded.warnings[0].find("using LRU"), std::string::npos) << loaded.warnings[0];
  }
  auto extra = parse("cache_replacement_policy heap GDSF more\n");
  EXPECT_EQ(extra.config->cache_replacement, Policy::HeapGdsf);
  EXPECT_EQ(extra.warnings.size(), 1u);
}

TEST(ReplacementPolicyConfig, AnUnknownPolicyIsRefusedWithItsLine) {
  try {
    parse("cache_replacement_policy fifo\n");
    FAIL() << "accepted";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("test.conf:2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("unknown policy 'fifo'"), std::string::npos) << e.what();
  }
}

}  // namespace replacement_policy_config_test
}  // namespace cuttle
