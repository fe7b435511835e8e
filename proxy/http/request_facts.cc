#include "proxy/http/request_facts.h"

namespace cuttle {

RequestFacts request_facts(const RequestTarget& target, std::string_view method,
                           const boost::asio::ip::address& client) {
  RequestFacts facts;
  facts.client = normalize_address(client);
  facts.method = std::string(method);
  facts.scheme = target.scheme;
  facts.host = target.host;
  facts.port = target.port;
  facts.path = target.path;
  return facts;
}

}  // namespace cuttle
