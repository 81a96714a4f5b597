#include "relay7/http/chunked.h"

#include <cstdio>

#include "relay7/http/ascii.h"
#include "relay7/http/hop_by_hop.h"

namespace relay7 {

size_t format_chunk_header(size_t length, char* out) {
  const int written = std::snprintf(out, kMaxChunkHeader, "%zx\r\n", length);
  return static_cast<size_t>(written);
}

bool is_forwardable_trailer(const Header& field) {
  return !is_connection_specific(field.known) && field.known != FieldName::host;
}

void append_last_chunk(std::string& out, const HeaderList& trailers) {
  out += "0\r\n";
  for (const Header& field : trailers) {
    if (is_forwardable_trailer(field)) {
      out += field.name;
      out += ": ";
      out += field.value;
      out += "\r\n";
    }
  }
  out += "\r\n";
}

void append_last_chunk(IoBuffer& out, const HeaderList& trailers) {
  if (trailers.empty()) {
    out.append("0\r\n\r\n");
    return;
  }
  out.append("0\r\n");
  for (const Header& field : trailers) {
    if (is_forwardable_trailer(field)) {
      out.append_field(field.name, field.value);
    }
  }
  out.append("\r\n");
}

}  // namespace relay7
