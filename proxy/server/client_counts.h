// Open client connections per client address, across workers: Squid's client_db
// "established" count, which the maxconn ACL compares.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <mutex>
#include <unordered_map>

namespace cuttle {

class ClientCounts {
 public:
  // Counts one connection for as long as it lives.
  class Registration {
   public:
    Registration(ClientCounts& counts, boost::asio::ip::address address);
    ~Registration();
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;

   private:
    ClientCounts& counts_;
    boost::asio::ip::address address_;
  };

  unsigned count(const boost::asio::ip::address& address) const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<boost::asio::ip::address, unsigned> open_;
};

}  // namespace cuttle
