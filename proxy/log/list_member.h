// One member of a list-valued header field, as squid 5.7's getListMember
// (src/StrList.cc) finds it for %{Name:member}>h: the list is split into items
// at `delimiter` and at ',' (always: merged fields are comma-joined), outside
// double quotes (where '\' escapes); blanks around an item are dropped; the
// value after "member=" of the first item that starts with it. Pure.
#pragma once

#include <string>
#include <string_view>

namespace cuttle {

// Empty when no item is "member=…" (or its value is empty).
std::string list_member(std::string_view list, std::string_view member, char delimiter);

}  // namespace cuttle
