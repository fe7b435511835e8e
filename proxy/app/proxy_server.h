// The running proxy: workers, signals (HUP reconfigure, USR1 rotate, TERM/INT
// graceful shutdown), and the store-independent start-up checks.
#pragma once

#include "proxy/config/config_parser.h"

#include <functional>
#include <optional>
#include <string>

namespace cuttle {

// Loads the configuration named on the command line, or the built-in default.
LoadedConfig load_configuration(const std::optional<std::string>& file);

// Runs until shutdown; returns the process exit code. `ready` is called once every
// port is listening (the daemonizing parent waits for it).
int run_proxy(const std::optional<std::string>& config_file, LoadedConfig loaded, const std::function<void()>& ready);

}  // namespace cuttle
