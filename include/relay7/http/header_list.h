#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace relay7 {

struct Header {
  std::string name;
  std::string value;
};

// The headers of one message, in arrival order. Slots are reused from message to message on a
// connection, so a keep-alive connection stops allocating for headers after its first request.
class HeaderList {
 public:
  void clear() { count_ = 0; }
  Header& add();
  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  const Header& operator[](size_t index) const { return items_[index]; }
  Header& back() { return items_[count_ - 1]; }
  const Header* begin() const { return items_.data(); }
  const Header* end() const { return items_.data() + count_; }

  // The first header with this name (case-insensitive), or nullptr.
  const Header* find(std::string_view name) const;
  size_t count(std::string_view name) const;

 private:
  std::vector<Header> items_;
  size_t count_ = 0;
};

}  // namespace relay7
