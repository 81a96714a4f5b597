#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace relay7 {

// Anonymous memory the master shares with the processes it forks afterwards (the workers of
// every generation) and that nothing else can reach: zero-filled when made, unmapped when this
// goes away.
class SharedMapping {
 public:
  // nullopt with `error` ("cannot map WHAT (N bytes): reason") when the system refuses.
  static std::optional<SharedMapping> create(size_t bytes, std::string_view what,
                                             std::string& error);

  SharedMapping(SharedMapping&& other) noexcept;
  SharedMapping& operator=(SharedMapping&& other) noexcept;
  SharedMapping(const SharedMapping&) = delete;
  SharedMapping& operator=(const SharedMapping&) = delete;
  ~SharedMapping();

  void* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  SharedMapping(void* data, size_t size) : data_(data), size_(size) {}
  void unmap();

  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace relay7
