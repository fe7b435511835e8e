// Feeds arbitrary bytes to parse_proxy_protocol() as a connection's first bytes and
// checks what it answers: a header takes no more bytes than there are, and the
// same header comes from exactly those bytes, one byte fewer is no header; an
// input that asks for more asks for more at half its length too; a v1 line is at
// most 107 bytes.
#include "proxy/http/proxy_protocol_header.h"
#include "tests/fuzz/fuzz_target.h"

#include <string_view>
#include <variant>

using namespace cuttle;

namespace {

bool same_endpoint(const std::optional<ProxyProtocolEndpoint>& a, const std::optional<ProxyProtocolEndpoint>& b) {
  return a.has_value() == b.has_value() && (!a || (a->address == b->address && a->port == b->port));
}

bool same_header(const ProxyProtocolHeader& a, const ProxyProtocolHeader& b) {
  if (a.version != b.version || a.local != b.local || a.tlvs.size() != b.tlvs.size()) return false;
  for (size_t i = 0; i < a.tlvs.size(); ++i)
    if (a.tlvs[i].type != b.tlvs[i].type || a.tlvs[i].value != b.tlvs[i].value) return false;
  return same_endpoint(a.source, b.source) && same_endpoint(a.destination, b.destination);
}

void check_parsed(std::string_view in, const ProxyProtocolParsed& parsed) {
  FUZZ_CHECK(parsed.size > 0 && parsed.size <= in.size());
  FUZZ_CHECK(parsed.header.version == "1.0" || parsed.header.version == "2.0");
  if (parsed.header.version == "1.0") FUZZ_CHECK(parsed.size <= 107);
  if (parsed.header.version == "1.0" && parsed.header.source)
    FUZZ_CHECK(parsed.header.source->address.is_v4() == parsed.header.destination->address.is_v4());
  FUZZ_CHECK(parsed.header.tlvs.empty() || parsed.header.forwards_addresses());
  auto again = parse_proxy_protocol(in.substr(0, parsed.size));
  auto* exact = std::get_if<ProxyProtocolParsed>(&again);
  FUZZ_CHECK(exact && exact->size == parsed.size && same_header(exact->header, parsed.header));
  // One byte short of the header is never a header.
  FUZZ_CHECK(!std::holds_alternative<ProxyProtocolParsed>(parse_proxy_protocol(in.substr(0, parsed.size - 1))));
}

}  // namespace

CUTTLE_FUZZ_TARGET(proxy_protocol) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto result = parse_proxy_protocol(in);
  if (auto* parsed = std::get_if<ProxyProtocolParsed>(&result)) check_parsed(in, *parsed);
  if (auto* error = std::get_if<ProxyProtocolError>(&result)) FUZZ_CHECK(!error->message.empty());
  if (std::holds_alternative<ProxyProtocolNeedMore>(result) && !in.empty())
    FUZZ_CHECK(std::holds_alternative<ProxyProtocolNeedMore>(parse_proxy_protocol(in.substr(0, in.size() / 2))));
  return 0;
}
