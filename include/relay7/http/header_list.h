#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "relay7/http/field_name.h"

namespace relay7 {

struct Header {
  std::string name;
  std::string value;
  FieldName known = FieldName::other;  // set once the name is complete (parser, add)
};

// The headers of one message, in arrival order. Slots are reused from message to message on a
// connection, so a keep-alive connection stops allocating for headers after its first request.
class HeaderList {
 public:
  void clear() { count_ = 0; }
  // A new field whose name and value the caller fills in (the parser, piece by piece); its
  // `known` name is the caller's to set.
  Header& add();
  // A complete field.
  Header& add(std::string_view name, std::string_view value);
  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  const Header& operator[](size_t index) const { return items_[index]; }
  Header& back() { return items_[count_ - 1]; }
  const Header* begin() const { return items_.data(); }
  const Header* end() const { return items_.data() + count_; }

  // The first header with this name (case-insensitive), or nullptr.
  const Header* find(std::string_view name) const;
  size_t count(std::string_view name) const;
  const Header* find(FieldName name) const;
  size_t count(FieldName name) const;

 private:
  std::vector<Header> items_;
  size_t count_ = 0;
};

}  // namespace relay7
