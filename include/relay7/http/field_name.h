#pragma once

#include <cstdint>
#include <string_view>

namespace relay7 {

// The field names relay7 acts on, recognised once when a head is parsed (case-insensitively), so
// that forwarding a message compares a small number per field instead of its name, again and
// again, against every name some rule cares about.
enum class FieldName : uint8_t {
  other,
  // Connection-specific (RFC 9110 section 7.6.1) or regenerated framing: never forwarded.
  connection,
  keep_alive,
  proxy_connection,
  te,
  trailer,
  upgrade,
  transfer_encoding,
  content_length,
  // Set by relay7's default header rules on the way upstream (routing/header_rules.h).
  host,
  x_forwarded_for,
  x_real_ip,
  x_forwarded_proto,
  x_forwarded_host,
  // Read by relay7.
  cookie,
  referer,
  user_agent,
};

FieldName classify_field_name(std::string_view name);

// Connection-specific fields plus the framing fields relay7 always regenerates for the next hop.
constexpr bool is_connection_specific(FieldName name) {
  return name >= FieldName::connection && name <= FieldName::content_length;
}

}  // namespace relay7
