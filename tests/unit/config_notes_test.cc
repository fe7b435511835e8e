// `note KEY VALUE [ACL…]` read as squid 5.7's Notes::parse reads it, and the
// annotations its lines add as a transaction is logged (Note::match).
#include "proxy/config/config_notes.h"
#include "proxy/config/config_parser.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace config_notes_test {

LoadedConfig load(const std::string& text) {
  return load_config_text("http_port 127.0.0.1:3128\n" + text, "test.conf");
}

TEST(ConfigNotes, LinesOfAKeyGroupUnderItsFirstLine) {
  const auto loaded = load("acl a src 10.0.0.0/8\nnote k one a\nnote other x\nnote k two\nnote k \"three %>a\" !a\n");
  const auto& notes = loaded.config->notes;
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0].key, "k");
  ASSERT_EQ(notes[0].values.size(), 3u);
  EXPECT_EQ(notes[0].values[0].text, "one");
  EXPECT_EQ(notes[0].values[0].acls.acls.size(), 1u);
  EXPECT_TRUE(notes[0].values[1].acls.acls.empty());
  EXPECT_EQ(notes[0].values[2].text, "three %>a") << "quoted, and still not a format";
  EXPECT_TRUE(notes[0].values[2].acls.acls[0].negated);
  EXPECT_EQ(notes[1].key, "other");
}

TEST(ConfigNotes, RefusesWhatSquidRefuses) {
  EXPECT_THROW(load("note\n"), ConfigError);
  EXPECT_THROW(load("note k\n"), ConfigError);
  EXPECT_THROW(load("note k v no_such_acl\n"), ConfigError);
  for (const char* reserved : {"group", "ha1", "log", "message", "password", "rewrite-url", "status", "tag", "ttl",
                               "url", "user"})
    EXPECT_THROW(load("note " + std::string(reserved) + " v\n"), ConfigError) << reserved;
}

TEST(ConfigNotes, SpecialCharactersInAKeyOnlyWarn) {
  const auto loaded = load("note k@x v\n");
  ASSERT_EQ(loaded.warnings.size(), 1u);
  EXPECT_NE(loaded.warnings[0].find("special character '@'"), std::string::npos) << loaded.warnings[0];
  EXPECT_EQ(loaded.config->notes.at(0).key, "k@x");
}

TEST(ConfigNotes, FirstMatchingLineOfEachKeyIsAddedAfterHelperNotes) {
  const auto loaded = load("acl ten src 10.0.0.0/8\nacl has_a note first a\n"
                           "note first a ten\nnote first b\nnote k mine\nnote dep yes has_a\nnote first c\n");
  RequestFacts facts;
  facts.annotations = {{"k", "helper"}};
  facts.client = boost::asio::ip::make_address("10.1.2.3");
  annotate_from_config(loaded.config->notes, facts);
  const Annotations expected = {{"k", "helper"}, {"first", "a"}, {"k", "mine"}, {"dep", "yes"}};
  EXPECT_EQ(facts.annotations, expected);

  RequestFacts elsewhere;
  elsewhere.client = boost::asio::ip::make_address("192.0.2.1");
  annotate_from_config(loaded.config->notes, elsewhere);
  const Annotations expected_elsewhere = {{"first", "b"}, {"k", "mine"}};
  EXPECT_EQ(elsewhere.annotations, expected_elsewhere) << "no first=a, so the dep line's ACL does not match";
}

}  // namespace config_notes_test
}  // namespace cuttle
