// Squid 5.7's registered headers that are not lists (src/http/
// RegisteredHeadersHash.gperf): for these HttpHeader::getStrOrList (and so
// getByName, what ACLs and %{Name}>h see) gives the first field only; every
// other header, a known list or one squid does not know, has its fields joined
// with ", ".
#pragma once

#include <string_view>

namespace cuttle {

// `name` is compared without case.
bool squid_single_field_header(std::string_view name);

}  // namespace cuttle
