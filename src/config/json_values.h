#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/diagnostics.h"
#include "relay7/config/config.h"

namespace relay7::config {

using Json = nlohmann::ordered_json;

// A JSON value together with the path errors about it are reported under.
struct Node {
  const Json& value;
  std::string path;
};

// "string", "number", "array", ... as used in `expected X, got Y` messages.
std::string type_name(const Json& value);

// An object whose keys were checked against the ones a section accepts: every unknown key is
// reported (with a suggestion when it looks like a typo), so readers only ask for known keys.
class ObjectReader {
 public:
  // nullopt (and an error) when `node` is not an object.
  static std::optional<ObjectReader> open(const Node& node,
                                          std::vector<std::string_view> known_keys,
                                          Diagnostics& diagnostics);

  const std::string& path() const { return path_; }
  std::optional<Node> find(std::string_view key) const;
  // Like find, but a missing key is an error.
  std::optional<Node> require(std::string_view key, Diagnostics& diagnostics) const;

 private:
  ObjectReader(const Json& object, std::string path) : object_(&object), path_(std::move(path)) {}

  const Json* object_;
  std::string path_;
};

std::optional<std::string> read_string(const Node& node, Diagnostics& diagnostics);
// A size string ("512", "8k", "64m", "1g").
std::optional<uint64_t> read_size(const Node& node, Diagnostics& diagnostics);
std::optional<bool> read_bool(const Node& node, Diagnostics& diagnostics);
std::optional<std::string> read_non_empty_string(const Node& node, Diagnostics& diagnostics);
// An integer within [min, max]; fractional numbers and other types are errors.
std::optional<int64_t> read_integer(const Node& node, int64_t min, int64_t max,
                                    Diagnostics& diagnostics);
// A duration string within [min, max].
std::optional<Duration> read_duration(const Node& node, Duration min, Duration max,
                                      Diagnostics& diagnostics);
// The index into `choices` of a string value.
std::optional<size_t> read_choice(const Node& node, const std::vector<std::string_view>& choices,
                                  Diagnostics& diagnostics);

// Checks that `node` is an array and returns its elements with their paths; `what` completes
// "expected an array of ..." in the error.
std::optional<std::vector<Node>> read_array(const Node& node, std::string_view what,
                                            Diagnostics& diagnostics);

// Writes the value into `target` only when it was valid, so defaults survive bad input.
template <typename T, typename U>
void assign_if(T& target, const std::optional<U>& value) {
  if (value) {
    target = static_cast<T>(*value);
  }
}

}  // namespace relay7::config
