// RFC 9111 §4.4: a successful unsafe request (POST, PUT, DELETE …) makes the
// stored copies of its target unusable, and those of a same-origin Location or
// Content-Location in its reply.
#pragma once

#include "proxy/http/request_target.h"
#include "proxy/server/forwarder.h"
#include "store/object_cache.h"

namespace cuttle {

void invalidate_after_unsafe_method(store::ObjectCache* store, const RequestTarget& target,
                                    const ForwardOutcome& outcome);

}  // namespace cuttle
