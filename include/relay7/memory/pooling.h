#pragma once

namespace relay7 {

// Whether relay7 keeps objects in pools of its own (slab_pool.h, small_object_region.h).
// AddressSanitizer builds do not: every object keeps its own heap allocation, so that a use
// after free is still reported; a pool would hand the memory on unpoisoned.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kPoolingEnabled = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kPoolingEnabled = false;
#else
inline constexpr bool kPoolingEnabled = true;
#endif
#else
inline constexpr bool kPoolingEnabled = true;
#endif

}  // namespace relay7
