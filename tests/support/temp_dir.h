// A fresh directory under /tmp for one test's files, removed afterwards unless
// CUTTLE_KEEP_TEST_DIRS is set (to read logs after a failure). Open to every user
// (rwx): the proxies a test starts as root run as user proxy.
#pragma once

#include <string>

namespace cuttle::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "cuttle-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  void write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

std::string read_file(const std::string& path);

// A port free for TCP and UDP on every address, below the kernel's ephemeral
// range and reserved against other test processes until this one exits.
unsigned short free_port();

}  // namespace cuttle::testing
