#include "tests/support/log_and_credentials.h"

#include <boost/beast/core/detail/base64.hpp>

#include <sstream>
#include <vector>

namespace cuttle::testing {

std::string basic(const std::string& user_colon_password) {
  namespace b64 = boost::beast::detail::base64;
  std::string out(b64::encoded_size(user_colon_password.size()), '\0');
  out.resize(b64::encode(out.data(), user_colon_password.data(), user_colon_password.size()));
  return "Basic " + out;
}

std::string code_and_user(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> fields;
  for (std::string f; in >> f;) fields.push_back(f);
  return fields.size() > 7 ? fields[3] + " " + fields[7] : line;
}

}  // namespace cuttle::testing
