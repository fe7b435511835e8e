#include "proxy/server/helpers/worker_helpers.h"

#include <iostream>

namespace cuttle {

void WorkerHelpers::use(const std::shared_ptr<const Config>& config) {
  if (config == config_) return;
  config_ = config;
  basic_.reset();
  const auto& basic = config->auth.basic;
  if (basic && !basic->program.argv.empty()) {
    // Not owned: the runtime's metrics outlive every worker.
    std::shared_ptr<HelperCounters> counters(std::shared_ptr<void>(), &metrics_.counters("basicauthenticator"));
    basic_ = std::make_shared<HelperPool>(executor_, "basicauthenticator", basic->program, config->auth.helper_timeout,
                                          std::move(counters));
    basic_->start();
  }
}

void WorkerHelpers::collect_garbage() {
  if (!config_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_collection_ < config_->auth.garbage_interval) return;
  last_collection_ = now;
  credentials_.expire(config_->auth.authenticate_ttl, now);
}

}  // namespace cuttle
