#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "relay7/log/access_log.h"

namespace relay7 {
namespace {

// Every byte a client controls, in every field: quotes, backslashes, control bytes, a line
// break, invalid UTF-8 and a valid multi-byte character.
constexpr std::string_view kHostile = "a\"b\\c\x01\r\n{\"x\":1}\xff\xc3\xa9";

AccessLogConfig config_of(AccessLogFormat kind, std::string_view line = {}) {
  AccessLogConfig config;
  config.kind = kind;
  if (!line.empty()) {
    std::string error;
    config.line = *parse_text_template(line, error, TemplateScope::access_log);
  }
  return config;
}

struct Entry {
  HeaderList fields;
  AccessLogEntry entry;

  explicit Entry(std::string_view hostile) {
    fields.add("Referer", std::string(hostile));
    fields.add("User-Agent", std::string(hostile));
    fields.add("X-Custom", std::string(hostile));
    entry.client_ip = "192.0.2.1";
    entry.method = hostile;
    entry.target = hostile;
    entry.status = 200;
    entry.body_bytes = 12;
    entry.fields = &fields;
    entry.referer = hostile;
    entry.user_agent = hostile;
    entry.upstream = "127.0.0.1:2222";
    entry.upstream_status = 200;
    entry.upstream_seconds = 0.0042;
    entry.request_seconds = 0.0051;
    entry.request_id = hostile;
    entry.host = hostile;
    entry.scheme = "https";
    entry.server_port = "443";
  }
};

std::string format(const AccessLogConfig& config, const AccessLogEntry& entry) {
  CachedClock clock;
  std::string out;
  AccessLog::format(config, entry, clock, out);
  return out;
}

bool has_raw_control_or_quote_run(std::string_view line) {
  for (const char c : line) {
    if (static_cast<unsigned char>(c) < 0x20) {
      return true;
    }
  }
  return false;
}

TEST(AccessLogFormatTest, CombinedEscapesEveryClientField) {
  const Entry entry(kHostile);
  const std::string line = format(config_of(AccessLogFormat::combined), entry.entry);
  EXPECT_FALSE(has_raw_control_or_quote_run(line)) << line;
  EXPECT_NE(line.find("\"a\\x22b\\x5Cc\\x01\\x0D\\x0A{\\x22x\\x22:1}\\xFF\\xC3\\xA9 "),
            std::string::npos)
      << line;
  EXPECT_NE(line.find(" 200 12 "), std::string::npos) << line;
  EXPECT_TRUE(line.ends_with(" 127.0.0.1:2222 0.005")) << line;
  // Exactly the six quotes of the request, the referer and the user agent.
  EXPECT_EQ(std::count(line.begin(), line.end(), '"'), 6) << line;
}

TEST(AccessLogFormatTest, JsonIsOneValidObjectWhateverTheClientSent) {
  const Entry entry(kHostile);
  const std::string line = format(config_of(AccessLogFormat::json), entry.entry);
  EXPECT_FALSE(has_raw_control_or_quote_run(line)) << line;
  const auto parsed = nlohmann::json::parse(line);  // throws (and fails) on invalid JSON
  const std::string expected = "a\"b\\c\x01\r\n{\"x\":1}\xef\xbf\xbd\xc3\xa9";
  for (const char* key :
       {"request_method", "request_uri", "http_referer", "http_user_agent", "request_id", "host"}) {
    EXPECT_EQ(parsed[key], expected) << key;
  }
  EXPECT_EQ(parsed["remote_addr"], "192.0.2.1");
  EXPECT_EQ(parsed["status"], 200);
  EXPECT_EQ(parsed["body_bytes_sent"], 12);
  EXPECT_EQ(parsed["upstream_addr"], "127.0.0.1:2222");
  EXPECT_EQ(parsed["upstream_status"], 200);
  EXPECT_DOUBLE_EQ(parsed["upstream_response_time"].get<double>(), 0.004);
  EXPECT_DOUBLE_EQ(parsed["request_time"].get<double>(), 0.005);
  EXPECT_EQ(parsed["scheme"], "https");
  EXPECT_EQ(parsed["server_protocol"], "HTTP/1.1");
  EXPECT_TRUE(parsed.contains("time_iso8601"));
}

TEST(AccessLogFormatTest, JsonSaysNullForWhatARequestDidNotHave) {
  AccessLogEntry entry;
  entry.client_ip = "::1";
  entry.method = "GET";
  entry.target = "/";
  entry.status = 404;
  entry.upstream = "-";
  const auto parsed = nlohmann::json::parse(format(config_of(AccessLogFormat::json), entry));
  for (const char* key : {"request_id", "upstream_addr", "upstream_status",
                          "upstream_response_time", "http_referer", "http_user_agent", "host"}) {
    EXPECT_TRUE(parsed[key].is_null()) << key;
  }
}

TEST(AccessLogFormatTest, TemplatesEscapeValuesButNotTheirOwnText) {
  const Entry entry(kHostile);
  const std::string line =
      format(config_of(AccessLogFormat::custom,
                       "\"$remote_addr\" $request|$status $body_bytes_sent $request_time "
                       "$upstream_addr $upstream_status $upstream_response_time id=$request_id "
                       "h=$host $scheme:$server_port c=$http_x_custom n=$http_none $request_method "
                       "$request_uri $server_protocol"),
             entry.entry);
  EXPECT_FALSE(has_raw_control_or_quote_run(line)) << line;
  const std::string hostile = "a\\x22b\\x5Cc\\x01\\x0D\\x0A{\\x22x\\x22:1}\\xFF\\xC3\\xA9";
  EXPECT_EQ(line, "\"192.0.2.1\" " + hostile + " " + hostile + " HTTP/1.1|200 12 0.005 " +
                      "127.0.0.1:2222 200 0.004 id=" + hostile + " h=" + hostile +
                      " https:443 c=" + hostile + " n=- " + hostile + " " + hostile + " HTTP/1.1");
}

TEST(AccessLogFormatTest, TemplatesGiveADashForWhatIsMissing) {
  AccessLogEntry entry;
  entry.status = 502;
  entry.upstream = "127.0.0.1:9";
  const std::string line = format(
      config_of(AccessLogFormat::custom, "$upstream_status $upstream_response_time $host"), entry);
  EXPECT_EQ(line, "- - -");
}

TEST(JsonEscapingTest, KeepsValidUtf8AndReplacesEveryInvalidByte) {
  std::string out;
  append_json_escaped(out, "\xe2\x82\xac \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82");
  EXPECT_EQ(out,
            "\xe2\x82\xac \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd "
            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_TRUE(nlohmann::json::accept("\"" + out + "\""));
}

}  // namespace
}  // namespace relay7
