#include <gtest/gtest.h>

#include "relay7/cli/import_nginx_command.h"

namespace relay7 {
namespace {

std::optional<ImportNginxOptions> parse(const std::vector<std::string>& args, std::string& error) {
  return parse_import_nginx_options(args, error);
}

TEST(ImportNginxOptionsTest, ReadsTheFileTheOutputAndPartial) {
  std::string error;
  auto options = parse({"nginx.conf"}, error);
  ASSERT_TRUE(options) << error;
  EXPECT_EQ(options->input, "nginx.conf");
  EXPECT_FALSE(options->output);
  EXPECT_FALSE(options->partial);
  options = parse({"--partial", "-o", "relay7.json", "nginx.conf"}, error);
  ASSERT_TRUE(options) << error;
  EXPECT_EQ(options->output, "relay7.json");
  EXPECT_TRUE(options->partial);
  options = parse({"nginx.conf", "--output=out.json"}, error);
  ASSERT_TRUE(options) << error;
  EXPECT_EQ(options->output, "out.json");
  options = parse({"--output", "out.json", "nginx.conf"}, error);
  ASSERT_TRUE(options) << error;
  EXPECT_EQ(options->output, "out.json");
  options = parse({"-h"}, error);
  ASSERT_TRUE(options) << error;
  EXPECT_TRUE(options->show_help);
}

TEST(ImportNginxOptionsTest, RefusesWhatItCannotUse) {
  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{}, "import-nginx needs the nginx config file to read"},
      {{"a.conf", "b.conf"},
       "import-nginx takes one nginx config file, got \"a.conf\" and \"b.conf\""},
      {{"a.conf", "-o"}, "option -o needs a value"},
      {{"a.conf", "--output="}, "the output file name is empty"},
      {{"a.conf", "-t"}, "unknown option \"-t\" for import-nginx"},
  };
  for (const auto& [args, message] : cases) {
    std::string error;
    EXPECT_FALSE(parse(args, error)) << message;
    EXPECT_EQ(error, message);
  }
}

TEST(ImportNginxOptionsTest, TheHelpNamesEveryOption) {
  const std::string help = import_nginx_usage_text();
  for (const char* option : {"--output", "--partial", "--help", "-o"}) {
    EXPECT_NE(help.find(option), std::string::npos) << option;
  }
}

}  // namespace
}  // namespace relay7
