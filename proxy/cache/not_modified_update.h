// Freshening a stored response with the header of a 304 (RFC 9111 §3.2, §4.3.4):
// the 304 must select the stored response (its ETag names that one); its fields
// then replace the stored ones of the same name, except those that describe the
// stored body (a header-only response cannot change it) and Set-Cookie, which is
// the revalidating client's alone.
#pragma once

#include <boost/beast/http/fields.hpp>

namespace cuttle {

namespace http = boost::beast::http;

// §4.3.4: an ETag in the 304 names the representation it is about. A strong one
// selects the stored response only if its ETag is the same strong one, a weak one
// if the stored ETag matches it weakly. A 304 without an ETag selects it (a cache
// keeps one response per variant).
bool not_modified_selects(const http::fields& stored, const http::fields& not_modified);

void apply_not_modified(http::fields& stored, const http::fields& not_modified);

// What of a 304 goes to the client that revalidated and to no one else: its
// Set-Cookie lines.
http::fields fields_for_this_client_only(const http::fields& not_modified);

// Each name `with` has replaces all the lines of that name in `fields`.
void replace_named_fields(http::fields& fields, const http::fields& with);

}  // namespace cuttle
