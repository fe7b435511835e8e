// The NTLM / Negotiate token as Squid relays it to the helper: the header's
// second word onward, whatever the scheme word's case.
#include "proxy/auth/connection_token.h"

#include <gtest/gtest.h>

namespace cuttle::auth {
namespace connection_token_test {

TEST(ConnectionToken, TheRestAfterTheSchemeWordIsTheToken) {
  EXPECT_EQ(connection_token("NTLM TlRMTVNTUAABAAAA", "ntlm"), "TlRMTVNTUAABAAAA");
  EXPECT_EQ(connection_token("  negotiate   YIIB x", "Negotiate"), "YIIB x");
  EXPECT_EQ(connection_token("NTLM", "ntlm"), "") << "no token: the helper gets \"YR \", as squid sends it";
}

TEST(ConnectionToken, AnotherSchemeHasNone) {
  EXPECT_EQ(connection_token("Basic YWxpY2U6eA==", "ntlm"), std::nullopt);
  EXPECT_EQ(connection_token("NTL", "ntlm"), std::nullopt);
  EXPECT_TRUE(names_scheme("ntlmX", "ntlm")) << "a prefix match, as squid's strncasecmp";
}

}  // namespace connection_token_test
}  // namespace cuttle::auth
