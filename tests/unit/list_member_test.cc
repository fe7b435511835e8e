// squid 5.7's getListMember / strListGetItem, which %{Name:member}>h uses.
#include "proxy/log/list_member.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace list_member_test {

TEST(ListMember, FirstItemNamingTheMember) {
  EXPECT_EQ(list_member("a=1, b=2, a=3", "a", ','), "1");
  EXPECT_EQ(list_member("a=1, b=2", "b", ','), "2");
  EXPECT_EQ(list_member("a=1, b=2", "c", ','), "");
  EXPECT_EQ(list_member("ab=1, a=2", "a", ','), "2") << "the name must end at '='";
  EXPECT_EQ(list_member("A=1", "a", ','), "") << "names compare with case";
  EXPECT_EQ(list_member("a", "a", ','), "");
  EXPECT_EQ(list_member("a=", "a", ','), "") << "squid wants more than the name and '='";
}

TEST(ListMember, CommaAlwaysSeparatesItems) {
  EXPECT_EQ(list_member("a=1; b=2", "b", ';'), "2");
  EXPECT_EQ(list_member("a=1; b=2, c=3", "c", ';'), "3");
  EXPECT_EQ(list_member("a=1; b=2", "a", ','), "1; b=2") << "';' is not a separator unless named";
}

TEST(ListMember, QuotesAndBlanks) {
  EXPECT_EQ(list_member("a=\"x, y\", b=2", "a", ','), "\"x, y\"");
  EXPECT_EQ(list_member("a=\"x\\\", y\", b=2", "b", ','), "2") << "an escaped quote stays inside";
  EXPECT_EQ(list_member(" ,, \t a=1 \t, b=2", "a", ','), "1") << "blanks and empty items skipped";
  EXPECT_EQ(list_member("a=1 2 ,b", "a", ','), "1 2");
}

}  // namespace list_member_test
}  // namespace cuttle
