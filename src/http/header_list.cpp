#include "relay7/http/header_list.h"

#include "relay7/http/ascii.h"

namespace relay7 {

Header& HeaderList::add() {
  if (count_ == items_.size()) {
    items_.emplace_back();
  } else {
    items_[count_].name.clear();
    items_[count_].value.clear();
  }
  return items_[count_++];
}

const Header* HeaderList::find(std::string_view name) const {
  for (const Header& header : *this) {
    if (iequals(header.name, name)) {
      return &header;
    }
  }
  return nullptr;
}

size_t HeaderList::count(std::string_view name) const {
  size_t n = 0;
  for (const Header& header : *this) {
    n += iequals(header.name, name) ? 1 : 0;
  }
  return n;
}

}  // namespace relay7
