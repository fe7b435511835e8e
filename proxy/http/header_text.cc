#include "proxy/http/header_text.h"

#include <boost/asio/buffer.hpp>

#include <algorithm>
#include <cstdint>

namespace cuttle {
namespace {

void append_version(std::string& out, unsigned version) {
  out += "HTTP/";
  out += static_cast<char>('0' + version / 10);
  out += '.';
  out += static_cast<char>('0' + version % 10);
}

void append_fields(std::string& out, const http::fields& fields) {
  for (const auto& field : fields) {
    out += field.name_string();
    out += ": ";
    out += field.value();
    out += "\r\n";
  }
  out += "\r\n";
}

size_t fields_size(const http::fields& fields) {
  size_t size = 2;
  for (const auto& field : fields) size += field.name_string().size() + field.value().size() + 4;
  return size;
}

}  // namespace

std::string header_text(const http::response_header<>& header) {
  const auto reason = header.reason();
  std::string out;
  out.reserve(16 + reason.size() + fields_size(header));
  append_version(out, header.version());
  out += ' ';
  // Always three digits (RFC 9112 §4): Beast reads "HTTP/1.1 020 x" as status 20.
  const unsigned status = header.result_int();
  out += static_cast<char>('0' + status / 100 % 10);
  out += static_cast<char>('0' + status / 10 % 10);
  out += static_cast<char>('0' + status % 10);
  out += ' ';
  out += reason;
  out += "\r\n";
  append_fields(out, header);
  return out;
}

std::string header_text(const http::request_header<>& header) {
  const auto method = header.method_string();
  const auto target = header.target();
  std::string out;
  out.reserve(16 + method.size() + target.size() + fields_size(header));
  out += method;
  out += ' ';
  out += target;
  out += ' ';
  append_version(out, header.version());
  out += "\r\n";
  append_fields(out, header);
  return out;
}

bool parse_request_header(const std::string& text, http::request_parser<http::empty_body>& parser) {
  parser.body_limit(boost::none);
  parser.header_limit(static_cast<std::uint32_t>(std::min<size_t>(text.size() + 1, UINT32_MAX)));
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(text), ec);
  return !ec && parser.is_header_done() && parser.is_done();
}

}  // namespace cuttle
