#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay7::config {

// The candidate a typo most likely meant: edit distance <= 2, or equal once case and
// punctuation are ignored ("listen:" -> "listen"). nullopt when nothing is close enough.
std::optional<std::string> closest_match(std::string_view typo,
                                         const std::vector<std::string_view>& candidates);

// ` (did you mean "X"?)` for a close candidate, otherwise "".
std::string did_you_mean(std::string_view typo, const std::vector<std::string_view>& candidates);

}  // namespace relay7::config
