// time [days] [h1:m1-h2:m2]: the local time of day, to the minute, ends
// included ("08:00-17:00" lasts until 17:00:59); days S M T W H F A, D for
// Monday to Friday.
#pragma once

#include "proxy/config/acl/acl.h"

#include <cstdint>
#include <vector>

namespace cuttle {

class TimeAcl : public AclData {
 public:
  void parse(const AclLine& line) override;
  AclMatch match(const RequestFacts& facts) const override;
  bool empty() const override { return false; }  // as Squid: a line without values matches nothing

 private:
  struct Span {
    uint8_t weekdays = 0;  // bit 0 Sunday ... bit 6 Saturday
    int first_minute = 0, last_minute = 0;  // of the day, both included
  };
  std::vector<Span> spans_;
};

}  // namespace cuttle
