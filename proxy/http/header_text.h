// A message header as it goes on the wire: start line, "Name: value" lines, blank
// line. Built directly into a string: Beast's ostream operator cost a locale lookup
// (a dynamic_cast) and a stream per message on the cache-hit path.
#pragma once

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>

#include <string>

namespace cuttle {

namespace http = boost::beast::http;

// "HTTP/1.1 200 OK\r\n" + fields + "\r\n"; the reason phrase is the message's own,
// or the standard one for its status when it has none.
std::string header_text(const http::response_header<>& header);
// "GET /path HTTP/1.1\r\n" + fields + "\r\n".
std::string header_text(const http::request_header<>& header);

// Feeds a request header (without body) to a fresh parser, so code that reads
// requests from clients can take one built here (a retry, a background refresh).
// True when it parsed whole.
bool parse_request_header(const std::string& text, http::request_parser<http::empty_body>& parser);

}  // namespace cuttle
