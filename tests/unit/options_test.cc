// cuttle's Squid-style command line.
#include "proxy/app/installed_config.h"
#include "proxy/app/options.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace options_test {

OptionsResult parse(std::vector<std::string> args) { return parse_options(args); }

TEST(Options, NoArgumentsMeansDefaults) {
  auto r = parse({});
  EXPECT_EQ(r.error, "");
  EXPECT_FALSE(r.options.config_file.has_value());
  EXPECT_FALSE(r.options.foreground);
  EXPECT_EQ(r.options.action, ControlAction::None);
  EXPECT_FALSE(r.options.show_version);
  EXPECT_FALSE(r.options.show_help);
}

TEST(Options, ConfigFileAsSeparateOrJoinedArgument) {
  EXPECT_EQ(parse({"-f", "/etc/cuttle.conf"}).options.config_file, "/etc/cuttle.conf");
  EXPECT_EQ(parse({"-f/etc/cuttle.conf"}).options.config_file, "/etc/cuttle.conf");
}

TEST(Options, ConfigFileOptionNeedsAValue) {
  auto r = parse({"-N", "-f"});
  EXPECT_EQ(r.error, "option -f needs a configuration file");
}

TEST(Options, ForegroundVersionAndHelp) {
  EXPECT_TRUE(parse({"-N"}).options.foreground);
  EXPECT_TRUE(parse({"-v"}).options.show_version);
  EXPECT_TRUE(parse({"-h"}).options.show_help);
  EXPECT_TRUE(parse({"--help"}).options.show_help);
}

TEST(Options, EveryControlAction) {
  struct Case {
    const char* name;
    ControlAction action;
  };
  for (auto c : {Case{"parse", ControlAction::Parse}, Case{"check", ControlAction::Check},
                 Case{"reconfigure", ControlAction::Reconfigure}, Case{"rotate", ControlAction::Rotate},
                 Case{"shutdown", ControlAction::Shutdown}, Case{"interrupt", ControlAction::Interrupt},
                 Case{"kill", ControlAction::Kill}}) {
    auto r = parse({"-k", c.name});
    EXPECT_EQ(r.error, "") << c.name;
    EXPECT_EQ(r.options.action, c.action) << c.name;
    EXPECT_EQ(parse({std::string("-k") + c.name}).options.action, c.action) << c.name;
  }
}

TEST(Options, UnknownControlActionIsAnError) {
  EXPECT_EQ(parse({"-k", "explode"}).error, "unknown -k action 'explode'");
  EXPECT_EQ(parse({"-k", "Parse"}).error, "unknown -k action 'Parse'");
}

TEST(Options, ControlActionNeedsAValue) {
  EXPECT_EQ(parse({"-k"}).error, "option -k needs an action");
}

TEST(Options, UnknownOptionsAndStrayArgumentsAreErrors) {
  EXPECT_EQ(parse({"-z"}).error, "unknown option '-z'");
  EXPECT_EQ(parse({"-N", "extra"}).error, "unknown option 'extra'");
  EXPECT_EQ(parse({"--foreground"}).error, "unknown option '--foreground'");
}

TEST(Options, OptionsCombine) {
  auto r = parse({"-N", "-f", "my.conf", "-k", "parse"});
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(r.options.foreground);
  EXPECT_EQ(r.options.config_file, "my.conf");
  EXPECT_EQ(r.options.action, ControlAction::Parse);
}

TEST(Options, UsageNamesEveryOption) {
  auto text = usage_text();
  for (auto word : {"-N", "-f", "-k", "-v", "-h", "parse", "check", "reconfigure", "rotate", "shutdown", "interrupt",
                    "kill"})
    EXPECT_NE(text.find(word), std::string::npos) << word;
}

// Without -f, the installed binary reads the installed file, as squid reads its
// squid.conf; a build tree's binary (which every test runs) keeps the built-in one.
TEST(Options, TheInstalledBinaryReadsTheInstalledConfigurationWithoutF) {
  EXPECT_EQ(default_config_file(kInstalledBinary), std::optional<std::string>(kInstalledConfig));
  EXPECT_EQ(default_config_file("/work/cuttle/build/cuttle"), std::nullopt);
  EXPECT_EQ(default_config_file(std::string(kInstalledBinary) + ".old"), std::nullopt);
  EXPECT_NE(own_executable_path().find("cuttle_unit_tests"), std::string::npos);
  EXPECT_NE(usage_text().find(kInstalledConfig), std::string::npos);
}

}  // namespace options_test
}  // namespace cuttle
