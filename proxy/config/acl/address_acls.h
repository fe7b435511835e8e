// src, dst and localip (the old myip): address ranges. dst looks at the
// destination's resolved addresses, so it makes the check wait for DNS.
#pragma once

#include "proxy/config/acl/acl.h"

#include <boost/asio/ip/address.hpp>

namespace cuttle {

// An inclusive address range; v4-mapped v6 addresses are compared as v4.
struct IpRange {
  boost::asio::ip::address first, last;
  bool contains(const boost::asio::ip::address& a) const;
};

// "10.0.0.0/8", "10.0.0.0/255.0.0.0", "10.0.0.1-10.0.0.9", "::1", "all".
IpRange parse_ip_range(std::string_view value);

class AddressAcl : public AclData {
 public:
  enum class Subject { Client, Destination, Local };
  explicit AddressAcl(Subject subject) : subject_(subject) {}

  std::vector<std::string_view> options() const override;
  void parse(const AclLine& line) override;
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return ranges_.empty(); }
  void add_needs(AclNeeds& needs) const override {
    needs.destinations = needs.destinations || (subject_ == Subject::Destination && !literal_only_);
  }

 private:
  bool contains(const boost::asio::ip::address& a) const;
  Subject subject_;
  bool literal_only_ = false;  // dst -n: no DNS, only a destination written as an address
  std::vector<IpRange> ranges_;
};

}  // namespace cuttle
