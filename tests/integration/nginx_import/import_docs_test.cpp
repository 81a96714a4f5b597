// relay7(8), IMPORTING FROM NGINX, documents every directive of the translation table.
#include <gtest/gtest.h>

#include "nginx_import/directive_table.h"
#include "support/paths.h"
#include "support/temp_dir.h"

namespace relay7::testing {
namespace {

std::string import_section() {
  const std::string page = read_file(source_dir() + "/man/relay7.8.scd");
  const size_t begin = page.find("# IMPORTING FROM NGINX");
  const size_t end = page.find("\n# ", begin + 1);
  return begin == std::string::npos ? "" : page.substr(begin, end - begin);
}

TEST(ImportDocsTest, EveryDirectiveOfTheTableIsDocumented) {
  const std::string section = import_section();
  ASSERT_GT(section.size(), 5000u);
  for (const nginx_import::DirectiveRule& rule : nginx_import::directive_rules()) {
    EXPECT_NE(section.find(std::string(rule.name)), std::string::npos)
        << "relay7(8) does not document \"" << rule.name << "\" under IMPORTING FROM NGINX";
    if (rule.handling == nginx_import::Handling::restated_when) {
      EXPECT_NE(section.find("*" + std::string(rule.name) + "* " + std::string(rule.same_value)),
                std::string::npos)
          << rule.name;
    }
  }
}

TEST(ImportDocsTest, TheOptionsOfTheCommandAreDocumented) {
  const std::string section = import_section();
  for (const char* option : {"*-o*, *--output* _OUT_", "*--partial*", "*-h*, *--help*"}) {
    EXPECT_NE(section.find(option), std::string::npos) << option;
  }
}

}  // namespace
}  // namespace relay7::testing
