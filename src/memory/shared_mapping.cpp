#include "relay7/memory/shared_mapping.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace relay7 {

std::optional<SharedMapping> SharedMapping::create(size_t bytes, std::string_view what,
                                                   std::string& error) {
  void* data = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (data == MAP_FAILED) {
    error = "cannot map " + std::string(what) + " (" + std::to_string(bytes) +
            " bytes): " + std::strerror(errno);
    return std::nullopt;
  }
  return SharedMapping(data, bytes);
}

SharedMapping::SharedMapping(SharedMapping&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

SharedMapping& SharedMapping::operator=(SharedMapping&& other) noexcept {
  if (this != &other) {
    unmap();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

SharedMapping::~SharedMapping() {
  unmap();
}

void SharedMapping::unmap() {
  if (data_ != nullptr) {
    ::munmap(data_, size_);
    data_ = nullptr;
  }
}

}  // namespace relay7
