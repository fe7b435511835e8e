// What code running on a worker may use besides its own connection: the shared
// runtime and the worker's private pools, caches and helper processes.
#pragma once

#include "proxy/dns/resolver.h"
#include "proxy/server/bump_certificates.h"
#include "proxy/server/helpers/worker_helpers.h"
#include "proxy/server/relay_buffers.h"
#include "proxy/server/runtime.h"
#include "proxy/server/upstream.h"

#include <functional>

namespace cuttle {

class ClientSession;

struct WorkerServices {
  ProxyRuntime& runtime;
  UpstreamPool& pool;
  dns::Resolver& resolver;
  RelayBufferPool& buffers;
  WorkerHelpers& helpers;
  BumpCertificates& bump_certificates;
  std::function<void(ClientSession*)> on_start;
  std::function<void(ClientSession*)> on_finish;
};

}  // namespace cuttle
