// range_offset_limit: which Range misses fetch the whole object, as squid 5.7's
// decideIfWeDoRanges and HttpHdrRange::offsetLimitExceeded decide.
#include "proxy/config/config_parser.h"
#include "proxy/http/range_prefetch.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace range_prefetch_test {

RangeFetch fetch_for(const std::string& lines, std::string_view range, const char* client = "127.0.0.1") {
  auto loaded = load_config_text("http_port 3128\n" + lines, "test.conf");
  RequestFacts facts;
  facts.client = boost::asio::ip::make_address(client);
  facts.method = "GET";
  return range_fetch(*loaded.config, facts, range);
}

TEST(RangePrefetch, TheFirstOffsetIsTheLowestOneAndASuffixMakesATailRequest) {
  EXPECT_EQ(range_first_offset("bytes=500-600, 100-199"), 100);
  EXPECT_EQ(range_first_offset("bytes=10-, -5"), -1);
  EXPECT_EQ(range_first_offset("bytes=5-1"), std::nullopt) << "an invalid spec drops the header";
  EXPECT_EQ(range_first_offset("items=1-2"), std::nullopt);
}

TEST(RangePrefetch, TheFirstMatchingLineDecides) {
  EXPECT_EQ(fetch_for("", "bytes=0-9"), RangeFetch::AsAsked) << "no line: 0";
  EXPECT_EQ(fetch_for("range_offset_limit none\n", "bytes=-9"), RangeFetch::WholeObjectAlways);
  EXPECT_EQ(fetch_for("range_offset_limit 1 KB\n", "bytes=1024-"), RangeFetch::WholeObject);
  EXPECT_EQ(fetch_for("range_offset_limit 1 KB\n", "bytes=1025-"), RangeFetch::AsAsked);
  EXPECT_EQ(fetch_for("range_offset_limit 1 KB\n", "bytes=-9"), RangeFetch::AsAsked) << "a tail request";
  EXPECT_EQ(fetch_for("range_offset_limit 0\n", "bytes=0-9"), RangeFetch::AsAsked);
  const std::string by_client = "acl far src 10.0.0.0/8\nrange_offset_limit -1 far\nrange_offset_limit 100\n";
  EXPECT_EQ(fetch_for(by_client, "bytes=500-", "10.1.2.3"), RangeFetch::WholeObjectAlways);
  EXPECT_EQ(fetch_for(by_client, "bytes=500-", "127.0.0.1"), RangeFetch::AsAsked);
  EXPECT_EQ(fetch_for("range_offset_limit none\n", "bytes=oops"), RangeFetch::AsAsked);
}

}  // namespace range_prefetch_test
}  // namespace cuttle
