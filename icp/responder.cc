#include "icp/responder.h"

namespace cuttle::icp {
namespace {

Message reply_to(const Message& query, Opcode op, std::string_view url) {
  Message r;
  r.opcode = op;
  r.version = kVersion2;  // Squid answers v3 queries with v2 replies too
  r.request_number = query.request_number;
  r.url = url;
  return r;
}

}  // namespace

bool is_acceptable_query_url(std::string_view url) {
  if (url.empty()) return false;
  // No early exit: this form vectorizes, and a query URL is often a kilobyte.
  unsigned bad = 0;
  for (unsigned char c : url) bad |= static_cast<uint8_t>(c - 0x21) >= 0x5e;  // outside '!'..'~'
  if (bad) return false;
  auto sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) return false;
  for (unsigned char c : url.substr(0, sep))
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return false;
  auto host = url.substr(sep + 3);
  return !host.empty() && host.front() != '/' && host.front() != ':';
}

std::string escape_url(std::string_view url) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(url.size());
  for (unsigned char c : url) {
    if (c <= 0x20 || c >= 0x7f) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

size_t Responder::refuse(Opcode op, const Message& query, std::string_view url, RefusalLimit::Clock::time_point now,
                         std::span<uint8_t> reply) {
  if (!limit_.allow(now)) {
    Counters::add(counters_.dropped);
    return 0;
  }
  // An escaped URL can outgrow the message limit: answer with a shortened one.
  auto m = reply_to(query, op, url.substr(0, kMaxMessageSize - kHeaderSize - 1));
  return encode(m, reply).value_or(0);
}

Outcome Responder::handle(std::span<const uint8_t> datagram, const boost::asio::ip::address& from,
                          RefusalLimit::Clock::time_point now, std::span<uint8_t> reply) {
  Outcome out;
  auto d = decode(datagram);
  const Message& m = d.message;
  if (d.header_valid && m.opcode != Opcode::Query && (d.ok() || d.error == DecodeError::UrlNotTerminated)) {
    // Replies are a client's business; other opcodes (INVALID, SECHO/DECHO sent
    // to us...) are ignored, as Squid ignores them.
    Counters::add(counters_.replies);
    out.is_reply = d.ok() && is_reply(m.opcode);
    if (out.is_reply) out.message = m;
    else Counters::add(counters_.dropped);
    return out;
  }
  if (!d.header_valid || m.opcode != Opcode::Query) {
    // No trustworthy header (or an unknown opcode): nothing to answer to.
    Counters::add(counters_.errors);
    Counters::add(counters_.dropped);
    return out;
  }
  if (!d.ok() || !is_acceptable_query_url(m.url)) {
    Counters::add(counters_.errors);
    out.logged = Opcode::Err;
    out.log_url = d.ok() && !m.url.empty() ? escape_url(m.url) : "-";
    std::string_view echoed = out.log_url == "-" ? std::string_view() : std::string_view(out.log_url);
    out.reply_size = refuse(Opcode::Err, m, echoed, now, reply);
    if (!out.reply_size) out.logged.reset();  // rate-limited: a flood must not flood the log either
    return out;
  }
  Counters::add(counters_.queries);
  out.log_url = std::string(m.url);
  if (!hooks_.allowed || !hooks_.allowed(from, m.url)) {
    Counters::add(counters_.denied);
    out.logged = Opcode::Denied;
    out.reply_size = refuse(Opcode::Denied, m, m.url, now, reply);
    if (!out.reply_size) out.logged.reset();
    return out;
  }
  auto result = hooks_.lookup ? hooks_.lookup(m.url) : LookupResult::Miss;
  Opcode op = Opcode::Miss;
  switch (result) {
    case LookupResult::Hit:
      op = Opcode::Hit;
      out.logged = Opcode::Hit;
      Counters::add(counters_.hits);
      break;
    case LookupResult::Miss:
      out.logged = Opcode::Miss;
      Counters::add(counters_.misses);
      break;
    case LookupResult::MissNoFetch:
      op = Opcode::MissNoFetch;
      out.logged = Opcode::MissNoFetch;
      Counters::add(counters_.misses_nofetch);
      break;
  }
  out.reply_size = encode(reply_to(m, op, m.url), reply).value_or(0);
  return out;
}

}  // namespace cuttle::icp
