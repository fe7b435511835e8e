#include "proxy/config/acl/tls_acls.h"

#include "proxy/config/acl/domain_acl.h"
#include "proxy/config/ascii_case.h"

#include <algorithm>
#include <stdexcept>

namespace cuttle {
namespace {

constexpr std::string_view kSourceOptions[] = {"--client-requested", "--server-provided", "--consensus"};

// Combining options is a fatal error in squid too.
ServerNameSource source_of(const AclLine& line) {
  ServerNameSource source = ServerNameSource::Default;
  int given = 0;
  for (const auto& option : line.options) {
    if (option == "--client-requested") source = ServerNameSource::ClientRequested, ++given;
    if (option == "--server-provided") source = ServerNameSource::ServerProvided, ++given;
    if (option == "--consensus") source = ServerNameSource::Consensus, ++given;
  }
  if (given > 1) throw std::invalid_argument("ssl::server_name takes at most one of its options");
  return source;
}

bool certificate_names_match(const std::vector<std::string>& names, std::string_view requested) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return domain_matches(n, requested); });
}

}  // namespace

void AtStepAcl::parse(const AclLine& line) {
  for (const auto& value : line.values) {
    if (value == "SslBump1") steps_.push_back(1);
    else if (value == "SslBump2") steps_.push_back(2);
    else if (value == "SslBump3") steps_.push_back(3);
    else if (value == "GeneratingCONNECT") steps_.push_back(4);
    else throw std::invalid_argument("at_step: unknown step '" + value + "' (SslBump1, SslBump2, SslBump3, GeneratingCONNECT)");
  }
}

AclMatch AtStepAcl::match(const RequestFacts& facts) const {
  return std::find(steps_.begin(), steps_.end(), facts.tls.bump_step) != steps_.end() ? AclMatch::Yes : AclMatch::No;
}

std::vector<std::string> tls_server_names(const RequestFacts& facts, ServerNameSource source) {
  const std::string requested = facts.tls.client_sni.empty() ? ascii_lowercase(facts.host) : facts.tls.client_sni;
  const auto* certificate = facts.tls.server_names ? &*facts.tls.server_names : nullptr;
  std::vector<std::string> names;
  switch (source) {
    case ServerNameSource::ClientRequested:
      names.push_back(requested);
      break;
    case ServerNameSource::Consensus:
      if (!certificate || certificate_names_match(*certificate, requested)) names.push_back(requested);
      break;
    case ServerNameSource::ServerProvided:
    case ServerNameSource::Default:
      if (certificate) names = *certificate;
      else if (source == ServerNameSource::Default) names.push_back(requested);
      break;
  }
  if (names.empty() || (names.size() == 1 && names.front().empty())) names = {"none"};
  return names;
}

std::vector<std::string_view> ServerNameAcl::options() const {
  return {std::begin(kSourceOptions), std::end(kSourceOptions)};
}

void ServerNameAcl::parse(const AclLine& line) {
  source_ = source_of(line);
  for (const auto& value : line.values) domains_.push_back(ascii_lowercase(value));
}

AclMatch ServerNameAcl::match(const RequestFacts& facts) const {
  for (const auto& name : tls_server_names(facts, source_)) {
    const auto lowercase = ascii_lowercase(name);
    for (const auto& domain : domains_)
      if (domain_matches(domain, lowercase)) return AclMatch::Yes;
  }
  return AclMatch::No;
}

std::vector<std::string_view> ServerNameRegexAcl::options() const {
  return {std::begin(kSourceOptions), std::end(kSourceOptions)};
}

void ServerNameRegexAcl::parse(const AclLine& line) {
  source_ = source_of(line);
  patterns_.add_line(line.values);
}

AclMatch ServerNameRegexAcl::match(const RequestFacts& facts) const {
  for (const auto& name : tls_server_names(facts, source_))
    if (patterns_.search(name)) return AclMatch::Yes;
  return AclMatch::No;
}

}  // namespace cuttle
