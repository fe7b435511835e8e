// The ICP codec against byte layouts written out from RFC 2186 §1.1 and §2.
#include "icp/message.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cuttle::icp {
namespace icp_message_test {

using Bytes = std::vector<uint8_t>;

void append16(Bytes& b, uint16_t v) {
  b.push_back(uint8_t(v >> 8));
  b.push_back(uint8_t(v));
}
void append32(Bytes& b, uint32_t v) {
  for (int shift : {24, 16, 8, 0}) b.push_back(uint8_t(v >> shift));
}
void append_text(Bytes& b, std::string_view s) { b.insert(b.end(), s.begin(), s.end()); }

// The RFC's header, field by field; `length` 0 means "the real size".
Bytes datagram(uint8_t opcode, uint8_t version, uint32_t reqnum, uint32_t options, uint32_t option_data,
               uint32_t sender, const Bytes& payload, int length = -1) {
  Bytes b{opcode, version};
  append16(b, uint16_t(length >= 0 ? length : int(20 + payload.size())));
  append32(b, reqnum);
  append32(b, options);
  append32(b, option_data);
  append32(b, sender);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

Bytes query_payload(std::string_view url, uint32_t requester = 0) {
  Bytes p;
  append32(p, requester);
  append_text(p, url);
  p.push_back(0);
  return p;
}

Bytes url_payload(std::string_view url) {
  Bytes p;
  append_text(p, url);
  p.push_back(0);
  return p;
}

TEST(IcpDecode, QueryCarriesRequesterAddressThenNulTerminatedUrl) {
  auto b = datagram(1, 2, 0x01020304, 0, 0, 0x0a000001, query_payload("http://example.com/a", 0xc0a80001));
  auto d = decode(b);
  ASSERT_TRUE(d.ok()) << decode_error_name(d.error);
  EXPECT_EQ(d.message.opcode, Opcode::Query);
  EXPECT_EQ(d.message.version, 2);
  EXPECT_EQ(d.message.request_number, 0x01020304u);
  EXPECT_EQ(d.message.sender_address, 0x0a000001u);
  EXPECT_EQ(d.message.requester_address, 0xc0a80001u);
  EXPECT_EQ(d.message.url, "http://example.com/a");
}

TEST(IcpDecode, EveryReplyOpcodeCarriesJustTheUrl) {
  for (uint8_t op : {2, 3, 4, 10, 11, 21, 22}) {
    const Bytes bytes = datagram(op, 2, 7, 0, 0, 0, url_payload("http://h/x"));  // the message's views point into it
    auto d = decode(bytes);
    ASSERT_TRUE(d.ok()) << int(op) << ": " << decode_error_name(d.error);
    EXPECT_EQ(uint8_t(d.message.opcode), op);
    EXPECT_EQ(d.message.url, "http://h/x");
    EXPECT_EQ(d.message.request_number, 7u);
    EXPECT_TRUE(is_reply(d.message.opcode));
  }
}

TEST(IcpDecode, OpcodeZeroIsInvalidButDecodes) {
  const Bytes bytes = datagram(0, 2, 1, 0, 0, 0, url_payload("u"));  // the message's views point into it
  auto d = decode(bytes);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.message.opcode, Opcode::Invalid);
  EXPECT_FALSE(is_reply(d.message.opcode));
}

TEST(IcpDecode, HitObjCarriesObjectLengthAndObject) {
  Bytes p = url_payload("http://h/o");
  append16(p, 5);
  append_text(p, "hello");
  const Bytes bytes = datagram(23, 2, 9, kFlagHitObj, 0, 0, p);  // the message's views point into it
  auto d = decode(bytes);
  ASSERT_TRUE(d.ok()) << decode_error_name(d.error);
  EXPECT_EQ(d.message.opcode, Opcode::HitObj);
  EXPECT_EQ(d.message.object, "hello");
  EXPECT_EQ(d.message.options, kFlagHitObj);
}

TEST(IcpDecode, HitObjWhoseObjectRunsPastTheEndIsRejected) {
  Bytes p = url_payload("http://h/o");
  append16(p, 6);
  append_text(p, "hello");
  EXPECT_EQ(decode(datagram(23, 2, 9, 0, 0, 0, p)).error, DecodeError::BadObjectLength);
  Bytes no_length = url_payload("http://h/o");
  no_length.push_back(0);  // one byte of the two-byte length
  EXPECT_EQ(decode(datagram(23, 2, 9, 0, 0, 0, no_length)).error, DecodeError::BadObjectLength);
}

TEST(IcpDecode, FlagsAndOptionDataAreReadInNetworkOrder) {
  const Bytes bytes = datagram(3, 2, 1, kFlagHitObj | kFlagSrcRtt, 0x00030042, 0, url_payload("http://h/"));  // the message's views point into it
  auto d = decode(bytes);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.message.options, 0xC0000000u);
  EXPECT_EQ(d.message.option_data & 0xffff, 0x42u);  // RTT in the low 16 bits
  EXPECT_EQ(d.message.option_data >> 16, 3u);        // Squid puts hops in the high 16
}

