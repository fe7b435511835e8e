// Squid directives cuttle does not implement yet, sorted by what ignoring one
// would do. One that restricts, filters or protects (access lists, body limits,
// bandwidth pools, URL filters, adaptation, header privacy rules, trusting
// X-Forwarded-For) is refused with the reason: the proxy would otherwise run with
// less protection than the admin configured. One that only tunes is accepted with
// a warning. A value that turns the feature off (`delay_pools 0`) is accepted.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cuttle {

// Why `name` (first value `first_value`, "" when none) cannot be ignored, or
// nothing when ignoring it changes no restriction.
std::optional<std::string> refusal_for_unimplemented(std::string_view name, std::string_view first_value);

}  // namespace cuttle
