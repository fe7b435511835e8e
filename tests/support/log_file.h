// Reading a log file another process appends to, waiting (boundedly) for lines.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace cuttle::testing {

// Non-empty lines of `path` once it has at least `count` of them, or whatever it
// has when `timeout` passes.
std::vector<std::string> wait_for_lines(const std::string& path, size_t count, std::chrono::milliseconds timeout);

// The first line containing `text`, or "" if none appears within `timeout`.
std::string wait_for_line_with(const std::string& path, const std::string& text, std::chrono::milliseconds timeout);

}  // namespace cuttle::testing
