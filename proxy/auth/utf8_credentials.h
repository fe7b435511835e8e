// Squid's `auth_param basic|digest utf8 on` (src/auth/toUtf.cc): credentials a
// browser sent in its legacy character set reach the helper as UTF-8. Text that
// is valid UTF-8 already is left alone; other text is read as Windows-1251 when
// the request's Accept-Language names a Cyrillic language, else as Latin-1.
#pragma once

#include <string>
#include <string_view>

namespace cuttle::auth {

std::string latin1_to_utf8(std::string_view text);
std::string cp1251_to_utf8(std::string_view text);
bool is_valid_utf8(std::string_view text);
// Squid's isCP1251EncodingAllowed: Accept-Language names ru, uk, be, bg or sr
// (not their -latn variants) before any `*`; other languages are passed over.
bool prefers_cp1251(std::string_view accept_language);
// `text` as UTF-8, as Squid converts it for the helper.
std::string credentials_as_utf8(std::string_view text, std::string_view accept_language);

}  // namespace cuttle::auth
