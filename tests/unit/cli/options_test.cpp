#include "relay7/cli/options.h"

#include <gtest/gtest.h>

namespace relay7 {
namespace {

std::optional<Options> parse(std::vector<std::string> args, std::string* error_out = nullptr) {
  std::string error;
  auto options = parse_options(args, error);
  if (error_out != nullptr) {
    *error_out = error;
  }
  return options;
}

TEST(OptionsTest, DefaultsToTheInstalledConfig) {
  const auto options = parse({});
  ASSERT_TRUE(options);
  EXPECT_EQ(options->config_path, "/etc/relay7/relay7.json");
  EXPECT_FALSE(options->test_config || options->dump_config || options->signal);
}

TEST(OptionsTest, AcceptsShortLongAndEqualsForms) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"-c", "x.json", "-s", "reload"},
                                             {"--config", "x.json", "--signal", "reload"},
                                             {"--config=x.json", "--signal=reload"}}) {
    const auto options = parse(args);
    ASSERT_TRUE(options);
    EXPECT_EQ(options->config_path, "x.json");
    EXPECT_EQ(options->signal, "reload");
  }
  EXPECT_TRUE(parse({"-T"})->dump_config);
  EXPECT_TRUE(parse({"--dump-config"})->dump_config);
  EXPECT_TRUE(parse({"--test"})->test_config);
  EXPECT_TRUE(parse({"-V"})->show_version);
  EXPECT_TRUE(parse({"--help"})->show_help);
}

TEST(OptionsTest, UsageErrorsSayWhatIsWrong) {
  std::string error;
  EXPECT_FALSE(parse({"-s", "restart"}, &error));
  EXPECT_EQ(error, "unknown signal \"restart\" (expected reload, quit, stop or reopen)");
  EXPECT_FALSE(parse({"-c"}, &error));
  EXPECT_EQ(error, "option -c needs a value");
  EXPECT_FALSE(parse({"--bogus"}, &error));
  EXPECT_EQ(error, "unknown option \"--bogus\"");
  EXPECT_FALSE(parse({"-t", "-s", "quit"}, &error));
  EXPECT_EQ(error, "-s cannot be combined with -t or -T");
}

TEST(OptionsTest, HelpListsEveryOption) {
  const std::string help = usage_text();
  for (const char* option : {"--config", "--test", "--dump-config", "--signal", "--version",
                             "--help", "-c,", "-t,", "-T,", "-s,", "-V,", "-h,"}) {
    EXPECT_NE(help.find(option), std::string::npos) << option;
  }
}

TEST(OptionsTest, VersionNamesEveryLibrary) {
  const std::string text = version_text();
  for (const char* library : {"relay7 ", "libevent ", "llhttp ", "spdlog ", "nlohmann/json "}) {
    EXPECT_NE(text.find(library), std::string::npos) << library;
  }
}

}  // namespace
}  // namespace relay7
