#include "proxy/config/acl/acl_types.h"

#include "proxy/config/acl/address_acls.h"
#include "proxy/config/acl/arp_acl.h"
#include "proxy/config/acl/auth_acls.h"
#include "proxy/config/acl/combined_acls.h"
#include "proxy/config/acl/domain_acl.h"
#include "proxy/config/acl/external_acls.h"
#include "proxy/config/acl/header_acls.h"
#include "proxy/config/acl/name_acls.h"
#include "proxy/config/acl/note_acl.h"
#include "proxy/config/acl/number_acls.h"
#include "proxy/config/acl/regex_acls.h"
#include "proxy/config/acl/time_acl.h"
#include "proxy/config/acl/tls_acls.h"

#include <algorithm>
#include <functional>
#include <iterator>
#include <stdexcept>
#include <utility>

namespace cuttle {
namespace {

using Maker = std::function<std::unique_ptr<AclData>()>;

template <class T, class... Args>
Maker maker(Args... args) {
  return [=] { return std::make_unique<T>(args...); };
}

const std::pair<std::string_view, Maker>* find_maker(std::string_view type) {
  static const std::pair<std::string_view, Maker> kTypes[] = {
      {"src", maker<AddressAcl>(AddressAcl::Subject::Client)},
      {"dst", maker<AddressAcl>(AddressAcl::Subject::Destination)},
      {"localip", maker<AddressAcl>(AddressAcl::Subject::Local)},
      {"dstdomain", maker<DomainAcl>()},
      {"dstdom_regex", maker<RegexAcl>(RegexAcl::Subject::Host)},
      {"srcdomain", maker<DomainAcl>(DomainAcl::Subject::ClientName)},
      {"srcdom_regex", maker<RegexAcl>(RegexAcl::Subject::ClientName)},
      {"url_regex", maker<RegexAcl>(RegexAcl::Subject::Url)},
      {"urlpath_regex", maker<RegexAcl>(RegexAcl::Subject::UrlPath)},
      {"browser", maker<RegexAcl>(RegexAcl::Subject::UserAgent)},
      {"referer_regex", maker<RegexAcl>(RegexAcl::Subject::Referer)},
      {"req_mime_type", maker<RegexAcl>(RegexAcl::Subject::RequestContentType)},
      {"rep_mime_type", maker<RegexAcl>(RegexAcl::Subject::ReplyContentType)},
      {"req_header", maker<HeaderAcl>(HeaderAcl::Message::Request)},
      {"rep_header", maker<HeaderAcl>(HeaderAcl::Message::Reply)},
      {"port", maker<NumberAcl>(NumberAcl::Subject::Port)},
      {"localport", maker<NumberAcl>(NumberAcl::Subject::LocalPort)},
      {"http_status", maker<NumberAcl>(NumberAcl::Subject::ReplyStatus)},
      {"maxconn", maker<MaxConnAcl>()},
      {"method", maker<NameAcl>(NameAcl::Subject::Method)},
      {"proto", maker<NameAcl>(NameAcl::Subject::Protocol)},
      {"myportname", maker<NameAcl>(NameAcl::Subject::PortName)},
      {"hier_code", maker<NameAcl>(NameAcl::Subject::HierarchyCode)},
      {"transaction_initiator", maker<InitiatorAcl>()},
      {"has", maker<HasAcl>()},
      {"time", maker<TimeAcl>()},
      {"all-of", maker<CombinedAcl>(CombinedAcl::Kind::AllOf)},
      {"any-of", maker<CombinedAcl>(CombinedAcl::Kind::AnyOf)},
      {"proxy_auth", maker<UserAcl>()},
      {"proxy_auth_regex", maker<UserRegexAcl>()},
      {"max_user_ip", maker<MaxUserIpAcl>()},
      {"external", maker<ExternalAcl>()},
      {"ext_user", maker<ExternalUserAcl>()},
      {"ext_user_regex", maker<ExternalUserRegexAcl>()},
      {"tag", maker<TagAcl>()},
      {"note", maker<NoteAcl>()},
      {"arp", maker<ArpAcl>()},
      {"at_step", maker<AtStepAcl>()},
      {"ssl::server_name", maker<ServerNameAcl>()},
      {"ssl::server_name_regex", maker<ServerNameRegexAcl>()},
  };
  auto it = std::find_if(std::begin(kTypes), std::end(kTypes), [&](const auto& t) { return t.first == type; });
  return it == std::end(kTypes) ? nullptr : &*it;
}

// Squid 5.7's other ACL types (src/AclRegs.cc), which cuttle does not match yet.
constexpr std::string_view kSquidTypesNotYetImplemented[] = {
    "random", "src_as", "dst_as", "peername", "peername_regex", "urllogin",
    "squid_error", "connections_encrypted", "annotate_client", "annotate_transaction",
    "clientside_mark", "client_connection_mark", "ssl_error", "user_cert", "ca_cert", "server_cert_fingerprint",
    "eui64", "ident", "ident_regex", "adaptation_service", "snmp_community"};

}  // namespace

std::string_view canonical_acl_type(std::string_view type) {
  if (type == "myip") return "localip";
  if (type == "myport") return "localport";
  return type;
}

std::string acl_type_upgrade_note(std::string_view type) {
  const auto current = canonical_acl_type(type);
  if (current == type) return {};
  return "UPGRADE: ACL '" + std::string(type) + "' type has been renamed to '" + std::string(current) +
         "' and matches the " + (current == "localip" ? "IP" : "port") + " the client connected to.";
}

MadeAclData make_acl_data(std::string_view written) {
  const auto type = canonical_acl_type(written);
  if (const auto* entry = find_maker(type)) return {std::string(type), entry->second()};
  if (std::find(std::begin(kSquidTypesNotYetImplemented), std::end(kSquidTypesNotYetImplemented), type) !=
      std::end(kSquidTypesNotYetImplemented))
    throw std::invalid_argument("ACL type '" + std::string(type) +
                                "' is not implemented in cuttle yet; it will not run a rule it cannot check");
  throw std::invalid_argument("unknown ACL type '" + std::string(written) + "'");
}

}  // namespace cuttle