TEST(IcpDecode, VersionThreeIsAccepted) {
  const Bytes bytes = datagram(1, 3, 1, 0, 0, 0, query_payload("http://h/"));  // the message's views point into it
  auto d = decode(bytes);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.message.version, 3);
}

TEST(IcpDecode, OtherVersionsAreRejected) {
  for (uint8_t v : {0, 1, 4, 255}) EXPECT_EQ(decode(datagram(1, v, 1, 0, 0, 0, query_payload("http://h/"))).error,
                                            DecodeError::BadVersion) << int(v);
}

TEST(IcpDecode, DatagramsShorterThanTheHeaderAreRejected) {
  auto full = datagram(1, 2, 1, 0, 0, 0, query_payload("http://h/"));
  for (size_t n = 0; n < 20; ++n) EXPECT_EQ(decode(std::span(full.data(), n)).error, DecodeError::TooShort) << n;
}

TEST(IcpDecode, TruncatedDatagramsDisagreeWithTheirLengthField) {
  auto full = datagram(1, 2, 1, 0, 0, 0, query_payload("http://h/"));
  for (size_t n = 20; n < full.size(); ++n) {
    auto d = decode(std::span(full.data(), n));
    EXPECT_EQ(d.error, DecodeError::LengthMismatch) << n;
    EXPECT_FALSE(d.header_valid);
  }
}

TEST(IcpDecode, LengthFieldLargerOrSmallerThanTheDatagramIsRejected) {
  auto payload = query_payload("http://h/");
  EXPECT_EQ(decode(datagram(1, 2, 1, 0, 0, 0, payload, 20 + int(payload.size()) + 1)).error,
            DecodeError::LengthMismatch);
  EXPECT_EQ(decode(datagram(1, 2, 1, 0, 0, 0, payload, 20)).error, DecodeError::LengthMismatch);
  EXPECT_EQ(decode(datagram(1, 2, 1, 0, 0, 0, payload, 0)).error, DecodeError::LengthMismatch);
}

TEST(IcpDecode, DatagramsOverSixteenKibAreRejected) {
  std::string url(kMaxMessageSize, 'a');
  auto b = datagram(1, 2, 1, 0, 0, 0, query_payload(url), 0xffff);
  EXPECT_EQ(decode(b).error, DecodeError::TooLong);
}

TEST(IcpDecode, LargestMessageIsAccepted) {
  std::string url(kMaxMessageSize - 20 - 4 - 1, 'a');
  auto b = datagram(1, 2, 1, 0, 0, 0, query_payload(url));
  ASSERT_EQ(b.size(), kMaxMessageSize);
  auto d = decode(b);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.message.url.size(), url.size());
}

TEST(IcpDecode, UrlWithoutNulIsRejectedButTheHeaderIsKnown) {
  Bytes p;
  append32(p, 0);
  append_text(p, "http://h/no-nul");
  const Bytes bytes = datagram(1, 2, 77, 0, 0, 0, p);  // the message's views point into it
  auto d = decode(bytes);
  EXPECT_EQ(d.error, DecodeError::UrlNotTerminated);
  EXPECT_TRUE(d.header_valid);
  EXPECT_EQ(d.message.request_number, 77u);
}

TEST(IcpDecode, QueryWithoutRequesterAddressIsRejected) {
  EXPECT_EQ(decode(datagram(1, 2, 1, 0, 0, 0, {})).error, DecodeError::MissingRequester);
  EXPECT_EQ(decode(datagram(1, 2, 1, 0, 0, 0, {0, 0, 0})).error, DecodeError::MissingRequester);
}

