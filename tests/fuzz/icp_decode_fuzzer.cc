// Feeds arbitrary bytes to icp::decode() and checks what it returns: views stay
// inside the input, a decoded message re-encodes to no more bytes, and
// re-decoding that encoding yields the same fields. The same bytes then go
// through the Responder: any reply it writes must itself decode.
#include "icp/message.h"
#include "icp/responder.h"
#include "tests/fuzz/fuzz_target.h"

#include <vector>

using namespace cuttle::icp;

namespace {

bool inside(std::string_view v, const uint8_t* data, size_t size) {
  auto* p = reinterpret_cast<const uint8_t*>(v.data());
  return v.empty() || (p >= data && p + v.size() <= data + size);
}

void check_responder(const uint8_t* data, size_t size) {
  static Responder responder(ResponderHooks{
      [](const boost::asio::ip::address&, std::string_view url) { return url.size() % 3 != 0; },
      [](std::string_view url) { return url.size() % 2 ? LookupResult::Hit : LookupResult::Miss; }});
  static std::vector<uint8_t> out(kMaxMessageSize);
  auto outcome = responder.handle(std::span(data, size), boost::asio::ip::address_v4::loopback(),
                                  RefusalLimit::Clock::now(), out);
  FUZZ_CHECK(outcome.reply_size <= out.size());
  FUZZ_CHECK(outcome.reply_size == 0 || decode(std::span(out.data(), outcome.reply_size)).ok());
}

}  // namespace

CUTTLE_FUZZ_TARGET(icp_decode) {
  check_responder(data, size);
  auto d = decode(std::span(data, size));
  if (!d.ok()) return 0;
  const auto& m = d.message;
  FUZZ_CHECK(inside(m.url, data, size) && inside(m.object, data, size));
  FUZZ_CHECK(m.url.find('\0') == std::string_view::npos);
  auto bytes = encode(m);
  FUZZ_CHECK(bytes.size() <= size);  // the input may carry ignored trailing bytes, never fewer
  auto again = decode(bytes);
  FUZZ_CHECK(again.ok());
  const auto& n = again.message;
  FUZZ_CHECK(n.opcode == m.opcode && n.version == m.version && n.request_number == m.request_number &&
             n.options == m.options && n.option_data == m.option_data && n.url == m.url && n.object == m.object &&
             n.requester_address == m.requester_address && n.sender_address == m.sender_address);
  return 0;
}
