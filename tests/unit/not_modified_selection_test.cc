// What a 304 may change in a stored response (RFC 9111 §4.3.4, §3.2): it must
// select it by its ETag; it never replaces the fields the stored body depends
// on, nor the ETag; its Set-Cookie goes to the revalidating client only.
#include "proxy/cache/not_modified_update.h"

#include <gtest/gtest.h>

namespace cuttle {
namespace not_modified_selection_test {

http::fields fields(std::initializer_list<std::pair<const char*, const char*>> list) {
  http::fields f;
  for (auto& [name, value] : list) f.insert(name, value);
  return f;
}

TEST(NotModifiedUpdate, AStrongETagSelectsOnlyTheSameStrongETag) {
  const auto stored = fields({{"ETag", "\"v1\""}});
  EXPECT_TRUE(not_modified_selects(stored, fields({{"ETag", "\"v1\""}})));
  EXPECT_FALSE(not_modified_selects(stored, fields({{"ETag", "\"v2\""}})));
  EXPECT_FALSE(not_modified_selects(fields({{"ETag", "W/\"v1\""}}), fields({{"ETag", "\"v1\""}})));
  EXPECT_FALSE(not_modified_selects(fields({}), fields({{"ETag", "\"v1\""}})));
}

TEST(NotModifiedUpdate, AWeakETagSelectsAWeakMatch) {
  EXPECT_TRUE(not_modified_selects(fields({{"ETag", "\"v1\""}}), fields({{"ETag", "W/\"v1\""}})));
  EXPECT_TRUE(not_modified_selects(fields({{"ETag", "W/\"v1\""}}), fields({{"ETag", "W/\"v1\""}})));
  EXPECT_FALSE(not_modified_selects(fields({{"ETag", "W/\"v1\""}}), fields({{"ETag", "W/\"v2\""}})));
}

TEST(NotModifiedUpdate, A304WithoutAnETagSelectsTheStoredResponse) {
  EXPECT_TRUE(not_modified_selects(fields({{"ETag", "\"v1\""}}), fields({{"Cache-Control", "max-age=60"}})));
  EXPECT_TRUE(not_modified_selects(fields({}), fields({})));
}

TEST(NotModifiedUpdate, TheBodysFieldsTheETagAndSetCookieAreNeverReplaced) {
  auto stored = fields({{"ETag", "\"v1\""},
                        {"Content-Length", "11"},
                        {"Content-Encoding", "gzip"},
                        {"Content-Range", "bytes 0-10/20"},
                        {"Content-MD5", "stored-md5"},
                        {"Digest", "sha-256=stored"},
                        {"Repr-Digest", "sha-256=:stored:"},
                        {"Content-Digest", "sha-256=:stored:"},
                        {"Cache-Control", "max-age=0"}});
  const auto before = stored;
  apply_not_modified(stored, fields({{"ETag", "W/\"v1\""},
                                     {"content-length", "999"},
                                     {"Content-Encoding", "br"},
                                     {"Content-Range", "bytes 0-1/2"},
                                     {"Content-MD5", "other"},
                                     {"digest", "sha-256=other"},
                                     {"Repr-Digest", "sha-256=:other:"},
                                     {"CONTENT-DIGEST", "sha-256=:other:"},
                                     {"Set-Cookie", "s=1"},
                                     {"Cache-Control", "max-age=600"},
                                     {"X-New", "1"}}));
  for (const char* name : {"ETag", "Content-Length", "Content-Encoding", "Content-Range", "Content-MD5", "Digest",
                           "Repr-Digest", "Content-Digest"})
    EXPECT_EQ(stored[name], before[name]) << name;
  EXPECT_EQ(stored.count(http::field::set_cookie), 0u);
  EXPECT_EQ(stored[http::field::cache_control], "max-age=600");
  EXPECT_EQ(stored["X-New"], "1");
}

TEST(NotModifiedUpdate, SetCookieGoesToTheRevalidatingClientOnly) {
  const auto own = fields_for_this_client_only(
      fields({{"Set-Cookie", "a=1"}, {"Cache-Control", "max-age=60"}, {"Set-Cookie", "b=2"}}));
  std::vector<std::string> cookies;
  for (const auto& f : own) cookies.emplace_back(f.value());
  EXPECT_EQ(cookies, (std::vector<std::string>{"a=1", "b=2"}));
  auto reply = fields({{"Set-Cookie", "stored=1"}, {"X-Kept", "1"}});
  replace_named_fields(reply, own);
  cookies.clear();
  for (const auto& f : reply)
    if (f.name() == http::field::set_cookie) cookies.emplace_back(f.value());
  EXPECT_EQ(cookies, (std::vector<std::string>{"a=1", "b=2"}));
  EXPECT_EQ(reply["X-Kept"], "1");
}

}  // namespace not_modified_selection_test
}  // namespace cuttle
