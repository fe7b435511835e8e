// The header fields an access check may look at, copied from a message: only
// the fields some ACL names, each with all its values in the order received.
// How several fields become one value is Squid's rule (squid_header_value).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cuttle {

class HeaderFacts {
 public:
  // `name` is compared without case.
  void add(std::string_view name, std::string_view value);
  // Every value of the field, or nullptr when the message has none.
  const std::vector<std::string>* values(std::string_view name) const;
  // The field as Squid's HttpHeader::getStrOrList gives it: list headers
  // (Accept, Cache-Control, Via, ...) and headers Squid does not know have their
  // fields joined with ", "; the other headers Squid knows (User-Agent, Cookie,
  // Content-Type, ...) give their first field only.
  std::optional<std::string> squid_value(std::string_view name) const;
  // The first field only (Squid's getStr: browser, referer_regex, *_mime_type).
  std::optional<std::string> first(std::string_view name) const;

 private:
  struct Field {
    std::string name;  // lowercase
    std::vector<std::string> values;
  };
  std::vector<Field> fields_;
};

}  // namespace cuttle
