// The client addresses each authenticated user was seen from lately (Squid's
// Auth::User ip_list): an address is remembered for authenticate_ip_ttl after
// the user's last request from it. What max_user_ip counts. One per worker, as
// one per Squid process.
#pragma once

#include "proxy/config/acl/facts.h"

#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cuttle::auth {

class UserAddresses : public UserAddressBook {
 public:
  using Clock = std::chrono::steady_clock;
  using Address = boost::asio::ip::address;

  // Squid's addIp: this address's time is renewed (or it is added), and the
  // user's addresses that expired go.
  void seen(const std::string& user, const Address& address, Clock::time_point now, Clock::duration ttl);
  size_t count(std::string_view user) const override;
  void forget(std::string_view user, const Address& address) override;
  void forget_all(std::string_view user) override;
  // Users none of whose addresses is still remembered go.
  void expire(Clock::time_point now);

 private:
  struct Seen {
    Address address;
    Clock::time_point expires;
  };
  std::unordered_map<std::string, std::vector<Seen>> users_;
};

}  // namespace cuttle::auth
