// Feeds arbitrary bytes to parse_tls_client_hello() as a connection's first bytes:
// a hello takes no more bytes than there are, the same hello comes from exactly
// those bytes, one byte fewer asks for more; an input that asks for more asks for
// more at half its length too; a refusal says why.
#include "proxy/http/tls_client_hello.h"
#include "tests/fuzz/fuzz_target.h"

#include <string_view>
#include <variant>

using namespace cuttle;

namespace {

bool same_hello(const TlsClientHello& a, const TlsClientHello& b) {
  return a.size == b.size && a.server_name == b.server_name && a.alpn == b.alpn &&
         a.cipher_suites == b.cipher_suites && a.hello_version == b.hello_version &&
         a.supported_version == b.supported_version;
}

void check_hello(std::string_view in, const TlsClientHello& hello) {
  FUZZ_CHECK(hello.size >= 5 + 4 && hello.size <= in.size());
  auto again = parse_tls_client_hello(in.substr(0, hello.size));
  const auto* exact = std::get_if<TlsClientHello>(&again);
  FUZZ_CHECK(exact && same_hello(*exact, hello));
  FUZZ_CHECK(std::holds_alternative<TlsNeedMore>(parse_tls_client_hello(in.substr(0, hello.size - 1))));
}

}  // namespace

CUTTLE_FUZZ_TARGET(tls_client_hello) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto result = parse_tls_client_hello(in);
  if (auto* hello = std::get_if<TlsClientHello>(&result)) check_hello(in, *hello);
  if (auto* refused = std::get_if<TlsNotClientHello>(&result)) FUZZ_CHECK(!refused->why.empty());
  if (std::holds_alternative<TlsNeedMore>(result) && !in.empty())
    FUZZ_CHECK(std::holds_alternative<TlsNeedMore>(parse_tls_client_hello(in.substr(0, in.size() / 2))));
  return 0;
}
