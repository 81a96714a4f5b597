#include "relay7/process/process_title.h"

#include <sys/prctl.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

extern char** environ;

namespace relay7 {
namespace {

struct TitleArea {
  char* begin = nullptr;
  size_t size = 0;
  // The environment's new home: getenv() keeps working after its old strings are overwritten.
  std::vector<std::string> environment;
  std::vector<char*> environment_pointers;
};

TitleArea& area() {
  static TitleArea instance;
  return instance;
}

// The end of the run of strings starting at `strings[0]` that lie back to back in memory.
char* end_of_contiguous(char* end, char** strings) {
  for (size_t i = 0; strings[i] != nullptr; ++i) {
    if (strings[i] != end) {
      break;
    }
    end = strings[i] + std::strlen(strings[i]) + 1;
  }
  return end;
}

void move_environment(TitleArea& title) {
  for (size_t i = 0; environ[i] != nullptr; ++i) {
    title.environment.emplace_back(environ[i]);
  }
  for (std::string& entry : title.environment) {
    title.environment_pointers.push_back(entry.data());
  }
  title.environment_pointers.push_back(nullptr);
  environ = title.environment_pointers.data();
}

}  // namespace

void ProcessTitle::init(int argc, char** argv) {
  if (argc < 1 || argv[0] == nullptr || area().begin != nullptr) {
    return;
  }
  TitleArea& title = area();
  char* end = end_of_contiguous(argv[0], argv);
  if (environ != nullptr && environ[0] == end) {
    end = end_of_contiguous(end, environ);
    move_environment(title);
  }
  title.begin = argv[0];
  title.size = static_cast<size_t>(end - argv[0]);
}

void ProcessTitle::set(std::string_view text) {
  TitleArea& title = area();
  if (title.begin == nullptr || title.size == 0) {
    return;
  }
  const size_t length = std::min(text.size(), title.size - 1);
  std::memcpy(title.begin, text.data(), length);
  std::memset(title.begin + length, 0, title.size - length);
  // The short name (15 bytes) that top and `ps -o comm` show.
  const std::string short_name(text.substr(0, 15));
  ::prctl(PR_SET_NAME, short_name.c_str(), 0, 0, 0);
}

}  // namespace relay7
