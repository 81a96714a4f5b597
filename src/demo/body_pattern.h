#pragma once

#include <cstddef>
#include <string_view>

namespace relay7::demo {

// Size of each piece of a generated body; a multiple of the pattern length so every piece
// starts the pattern afresh and the whole body is "0123456789abcdef" repeated.
constexpr size_t kPatternPieceSize = 64 * 1024;

// kPatternPieceSize bytes of the pattern, valid for the whole process lifetime (libevent can
// reference it instead of copying).
std::string_view pattern_piece();

}  // namespace relay7::demo