TEST(IcpDecode, ReplyWithEmptyPayloadHasNoUrl) {
  EXPECT_EQ(decode(datagram(3, 2, 1, 0, 0, 0, {})).error, DecodeError::UrlNotTerminated);
}

TEST(IcpDecode, UnusedOpcodesAreRejected) {
  for (int op : {5, 6, 7, 8, 9, 12, 15, 20, 24, 100, 255})
    EXPECT_EQ(decode(datagram(uint8_t(op), 2, 1, 0, 0, 0, url_payload("u"))).error, DecodeError::UnknownOpcode) << op;
}

TEST(IcpDecode, BytesAfterTheUrlAreIgnored) {
  Bytes p = url_payload("http://h/");
  append_text(p, "padding");
  const Bytes bytes = datagram(3, 2, 1, 0, 0, 0, p);  // the message's views point into it
  auto d = decode(bytes);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.message.url, "http://h/");
}

TEST(IcpEncode, QueryMatchesTheRfcLayout) {
  Message m;
  m.opcode = Opcode::Query;
  m.request_number = 0xdeadbeef;
  m.options = kFlagSrcRtt;
  m.url = "http://example.com/";
  EXPECT_EQ(encode(m), datagram(1, 2, 0xdeadbeef, kFlagSrcRtt, 0, 0, query_payload("http://example.com/")));
}

TEST(IcpEncode, EveryReplyOpcodeMatchesTheRfcLayout) {
  for (auto op : {Opcode::Hit, Opcode::Miss, Opcode::Err, Opcode::Secho, Opcode::Decho, Opcode::MissNoFetch,
                  Opcode::Denied}) {
    Message m;
    m.opcode = op;
    m.request_number = 5;
    m.option_data = 0x1234;
    m.url = "http://h/r";
    EXPECT_EQ(encode(m), datagram(uint8_t(op), 2, 5, 0, 0x1234, 0, url_payload("http://h/r"))) << opcode_name(op);
  }
}

TEST(IcpEncode, HitObjAppendsObjectLengthAndObject) {
  Message m;
  m.opcode = Opcode::HitObj;
  m.url = "u";
  m.object = "abc";
  Bytes p = url_payload("u");
  append16(p, 3);
  append_text(p, "abc");
  EXPECT_EQ(encode(m), datagram(23, 2, 0, 0, 0, 0, p));
}

TEST(IcpEncode, RefusesUrlsWithNulAndMessagesOverTheLimit) {
  Message m;
  m.opcode = Opcode::Miss;
  m.url = std::string_view("a\0b", 3);
  EXPECT_FALSE(encoded_size(m));
  EXPECT_THROW(encode(m), std::invalid_argument);
  std::string big(kMaxMessageSize, 'x');
  m.url = big;
  EXPECT_FALSE(encoded_size(m));
}

TEST(IcpEncode, RefusesABufferTooSmall) {
  Message m;
  m.opcode = Opcode::Hit;
  m.url = "http://h/";
  std::vector<uint8_t> out(20 + 9);  // one short: no room for the NUL
  EXPECT_FALSE(encode(m, out));
  out.resize(30);
  EXPECT_EQ(encode(m, out), 30u);
}

TEST(IcpCodec, DecodeOfEncodeGivesTheSameMessage) {
  Message m;
  m.opcode = Opcode::Query;
  m.version = 3;
  m.request_number = 42;
  m.options = kFlagHitObj;
  m.option_data = 9;
  m.sender_address = 0x7f000001;
  m.requester_address = 0x7f000002;
  m.url = "http://example.com/path?q=1";
  auto bytes = encode(m);
  auto d = decode(bytes);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.message.version, 3);
  EXPECT_EQ(d.message.request_number, 42u);
  EXPECT_EQ(d.message.options, kFlagHitObj);
  EXPECT_EQ(d.message.option_data, 9u);
  EXPECT_EQ(d.message.sender_address, 0x7f000001u);
  EXPECT_EQ(d.message.requester_address, 0x7f000002u);
  EXPECT_EQ(d.message.url, m.url);
}

}  // namespace icp_message_test
}  // namespace cuttle::icp
