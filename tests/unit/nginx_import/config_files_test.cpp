#include "relay7/nginx_import/config_files.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace relay7::nginx_import {
namespace {

using relay7::testing::TempDir;
using relay7::testing::write_file;

class NginxConfigFilesTest : public ::testing::Test {
 protected:
  void write(const std::string& name, const std::string& text) {
    std::filesystem::create_directories((dir_.path() / name).parent_path());
    write_file(dir_.path() / name, text);
  }

  LoadedConfig load(const std::string& name = "nginx.conf") {
    return load_nginx_config(path(name), messages_);
  }

  std::string path(const std::string& name) const { return (dir_.path() / name).string(); }

  // The names of the directives at the top of `config` (included ones in place).
  static std::vector<std::string> names(const std::vector<Directive>& directives) {
    std::vector<std::string> out;
    for (const Directive& d : directives) {
      out.push_back(d.name + (d.args.empty() ? "" : " " + d.args[0]));
    }
    return out;
  }

  std::vector<std::string> errors() const {
    std::vector<std::string> out;
    for (const ImportMessage& m : messages_.sorted()) {
      out.push_back(format_message(m));
    }
    return out;
  }

  TempDir dir_{"relay7-nginx-files"};
  MessageList messages_;
};

TEST_F(NginxConfigFilesTest, SplicesIncludesInPlaceWithTheirOwnFileAndLine) {
  write("nginx.conf", "a;\ninclude conf.d/*.conf;\nb { include inner.conf; }\n");
  write("conf.d/2.conf", "\nsecond;\n");
  write("conf.d/1.conf", "first;\n");
  write("conf.d/skipped.txt", "never;\n");
  write("inner.conf", "inside x;\n");
  const LoadedConfig config = load();
  ASSERT_FALSE(config.syntax_error || config.file_error) << errors().front();
  EXPECT_EQ(names(config.directives), (std::vector<std::string>{"a", "first", "second", "b"}));
  EXPECT_EQ(config.directives[2].where.file, path("conf.d/2.conf"));
  EXPECT_EQ(config.directives[2].where.line, 2);
  EXPECT_EQ(names(config.directives[3].block), (std::vector<std::string>{"inside x"}));
  EXPECT_EQ(config.directives[3].block[0].where.file, path("inner.conf"));
}

TEST_F(NginxConfigFilesTest, NumbersDirectivesInTheOrderAReaderMeetsThem) {
  write("nginx.conf", "a { b; }\ninclude more.conf;\nd;\n");
  write("more.conf", "c;\n");
  const LoadedConfig config = load();
  ASSERT_EQ(config.directives.size(), 3u);
  EXPECT_EQ(config.directives[0].where.sequence, 1u);
  EXPECT_EQ(config.directives[0].block[0].where.sequence, 2u);
  EXPECT_EQ(config.directives[1].where.sequence, 3u);
  EXPECT_EQ(config.directives[2].where.sequence, 4u);
}

TEST_F(NginxConfigFilesTest, APatternMatchingNothingIsNoError) {
  write("nginx.conf", "include sites-enabled/*;\na;\n");
  const LoadedConfig config = load();
  EXPECT_FALSE(config.syntax_error || config.file_error);
  EXPECT_EQ(names(config.directives), std::vector<std::string>{"a"});
}

TEST_F(NginxConfigFilesTest, AMissingFileIsAFileErrorNamingTheInclude) {
  write("nginx.conf", "a;\ninclude missing.conf;\n");
  const LoadedConfig config = load();
  EXPECT_TRUE(config.file_error);
  EXPECT_TRUE(config.directives.empty());
  EXPECT_EQ(errors(),
            std::vector<std::string>{path("nginx.conf") + ":2: cannot read \"" +
                                     path("missing.conf") + "\": No such file or directory"});
}

TEST_F(NginxConfigFilesTest, AMissingMainFileIsAFileError) {
  const LoadedConfig config = load("absent.conf");
  EXPECT_TRUE(config.file_error);
  EXPECT_EQ(errors(), std::vector<std::string>{path("absent.conf") +
                                               ": cannot read: No such file or directory"});
}

TEST_F(NginxConfigFilesTest, ReportsASyntaxErrorInAnIncludedFileAtItsLine) {
  write("nginx.conf", "include bad.conf;\n");
  write("bad.conf", "a;\nb c");
  const LoadedConfig config = load();
  EXPECT_TRUE(config.syntax_error);
  EXPECT_EQ(errors(),
            std::vector<std::string>{path("bad.conf") +
                                     ":2: unexpected end of file, expecting \";\" or \"}\""});
}

TEST_F(NginxConfigFilesTest, RefusesAnIncludeThatLoopsBack) {
  write("nginx.conf", "include a.conf;\n");
  write("a.conf", "\ninclude ./nginx.conf;\n");
  const LoadedConfig config = load();
  EXPECT_TRUE(config.syntax_error);
  EXPECT_EQ(errors(), std::vector<std::string>{path("a.conf") + ":2: include of \"" +
                                               path("./nginx.conf") + "\" leads back to itself"});
}

TEST_F(NginxConfigFilesTest, ChecksTheIncludeDirectiveItself) {
  write("nginx.conf", "include a.conf b.conf;\n");
  EXPECT_TRUE(load().syntax_error);
  EXPECT_EQ(errors(), std::vector<std::string>{path("nginx.conf") +
                                               ":1: invalid number of arguments in \"include\" "
                                               "directive"});
}

TEST_F(NginxConfigFilesTest, ResolvesRelativePathsFromTheMainFilesFolder) {
  EXPECT_EQ(resolve_config_path("/etc/nginx", "logs/a.log"), "/etc/nginx/logs/a.log");
  EXPECT_EQ(resolve_config_path("/etc/nginx", "../x/./a.log"), "/etc/x/a.log");
  EXPECT_EQ(resolve_config_path("/etc/nginx", "/var/log/a.log"), "/var/log/a.log");
}

}  // namespace
}  // namespace relay7::nginx_import
