// A directory squid's helpers can use: squid runs them as the `proxy` user, so
// the test helper scripts are copied here (the source tree may not be readable
// by it), and the files they read and the logs they write are world-accessible.
// The recording wrapper (tests/helpers/recording_helper.py) logs every line a
// proxy sends its helper, so tests can compare squid's and cuttle's requests.
#pragma once

#include "tests/support/temp_dir.h"

#include <string>
#include <vector>

namespace cuttle::testing {

class HelperFiles {
 public:
  explicit HelperFiles(const std::string& prefix = "cuttle-helpers");

  // The path of tests/helpers/SCRIPT, copied here.
  std::string script(const std::string& name);
  // A file anyone may read (a password file, a rules file); returns its path.
  std::string write(const std::string& name, const std::string& text) const;
  // `program` run through the recording wrapper, which appends each request line
  // to `log_name` here (emptied now).
  std::string recorded(const std::string& log_name, const std::string& program);
  // The lines recorded in `log_name`; with `port`, that number is replaced by
  // "PORT" (each proxy's own port shows up in Squid's default extras).
  std::vector<std::string> asked(const std::string& log_name, unsigned short port = 0) const;
  std::string file(const std::string& name) const { return dir_.file(name); }

 private:
  TempDir dir_;
};

}  // namespace cuttle::testing
