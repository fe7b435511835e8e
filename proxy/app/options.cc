#include "proxy/app/options.h"

#include "proxy/app/installed_config.h"

namespace cuttle {

OptionsResult parse_options(const std::vector<std::string>& args) {
  OptionsResult r;
  auto& o = r.options;
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    auto value = [&](const char* what) -> std::optional<std::string> {
      if (a.size() > 2) return a.substr(2);  // "-fFILE"
      if (i + 1 < args.size()) return args[++i];
      r.error = "option " + a.substr(0, 2) + " needs " + what;
      return std::nullopt;
    };
    if (a.starts_with("-f")) {
      auto v = value("a configuration file");
      if (!v) return r;
      o.config_file = *v;
    } else if (a == "-N") {
      o.foreground = true;
    } else if (a.starts_with("-k")) {
      auto v = value("an action");
      if (!v) return r;
      static const std::pair<const char*, ControlAction> actions[] = {
          {"parse", ControlAction::Parse},         {"reconfigure", ControlAction::Reconfigure},
          {"shutdown", ControlAction::Shutdown},   {"rotate", ControlAction::Rotate},
          {"interrupt", ControlAction::Interrupt}, {"kill", ControlAction::Kill},
          {"check", ControlAction::Check}};
      bool found = false;
      for (auto& [name, action] : actions)
        if (*v == name) {
          o.action = action;
          found = true;
        }
      if (!found) {
        r.error = "unknown -k action '" + *v + "'";
        return r;
      }
    } else if (a == "-v") {
      o.show_version = true;
    } else if (a == "-h" || a == "--help") {
      o.show_help = true;
    } else {
      r.error = "unknown option '" + a + "'";
      return r;
    }
  }
  return r;
}

std::string usage_text() {
  return "Usage: cuttle [-N] [-f config-file] [-k parse|check|reconfigure|rotate|shutdown|interrupt|kill] [-v] [-h]\n"
         "  -f file   use the given configuration file instead of the default: " +
         std::string(kInstalledConfig) + " for the installed " + kInstalledBinary +
         ",\n"
         "            the built-in configuration for any other copy\n"
         "  -N        stay in the foreground (do not daemonize)\n"
         "  -k parse  check the configuration and exit (non-zero with file:line on error)\n"
         "  -k check  exit 0 if a cuttle is running (per pid_filename), 1 if not\n"
         "  -k reconfigure|rotate|shutdown|interrupt|kill\n"
         "            signal the running cuttle (HUP, USR1, TERM, INT, KILL) via its pid file\n"
         "  -v        print the version and exit\n"
         "  -h        print this help and exit\n";
}

}  // namespace cuttle
