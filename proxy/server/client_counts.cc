#include "proxy/server/client_counts.h"

namespace cuttle {

ClientCounts::Registration::Registration(ClientCounts& counts, boost::asio::ip::address address)
    : counts_(counts), address_(std::move(address)) {
  std::lock_guard lock(counts_.mutex_);
  ++counts_.open_[address_];
}

ClientCounts::Registration::~Registration() {
  std::lock_guard lock(counts_.mutex_);
  auto it = counts_.open_.find(address_);
  if (it != counts_.open_.end() && --it->second == 0) counts_.open_.erase(it);
}

unsigned ClientCounts::count(const boost::asio::ip::address& address) const {
  std::lock_guard lock(mutex_);
  auto it = open_.find(address);
  return it == open_.end() ? 0 : it->second;
}

}  // namespace cuttle
