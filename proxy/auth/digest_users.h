// What a worker knows of Digest users: the H(A1) their helper gave for a user
// name and realm (Squid's digest user cache), so a user's next requests are
// checked without asking the helper. Squid forgets a user authenticate_ttl after
// it was first learnt; a response that does not match asks the helper again.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace cuttle::auth {

class DigestUsers {
 public:
  using Clock = std::chrono::steady_clock;

  const std::string* ha1(std::string_view user, std::string_view realm) const;
  void learn(std::string_view user, std::string_view realm, std::string ha1, Clock::time_point now);
  void expire(Clock::duration authenticate_ttl, Clock::time_point now);

 private:
  struct User {
    std::string ha1;
    Clock::time_point learnt;
  };
  std::map<std::pair<std::string, std::string>, User, std::less<>> users_;  // by (name, realm)
};

}  // namespace cuttle::auth
