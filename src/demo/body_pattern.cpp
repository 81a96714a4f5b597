#include "demo/body_pattern.h"

#include <string>

namespace relay7::demo {

std::string_view pattern_piece() {
  static const std::string kPiece = [] {
    static constexpr std::string_view kPattern = "0123456789abcdef";
    static_assert(kPatternPieceSize % kPattern.size() == 0);
    std::string piece;
    piece.reserve(kPatternPieceSize);
    while (piece.size() < kPatternPieceSize)
      piece += kPattern;
    return piece;
  }();
  return kPiece;
}

}  // namespace relay7::demo
