#include "demo/echo_json.h"

#include "demo/json_writer.h"

namespace relay7::demo {
namespace {

// [["Name","value"],...] in arrival order.
void append_fields(std::string& out, const HeaderList& fields) {
  out += '[';
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0)
      out += ',';
    out += '[';
    append_json_string(out, fields[i].first);
    out += ',';
    append_json_string(out, fields[i].second);
    out += ']';
  }
  out += ']';
}

}  // namespace

std::string echo_json(const Request& request, std::string_view server_name, uint16_t port) {
  std::string out = "{\"server\":";
  append_json_string(out, server_name);
  out += ",\"port\":" + std::to_string(port) + ",\"method\":";
  append_json_string(out, request.method);
  out += ",\"uri\":";
  append_json_string(out, request.uri);
  out += ",\"version\":";
  append_json_string(out, request.version);
  out += ",\"headers\":";
  append_fields(out, request.headers);
  out += ",\"trailers\":";
  append_fields(out, request.trailers);
  out += ",\"body_length\":" + std::to_string(request.body_length) + ",\"body_fnv1a\":";
  append_json_string(out, request.body_hash.hex());
  out += '}';
  return out;
}

}  // namespace relay7::demo
