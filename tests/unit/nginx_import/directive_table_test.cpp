#include "nginx_import/directive_table.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace relay7::nginx_import {
namespace {

// is_nginx_directive() searches the list by bisection.
TEST(NginxDirectiveTableTest, TheNginxNamesAreSortedAndUnique) {
  const auto names = nginx_directive_names();
  EXPECT_GT(names.size(), 700u);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
  for (const char* name :
       {"absolute_redirect", "proxy_pass", "http2", "quic_retry", "zone_sync_timeout", "listen"}) {
    EXPECT_TRUE(is_nginx_directive(name)) << name;
  }
  for (const char* name : {"listen:", "retirn", "", "proxy_passs"}) {
    EXPECT_FALSE(is_nginx_directive(name)) << name;
  }
}

// The table only knows names nginx has: a rule can never turn a typo into a translation.
TEST(NginxDirectiveTableTest, EveryRuleNamesAnNginxDirective) {
  for (const DirectiveRule& rule : directive_rules()) {
    EXPECT_TRUE(is_nginx_directive(rule.name)) << rule.name;
    EXPECT_FALSE(rule.note.empty()) << rule.name;
    EXPECT_EQ(rule.handling == Handling::restated_when, !rule.same_value.empty()) << rule.name;
  }
}

TEST(NginxDirectiveTableTest, FindsTheRuleOfANameInItsBlock) {
  ASSERT_NE(find_rule("server", kHttp), nullptr);
  EXPECT_TRUE(find_rule("server", kHttp)->block);
  ASSERT_NE(find_rule("server", kUpstream), nullptr);
  EXPECT_FALSE(find_rule("server", kUpstream)->block);
  EXPECT_EQ(find_rule("proxy_pass", kServer), nullptr);
  EXPECT_NE(rule_anywhere("proxy_pass"), nullptr);
}

TEST(NginxDirectiveTableTest, GivesTheReasonOfTheModule) {
  EXPECT_NE(reason_without_rule("ssl_stapling").find("no such TLS setting"), std::string::npos);
  EXPECT_NE(reason_without_rule("ssl").find("listen ... ssl"), std::string::npos);
  EXPECT_NE(reason_without_rule("proxy_ssl_verify").find("TLS to backends"), std::string::npos);
  EXPECT_NE(reason_without_rule("gzip_types").find("compress"), std::string::npos);
  EXPECT_NE(find_rule("set_real_ip_from", kHttp), nullptr);
  EXPECT_NE(reason_without_rule("set").find("variables"), std::string::npos);
  // A name that only starts like one of the exact names gets the general reason.
  EXPECT_EQ(reason_without_rule("if_modified_since"), reason_without_rule("ancient_browser"));
}

TEST(NginxDirectiveTableTest, SuggestsTheNamesOfTheBlockFirst) {
  const auto candidates = suggestion_candidates(kUpstream);
  ASSERT_FALSE(candidates.empty());
  EXPECT_NE(find_rule(candidates.front(), kUpstream), nullptr);
  EXPECT_NE(std::find(candidates.begin(), candidates.end(), "gzip"), candidates.end());
}

}  // namespace
}  // namespace relay7::nginx_import
