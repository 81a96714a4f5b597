#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace relay7::testing {

// Received bytes not consumed yet. Consuming only moves a cursor, so reading a large body in
// pieces stays linear.
class InputBuffer {
 public:
  std::string_view view() const { return std::string_view(data_).substr(pos_); }
  size_t size() const { return data_.size() - pos_; }
  bool empty() const { return size() == 0; }

  void append(std::string_view bytes) {
    if (pos_ > 0 && pos_ >= data_.size() / 2) {
      data_.erase(0, pos_);
      pos_ = 0;
    }
    data_.append(bytes);
  }
  void consume(size_t count) {
    pos_ += count;
    if (pos_ >= data_.size()) {
      data_.clear();
      pos_ = 0;
    }
  }
  std::string take_all() {
    std::string all(view());
    consume(all.size());
    return all;
  }

 private:
  std::string data_;
  size_t pos_ = 0;
};

}  // namespace relay7::testing
