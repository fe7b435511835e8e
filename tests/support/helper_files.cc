#include "tests/support/helper_files.h"

#include <filesystem>
#include <regex>
#include <sstream>

namespace cuttle::testing {

namespace fs = std::filesystem;

namespace {
constexpr auto kReadable = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                           fs::perms::others_read;
constexpr auto kWritable = kReadable | fs::perms::group_write | fs::perms::others_write;
}  // namespace

HelperFiles::HelperFiles(const std::string& prefix) : dir_(prefix) { fs::permissions(dir_.path(), fs::perms::all); }

std::string HelperFiles::script(const std::string& name) {
  if (!fs::exists(dir_.file(name)))
    fs::copy_file(std::string(CUTTLE_SOURCE_DIR) + "/tests/helpers/" + name, dir_.file(name));
  return dir_.file(name);
}

std::string HelperFiles::write(const std::string& name, const std::string& text) const {
  dir_.write(name, text);
  fs::permissions(dir_.file(name), kReadable);
  return dir_.file(name);
}

std::string HelperFiles::recorded(const std::string& log_name, const std::string& program) {
  dir_.write(log_name, "");
  fs::permissions(dir_.file(log_name), kWritable);
  return script("recording_helper.py") + " " + dir_.file(log_name) + " " + program;
}

std::vector<std::string> HelperFiles::asked(const std::string& log_name, unsigned short port) const {
  std::istringstream in(read_file(dir_.file(log_name)));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(port ? std::regex_replace(line, std::regex(std::to_string(port)), "PORT") : line);
  return lines;
}

}  // namespace cuttle::testing
