// Freshening a stored response with the header of a 304 (RFC 9111 §3.2, §4.3.4):
// the 304's fields replace the stored ones of the same name, except those that
// describe the stored body, which a header-only response cannot change.
#pragma once

#include <boost/beast/http/fields.hpp>

namespace cuttle {

namespace http = boost::beast::http;

void apply_not_modified(http::fields& stored, const http::fields& not_modified);

}  // namespace cuttle
