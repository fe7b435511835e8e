// cache_peer's CARP options as Squid parses them: carp only on parents, carp-key=
// after carp, with scheme/host/port/path/params items.
#include "proxy/config/config_parser.h"

#include "tests/unit/config_text.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace carp_config_test {

std::string error_of(std::string_view text) { return testing::config_error_of(text); }

TEST(CarpConfig, CarpKeyPartsAreParsed) {
  auto loaded = load_config_text(
      "http_port 3128\n"
      "cache_peer 10.0.0.1 parent 3128 0 carp carp-key=host,path weight=2\n"
      "cache_peer 10.0.0.2 parent 3128 0 carp\n",
      "test.conf");
  EXPECT_TRUE(loaded.warnings.empty());
  const auto& peers = loaded.config->cache_peers;
  ASSERT_EQ(peers.size(), 2u);
  EXPECT_TRUE(peers[0].carp);
  EXPECT_TRUE(peers[0].carp_key.host);
  EXPECT_TRUE(peers[0].carp_key.path);
  EXPECT_FALSE(peers[0].carp_key.scheme || peers[0].carp_key.port || peers[0].carp_key.params);
  EXPECT_FALSE(peers[1].carp_key.any());
}

TEST(CarpConfig, CarpKeyNeedsCarpFirstAndKnownParts) {
  EXPECT_EQ(error_of("http_port 3128\ncache_peer p parent 3128 0 carp-key=host carp\n"),
            "test.conf:2: cache_peer: carp-key= needs the carp option before it");
  EXPECT_EQ(error_of("http_port 3128\ncache_peer p parent 3128 0 carp carp-key=query\n"),
            "test.conf:2: cache_peer: carp-key= takes scheme,host,port,path,params; got 'carp-key=query'");
}

TEST(CarpConfig, CarpMembersMustBeParents) {
  EXPECT_EQ(error_of("http_port 3128\ncache_peer p sibling 3128 3130 carp\n"),
            "test.conf:2: cache_peer: carp needs a parent, not a sibling");
}

}  // namespace carp_config_test
}  // namespace cuttle
