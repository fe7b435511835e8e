// ACL types over a number: port, localport (the old myport), http_status and
// maxconn.
#pragma once

#include "proxy/config/acl/acl.h"

#include <cstdint>

namespace cuttle {

struct NumberRange {
  uint32_t first = 0, last = 0;
  bool contains(uint32_t n) const { return n >= first && n <= last; }
};

// port and localport: "80", "1025-65535".
NumberRange parse_port_range(std::string_view value);

class NumberAcl : public AclData {
 public:
  enum class Subject { Port, LocalPort, ReplyStatus };
  explicit NumberAcl(Subject subject) : subject_(subject) {}

  void parse(const AclLine& line) override;
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return ranges_.empty(); }

 private:
  Subject subject_;
  std::vector<NumberRange> ranges_;
};

// maxconn N: more than N connections open from the client's address, this one
// included (Squid's clientdbEstablished(...) > N).
class MaxConnAcl : public AclData {
 public:
  void parse(const AclLine& line) override;
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return limit_ == 0; }
  void add_needs(AclNeeds& needs) const override { needs.client_connections = true; }

 private:
  unsigned limit_ = 0;
};

}  // namespace cuttle
