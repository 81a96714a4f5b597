#include "relay7/http/cookie.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "unit/http/header_list_util.h"

namespace relay7 {
namespace {

using testing::headers_of;

std::optional<std::string> cookie(const std::string& header_value, std::string_view name) {
  const HeaderList headers = headers_of({{"cookie", header_value}});
  const auto found = find_cookie(headers, name);
  return found ? std::optional<std::string>(*found) : std::nullopt;
}

TEST(FindCookie, FindsANameValuePair) {
  EXPECT_EQ(cookie("sid=abc", "sid"), "abc");
  EXPECT_EQ(cookie("a=1; sid=abc; b=2", "sid"), "abc");
  EXPECT_EQ(cookie("a=1; b=2; sid=abc", "sid"), "abc");
}

TEST(FindCookie, ToleratesSpacesAndTabs) {
  EXPECT_EQ(cookie("a=1;sid=abc;b=2", "sid"), "abc");
  EXPECT_EQ(cookie("  a=1 ;  sid = abc ; b=2", "sid"), "abc");
  EXPECT_EQ(cookie("a=1;\tsid=\tabc\t", "sid"), "abc");
}

TEST(FindCookie, StripsTheQuotesOfAQuotedValue) {
  EXPECT_EQ(cookie("sid=\"abc\"", "sid"), "abc");
  EXPECT_EQ(cookie("sid= \"abc\" ; b=2", "sid"), "abc");
  EXPECT_EQ(cookie("sid=\"\"", "sid"), "");
  EXPECT_EQ(cookie("sid=\"", "sid"), "\"");
  EXPECT_EQ(cookie("sid=\"abc", "sid"), "\"abc");
}

TEST(FindCookie, NamesMatchExactly) {
  EXPECT_EQ(cookie("SID=abc", "sid"), std::nullopt);
  EXPECT_EQ(cookie("sid2=x; xsid=y; sid=z", "sid"), "z");
  EXPECT_EQ(cookie("si=x", "sid"), std::nullopt);
  EXPECT_EQ(cookie("a=sid=x", "sid"), std::nullopt);
}

TEST(FindCookie, KeepsEverythingAfterTheFirstEquals) {
  EXPECT_EQ(cookie("sid=a=b==", "sid"), "a=b==");
}

TEST(FindCookie, AnEmptyValueIsStillACookie) {
  EXPECT_EQ(cookie("sid=; b=2", "sid"), "");
  EXPECT_EQ(cookie("sid=", "sid"), "");
}

TEST(FindCookie, TheFirstOfTwoWins) {
  EXPECT_EQ(cookie("sid=first; sid=second", "sid"), "first");
  const HeaderList headers = headers_of({{"Cookie", "a=1"},
                                         {"set-cookie", "sid=not-a-request-cookie"},
                                         {"COOKIE", "sid=second-header"},
                                         {"cookie", "sid=third-header"}});
  EXPECT_EQ(find_cookie(headers, "sid"), "second-header");
}

TEST(FindCookie, MissingIsNothing) {
  EXPECT_EQ(cookie("", "sid"), std::nullopt);
  EXPECT_EQ(cookie(";;; ;", "sid"), std::nullopt);
  EXPECT_EQ(cookie("sid", "sid"), std::nullopt);
  EXPECT_EQ(cookie("sid; a=1", "sid"), std::nullopt);
  EXPECT_EQ(cookie("=sid", "sid"), std::nullopt);
  EXPECT_EQ(find_cookie(HeaderList(), "sid"), std::nullopt);
  EXPECT_EQ(find_cookie(headers_of({{"x-cookie", "sid=1"}}), "sid"), std::nullopt);
}

TEST(FindCookie, AnEmptyNameFindsNothing) {
  EXPECT_EQ(cookie("=abc", ""), std::nullopt);
}

// Every header value of up to six bytes from the characters that steer the parser: the answer
// must lie inside the header value and be a value of a pair named "s".
TEST(FindCookie, HostileInputStaysInBounds) {
  static constexpr char kAlphabet[] = {';', '=', ' ', '"', 's', '\t', 'x'};
  constexpr size_t kLetters = sizeof kAlphabet;
  HeaderList headers = headers_of({{"cookie", ""}});
  size_t found_count = 0;
  for (size_t length = 0; length <= 6; ++length) {
    size_t combinations = 1;
    for (size_t i = 0; i < length; ++i) {
      combinations *= kLetters;
    }
    for (size_t n = 0; n < combinations; ++n) {
      std::string value(length, ' ');
      for (size_t i = 0, rest = n; i < length; ++i, rest /= kLetters) {
        value[i] = kAlphabet[rest % kLetters];
      }
      headers = headers_of({{"cookie", value}});
      const std::string& stored = headers[0].value;
      const auto found = find_cookie(headers, "s");
      if (!found) {
        continue;
      }
      ++found_count;
      ASSERT_GE(found->data(), stored.data()) << value;
      ASSERT_LE(found->data() + found->size(), stored.data() + stored.size()) << value;
      ASSERT_EQ(found->find(';'), std::string_view::npos) << value;
    }
  }
  EXPECT_GT(found_count, 0u);
}

}  // namespace
}  // namespace relay7
