// parse_tls_client_hello over real ClientHellos: OpenSSL's client writes one into a
// memory BIO (no socket, no server), with the SNI and ALPN a browser would send.
#include "proxy/http/tls_client_hello.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <memory>
#include <string>

namespace cuttle {
namespace tls_client_hello_test {

// The bytes OpenSSL's client sends first: `server_name` as SNI ("" for none),
// `alpn` in wire format, `max_version` its highest version.
std::string openssl_client_hello(const std::string& server_name, const std::string& alpn = "",
                                 int max_version = TLS1_3_VERSION) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  SSL_CTX_set_max_proto_version(ctx.get(), max_version);
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
  if (!server_name.empty()) SSL_set_tlsext_host_name(ssl.get(), server_name.c_str());
  if (!alpn.empty())
    SSL_set_alpn_protos(ssl.get(), reinterpret_cast<const unsigned char*>(alpn.data()), static_cast<unsigned>(alpn.size()));
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl.get(), in, out);  // the SSL owns both now
  SSL_connect(ssl.get());           // wants to read the server's answer: the hello is written
  char* data = nullptr;
  const long size = BIO_get_mem_data(out, &data);
  return std::string(data, static_cast<size_t>(size));
}

// The same handshake message carried in two records, as some clients split it.
std::string in_two_records(const std::string& single, size_t first_part) {
  const auto message = single.substr(5);
  auto record = [&](const std::string& part) {
    return std::string{22, 3, 1, static_cast<char>(part.size() >> 8), static_cast<char>(part.size() & 0xff)} + part;
  };
  return record(message.substr(0, first_part)) + record(message.substr(first_part));
}

TEST(TlsClientHello, ABrowserLikeHelloGivesItsServerNameAlpnAndVersion) {
  const auto bytes = openssl_client_hello("www.example.com", std::string("\x02h2\x08http/1.1", 12));
  const auto result = parse_tls_client_hello(bytes);
  const auto* hello = std::get_if<TlsClientHello>(&result);
  ASSERT_NE(hello, nullptr);
  EXPECT_EQ(hello->server_name, "www.example.com");
  EXPECT_EQ(hello->alpn, (std::vector<std::string>{"h2", "http/1.1"}));
  EXPECT_EQ(hello->supported_version, TLS1_3_VERSION);
  EXPECT_EQ(hello->hello_version, TLS1_2_VERSION);
  EXPECT_FALSE(hello->cipher_suites.empty());
  EXPECT_EQ(hello->size, bytes.size());
}

TEST(TlsClientHello, WithoutSniTheServerNameIsEmpty) {
  const auto result = parse_tls_client_hello(openssl_client_hello(""));
  ASSERT_TRUE(std::holds_alternative<TlsClientHello>(result));
  EXPECT_EQ(std::get<TlsClientHello>(result).server_name, "");
}

TEST(TlsClientHello, ATls12ClientHasNoSupportedVersions) {
  const auto result = parse_tls_client_hello(openssl_client_hello("old.example", "", TLS1_2_VERSION));
  ASSERT_TRUE(std::holds_alternative<TlsClientHello>(result));
  EXPECT_EQ(std::get<TlsClientHello>(result).supported_version, std::nullopt);
  EXPECT_EQ(std::get<TlsClientHello>(result).server_name, "old.example");
}

TEST(TlsClientHello, EveryShorterPrefixAsksForMore) {
  const auto bytes = openssl_client_hello("prefix.example");
  for (size_t length = 0; length < bytes.size(); ++length)
    EXPECT_TRUE(std::holds_alternative<TlsNeedMore>(parse_tls_client_hello(bytes.substr(0, length)))) << length;
}

TEST(TlsClientHello, BytesAfterTheHelloAreNotPartOfIt) {
  const auto bytes = openssl_client_hello("more.example");
  const auto result = parse_tls_client_hello(bytes + std::string("\x14\x03\x03\x00\x01\x01", 6));
  ASSERT_TRUE(std::holds_alternative<TlsClientHello>(result));
  EXPECT_EQ(std::get<TlsClientHello>(result).size, bytes.size());
}

TEST(TlsClientHello, AHelloSplitOverRecordsIsReadWhole) {
  const auto single = openssl_client_hello("split.example");
  for (size_t first : {1, 3, 4, 60}) {
    const auto split = in_two_records(single, first);
    const auto result = parse_tls_client_hello(split);
    ASSERT_TRUE(std::holds_alternative<TlsClientHello>(result)) << first;
    EXPECT_EQ(std::get<TlsClientHello>(result).server_name, "split.example");
    EXPECT_EQ(std::get<TlsClientHello>(result).size, split.size());
  }
}

TEST(TlsClientHello, WhatIsNotAClientHelloSaysWhy) {
  for (const std::string& bytes : {std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
                                   std::string("\x16\x03\x01\x00\x00", 5),               // empty record
                                   std::string("\x16\x05\x01\x00\x04\x01\x00\x00\x00", 9),  // not TLS 1.x
                                   std::string("\x16\x03\x01\x00\x04\x02\x00\x00\x00", 9),  // a ServerHello
                                   std::string("\x16\x03\x01\x00\x05\x01\x00\x00\x01\x03", 10)}) {  // cut short inside
    const auto result = parse_tls_client_hello(bytes);
    const auto* refused = std::get_if<TlsNotClientHello>(&result);
    ASSERT_NE(refused, nullptr) << bytes;
    EXPECT_FALSE(refused->why.empty());
  }
}

}  // namespace tls_client_hello_test
}  // namespace cuttle
