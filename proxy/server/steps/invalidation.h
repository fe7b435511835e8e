// RFC 9111 §4.4: a successful unsafe request (POST, PUT, DELETE, and every
// method this proxy does not know) makes the stored copies of its target
// unusable, and those of a same-origin Location or Content-Location in its reply.
#pragma once

#include "proxy/http/request_target.h"
#include "proxy/server/asio_types.h"
#include "store/object_cache.h"

namespace cuttle {

// `reply`: the final reply's header, as soon as it is read.
void invalidate_after_unsafe_method(store::ObjectCache* store, const RequestTarget& target,
                                    const http::response_header<>& reply);

}  // namespace cuttle
