// The cache-manager commands the README and docs/operations.md show, run as
// written against cuttle on its built-in configuration (no -f, 127.0.0.1:3128),
// as a new user would after `./build.sh run`. Port 3128 is free in the test's
// private network namespace, and the host names the commands use resolve to
// 127.0.0.1 there.
#include "tests/support/child_process.h"
#include "tests/support/cuttle_process.h"
#include "tests/support/http_client.h"
#include "tests/support/private_network.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

namespace cuttle::testing {
namespace documented_commands_test {

constexpr unsigned short kBuiltInPort = 3128;

// Every `squidclient …` written in inline code in the README and
// docs/operations.md, less syntax templates (`mgr:ACTION@PASSWORD`).
std::vector<std::string> documented_squidclient_commands() {
  std::vector<std::string> commands;
  for (auto doc : {"README.md", "docs/operations.md"}) {
    const std::string text = read_file(std::string(CUTTLE_SOURCE_DIR) + "/" + doc);
    static const std::regex kCommand("`(squidclient [^`]+)`"), kPlaceholder("[A-Z]{4,}");
    for (std::sregex_iterator it(text.begin(), text.end(), kCommand), end; it != end; ++it)
      if (!std::regex_search((*it)[1].str(), kPlaceholder)) commands.push_back((*it)[1]);
  }
  return commands;
}

std::vector<std::string> words_of(const std::string& command) {
  std::istringstream in(command);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

TEST(DocumentedCommands, SquidclientCommandsWorkOnTheBuiltInConfiguration) {
  const auto commands = documented_squidclient_commands();
  ASSERT_GE(commands.size(), 3u) << "the README and docs/operations.md show squidclient commands";
  std::set<std::string> names{"localhost"};
  for (const auto& command : commands) {
    auto words = words_of(command);
    for (size_t i = 0; i + 1 < words.size(); ++i)
      if (words[i] == "-h") names.insert(words[i + 1]);
  }
  std::string hosts = "::1 ip6-localhost\n";
  for (const auto& name : names) hosts += "127.0.0.1 " + name + "\n";
  ASSERT_EQ(enter_private_network({{}, hosts}), "");

  TempDir dir("cuttle-builtin");  // the built-in configuration's var/ goes here
  ChildProcess cuttle({"sh", "-c", "cd " + dir.path() + " && exec " + cuttle_binary() + " -N"}, dir.file("cuttle.out"));
  ASSERT_TRUE(wait_for_port(kBuiltInPort, std::chrono::seconds(10))) << cuttle.output();

  for (const auto& command : commands) {
    auto argv = words_of(command);
    argv.insert(argv.begin() + 1, {"-T", "5"});  // a hung proxy fails the test, not the run
    auto result = run_command(argv);
    EXPECT_EQ(result.exit_code, 0) << command << "\n" << result.output;
    EXPECT_NE(result.output.find("HTTP/1.1 200 OK"), std::string::npos) << command << "\n" << result.output;
    EXPECT_NE(result.output.find("Number of HTTP requests received:"), std::string::npos) << command << "\n"
                                                                                          << result.output;
  }
  // docs/operations.md: http://PROXY:3128/squid-internal-mgr/info as a browser asks for it.
  RawConnection browser(kBuiltInPort);
  browser.send("GET /squid-internal-mgr/info HTTP/1.1\r\nHost: 127.0.0.1:3128\r\n\r\n");
  auto reply = browser.read_response();
  EXPECT_EQ(reply.result_int(), 200) << reply;
  EXPECT_NE(reply.body().find("Number of HTTP requests received:"), std::string::npos) << reply.body();
}

}  // namespace documented_commands_test
}  // namespace cuttle::testing
