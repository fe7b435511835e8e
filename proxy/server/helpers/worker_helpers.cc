#include "proxy/server/helpers/worker_helpers.h"

#include <iostream>

namespace cuttle {

void WorkerHelpers::use(const std::shared_ptr<const Config>& config) {
  if (config == config_) return;
  config_ = config;
  basic_.reset(), digest_.reset(), ntlm_.reset(), negotiate_.reset(), url_rewriter_.reset(), store_id_.reset();
  external_.clear();
  const auto helper_timeout = config->auth.helper_timeout;
  if (const auto* basic = config->auth.active_basic())
    basic_ = make_pool("basicauthenticator", basic->program, helper_timeout);
  if (const auto* digest = config->auth.active_digest())
    digest_ = make_pool("digestauthenticator", digest->program, helper_timeout);
  if (const auto* ntlm = config->auth.active_ntlm()) ntlm_ = make_pool("ntlmauthenticator", ntlm->program, helper_timeout);
  if (const auto* negotiate = config->auth.active_negotiate())
    negotiate_ = make_pool("negotiateauthenticator", negotiate->program, helper_timeout);
  if (const auto& rewrite = config->url_rewrite; rewrite && !rewrite->program.argv.empty()) {
    // As Squid, url_rewrite_timeout applies only with concurrency; without it
    // cuttle's own helper_timeout keeps a hung rewriter from hanging requests.
    const bool own_timeout = rewrite->timeout && rewrite->program.children.concurrency > 0;
    url_rewriter_ = make_pool("redirector", rewrite->program, own_timeout ? *rewrite->timeout : helper_timeout);
  }
  if (const auto& store_id = config->store_id; store_id && !store_id->program.argv.empty())
    store_id_ = make_pool("store_id", store_id->program, helper_timeout);
  for (const auto& type : config->acls.external_types())
    external_.push_back(std::make_shared<ExternalAclHelper>(
        executor_, type, make_pool("external_acl_type:" + type->name, type->program, helper_timeout)));
}

ExternalAclHelper* WorkerHelpers::external_acl(const ExternalAclType& type) {
  for (const auto& helper : external_)
    if (&helper->type() == &type) return helper.get();
  return nullptr;
}

std::shared_ptr<HelperPool> WorkerHelpers::make_pool(const std::string& name, const HelperProgram& program,
                                                     std::chrono::milliseconds timeout) {
  // Not owned: the runtime's metrics outlive every worker.
  std::shared_ptr<HelperCounters> counters(std::shared_ptr<void>(), &metrics_.counters(name));
  auto pool = std::make_shared<HelperPool>(executor_, name, program, timeout, std::move(counters));
  pool->start();
  return pool;
}

void WorkerHelpers::clear() {
  basic_.reset(), digest_.reset(), ntlm_.reset(), negotiate_.reset(), url_rewriter_.reset(), store_id_.reset();
  external_.clear();
  config_.reset();
}

void WorkerHelpers::collect_garbage() {
  if (!config_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_collection_ < config_->auth.garbage_interval) return;
  last_collection_ = now;
  credentials_.expire(config_->auth.authenticate_ttl, now);
  digest_users_.expire(config_->auth.authenticate_ttl, now);
  user_addresses_.expire(now);
  user_notes_.expire(config_->auth.authenticate_ttl, now);
}

}  // namespace cuttle
