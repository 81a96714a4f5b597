#include "config/suggest.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <numeric>

namespace relay7::config {
namespace {

constexpr size_t kMaxTypoDistance = 2;

size_t levenshtein(std::string_view a, std::string_view b) {
  std::vector<size_t> previous(b.size() + 1);
  std::vector<size_t> current(b.size() + 1);
  std::iota(previous.begin(), previous.end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::string alphanumeric_lower(std::string_view text) {
  std::string result;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      result += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return result;
}

}  // namespace

std::optional<std::string> closest_match(std::string_view typo,
                                         const std::vector<std::string_view>& candidates) {
  const std::string normalized_typo = alphanumeric_lower(typo);
  std::optional<std::string> best;
  size_t best_distance = std::numeric_limits<size_t>::max();
  for (const auto candidate : candidates) {
    // Punctuation-only differences count as an exact hit so they beat any real typo.
    const size_t distance =
        !normalized_typo.empty() && normalized_typo == alphanumeric_lower(candidate)
            ? 0
            : levenshtein(typo, candidate);
    // Replacing every character of a short word is not a typo ("b" is no misspelling of "a").
    const bool plausible = distance < std::max(typo.size(), candidate.size());
    if (distance <= kMaxTypoDistance && plausible && distance < best_distance) {
      best = std::string(candidate);
      best_distance = distance;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view typo, const std::vector<std::string_view>& candidates) {
  const auto match = closest_match(typo, candidates);
  return match ? " (did you mean \"" + *match + "\"?)" : std::string();
}

}  // namespace relay7::config
