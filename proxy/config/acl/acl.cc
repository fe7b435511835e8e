#include "proxy/config/acl/acl.h"

#include "proxy/config/ascii_case.h"

#include "proxy/config/acl/acl_types.h"
#include "proxy/config/external_acl_type.h"

#include <algorithm>
#include <stdexcept>

namespace cuttle {
namespace {

bool looks_like_option(const std::string& word) {
  return word.size() > 1 && (word[0] == '-' || word[0] == '+');
}

}  // namespace

void AclNeeds::add(const AclNeeds& other) {
  destinations = destinations || other.destinations;
  client_connections = client_connections || other.client_connections;
  client_name = client_name || other.client_name;
  client_mac = client_mac || other.client_mac;
  credentials_or_helper = credentials_or_helper || other.credentials_or_helper;
  request_headers.insert(other.request_headers.begin(), other.request_headers.end());
  reply_headers.insert(other.reply_headers.begin(), other.reply_headers.end());
}

// As Squid's Acl::OptionsParser: words starting with '-' or '+' before the first
// value are options, "--" ends them, and an option the type does not take is an
// error (not a value: "-i" mistaken for a pattern would match nothing quietly).
void Acl::parse(const std::vector<std::string>& words, const AclRegistry* registry) {
  AclLine line;
  line.registry = registry;
  const auto accepted = data_->options();
  size_t i = 0;
  for (; i < words.size() && looks_like_option(words[i]); ++i) {
    const auto& word = words[i];
    if (word == "--") {
      ++i;
      break;
    }
    // An accepted "-x=" takes a value after the '=' ("-m=:;").
    auto takes = [&](std::string_view option) {
      return option == word || (option.ends_with('=') && word.starts_with(option) && word.size() > option.size());
    };
    if (std::any_of(accepted.begin(), accepted.end(), takes)) {
      line.options.insert(word);
    } else if (data_->takes_case_flags() && (word == "-i" || word == "+i")) {
      line.values.push_back(word);
    } else {
      throw std::invalid_argument("unsupported option '" + word + "' for ACL type " + type_);
    }
  }
  line.values.insert(line.values.end(), words.begin() + static_cast<std::ptrdiff_t>(i), words.end());
  data_->parse(line);
}

AclNeeds Acl::needs() const {
  AclNeeds needs;
  data_->add_needs(needs);
  return needs;
}

AclRegistry::AclRegistry() {
  add("all", "src").parse({"all"});
  add("localhost", "src").parse({"127.0.0.1/32", "::1"});
  add("to_localhost", "dst").parse({"127.0.0.0/8", "0.0.0.0/32", "::1/128", "::/128"});
  // Squid 5.7's own definition (cf.data.pre), so a configuration may add to it.
  add("manager", "url_regex").parse({"-i", "^cache_object://", "+i", "^[^:]+://[^/]+/squid-internal-mgr/"});
  add("CONNECT", "method").parse({"CONNECT"});
}

Acl* AclRegistry::find(std::string_view name) {
  auto it = acls_.find(ascii_lowercase(name));
  return it == acls_.end() ? nullptr : it->second.get();
}

const Acl* AclRegistry::find(std::string_view name) const {
  auto it = acls_.find(ascii_lowercase(name));
  return it == acls_.end() ? nullptr : it->second.get();
}

Acl& AclRegistry::add(std::string name, std::string_view type) {
  auto made = make_acl_data(type);
  auto key = ascii_lowercase(name);
  auto& slot = acls_[key];
  slot = std::make_unique<Acl>(std::move(name), std::move(made.type), std::move(made.data));
  return *slot;
}

AclNeeds AclRegistry::needs() const {
  AclNeeds needs;
  for (const auto& [name, acl] : acls_) needs.add(acl->needs());
  return needs;
}

void AclRegistry::add_external_type(std::shared_ptr<const ExternalAclType> type) {
  external_types_.push_back(std::move(type));
}

std::shared_ptr<const ExternalAclType> AclRegistry::external_type(std::string_view name) const {
  for (const auto& type : external_types_)
    if (type->name == name) return type;
  return nullptr;
}

}  // namespace cuttle
