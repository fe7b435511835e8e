#include "proxy/http/outgoing_choice.h"

namespace cuttle {
namespace {

std::optional<uint32_t> first_value(const std::vector<OutgoingValueLine>& lines, const RequestFacts& facts) {
  for (const auto& line : lines)
    if (all_acls_match(line.acls, facts)) return line.value;
  return std::nullopt;
}

}  // namespace

OutgoingChoice choose_outgoing(const OutgoingConfig& config, const RequestFacts& request,
                               const boost::asio::ip::address& destination) {
  OutgoingChoice choice;
  if (config.addresses.empty() && config.tos.empty() && config.marks.empty()) return choice;
  RequestFacts facts = request;
  facts.destinations = std::vector{normalize_address(destination)};
  const bool to_v4 = normalize_address(destination).is_v4();
  for (const auto& line : config.addresses) {
    if (line.address.is_v4() != to_v4) continue;  // squid's implicit IP version test
    if (all_acls_match(line.acls, facts)) {
      choice.local_address = line.address;
      break;
    }
  }
  if (auto tos = first_value(config.tos, facts)) choice.tos = static_cast<uint8_t>(*tos);
  choice.mark = first_value(config.marks, facts);
  return choice;
}

}  // namespace cuttle
