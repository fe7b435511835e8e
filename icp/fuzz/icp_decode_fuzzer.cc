// Feeds arbitrary bytes to icp::decode() and checks what it returns: views stay
// inside the input, a decoded message re-encodes to no more bytes, and
// re-decoding that encoding yields the same fields. The same bytes then go
// through the Responder: any reply it writes must itself decode.
#include "icp/message.h"
#include "icp/responder.h"

#include <cstdlib>
#include <cstring>

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
  if (outcome.reply_size > out.size()) std::abort();
  if (outcome.reply_size > 0 && !decode(std::span(out.data(), outcome.reply_size)).ok()) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  check_responder(data, size);
  auto d = decode(std::span(data, size));
  if (!d.ok()) return 0;
  const auto& m = d.message;
  if (!inside(m.url, data, size) || !inside(m.object, data, size)) std::abort();
  if (m.url.find('\0') != std::string_view::npos) std::abort();
  auto bytes = encode(m);
  if (bytes.size() > size) std::abort();  // the input may carry ignored trailing bytes, never fewer
  auto again = decode(bytes);
  if (!again.ok()) std::abort();
  const auto& n = again.message;
  if (n.opcode != m.opcode || n.version != m.version || n.request_number != m.request_number ||
      n.options != m.options || n.option_data != m.option_data || n.url != m.url || n.object != m.object ||
      n.requester_address != m.requester_address || n.sender_address != m.sender_address)
    std::abort();
  return 0;
}
