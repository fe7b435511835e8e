// Small pieces the authentication and helper tests share: the Basic
// Proxy-Authorization value for "user:password", and the fields of a native
// access.log line that those tests compare.
#pragma once

#include <string>

namespace cuttle::testing {

// "Basic " and the base64 of `user_colon_password`.
std::string basic(const std::string& user_colon_password);

// The result code and user of a squid-native access.log line ("TCP_MISS/200
// alice"); the line itself when it has too few fields.
std::string code_and_user(const std::string& line);

}  // namespace cuttle::testing
