#include "relay7/http/header_list.h"

#include "relay7/http/ascii.h"

namespace relay7 {

Header& HeaderList::add() {
  if (count_ == items_.size()) {
    items_.emplace_back();
  } else {
    items_[count_].name.clear();
    items_[count_].value.clear();
    items_[count_].known = FieldName::other;
  }
  return items_[count_++];
}

Header& HeaderList::add(std::string_view name, std::string_view value) {
  Header& added = add();
  added.name.assign(name);
  added.value.assign(value);
  added.known = classify_field_name(name);
  return added;
}

const Header* HeaderList::find(FieldName name) const {
  for (const Header& header : *this) {
    if (header.known == name) {
      return &header;
    }
  }
  return nullptr;
}

size_t HeaderList::count(FieldName name) const {
  size_t n = 0;
  for (const Header& header : *this) {
    n += header.known == name ? 1 : 0;
  }
  return n;
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
