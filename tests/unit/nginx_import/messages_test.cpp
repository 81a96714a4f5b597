#include "relay7/nginx_import/messages.h"

#include <gtest/gtest.h>

namespace relay7::nginx_import {
namespace {

ImportMessage message(Severity severity, std::string file, int line, std::string text) {
  return ImportMessage{severity, SourceRef{std::move(file), line}, std::move(text)};
}

TEST(NginxImportMessagesTest, FormatsFileLineAndSeverity) {
  EXPECT_EQ(format_message(message(Severity::error, "nginx.conf", 12, "unknown directive")),
            "nginx.conf:12: unknown directive");
  EXPECT_EQ(format_message(message(Severity::warning, "a.conf", 3, "dropped")),
            "a.conf:3: warning: dropped");
  EXPECT_EQ(format_message(message(Severity::notice, "nginx.conf", 0, "kept")),
            "nginx.conf: notice: kept");
}

// A message is one line whatever its words hold: a word's "\n" is a newline in nginx's syntax.
TEST(NginxImportMessagesTest, ShowsControlCharactersAsEscapes) {
  EXPECT_EQ(format_message(message(Severity::error, "in\nc.conf", 1, "bad \"a\nb\x7f\"")),
            "in\\x0ac.conf:1: bad \"a\\x0ab\\x7f\"");
}

TEST(NginxImportMessagesTest, LeavesPrintableTextAsItIs) {
  EXPECT_EQ(format_message(message(Severity::error, "nginx.conf", 2, "a \\x0a already shown")),
            "nginx.conf:2: a \\x0a already shown");
}

}  // namespace
}  // namespace relay7::nginx_import
