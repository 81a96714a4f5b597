#include "config/location_actions.h"

namespace relay7::config {

std::optional<ServeKind> read_serve(const Node& node, Diagnostics& diagnostics) {
  // Same order as the ServeKind enumerators.
  const auto index = read_choice(node, {kServeKindNames[0], kServeKindNames[1]}, diagnostics);
  if (!index) {
    return std::nullopt;
  }
  return static_cast<ServeKind>(*index);
}

}  // namespace relay7::config
