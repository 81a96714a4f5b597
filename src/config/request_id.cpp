#include "config/global_settings.h"
#include "config/json_path.h"
#include "relay7/http/ascii.h"
#include "relay7/http/field_name.h"

namespace relay7::config {

void read_request_id(const Node& node, std::optional<RequestIdConfig>& request_id,
                     Diagnostics& diagnostics) {
  const auto object = ObjectReader::open(node, {"header", "trust", "return"}, diagnostics);
  if (!object) {
    return;
  }
  RequestIdConfig config;
  if (const auto header = object->find("header")) {
    const auto name = read_non_empty_string(*header, diagnostics);
    if (name && (!is_token(*name) || is_connection_specific(classify_field_name(*name)) ||
                 classify_field_name(*name) == FieldName::host)) {
      diagnostics.error(header->path, quote_json(*name) + " cannot carry a request ID");
    } else if (name) {
      config.header = *name;
    }
  }
  if (const auto trust = object->find("trust")) {
    assign_if(config.trust, read_bool(*trust, diagnostics));
  }
  if (const auto give_back = object->find("return")) {
    assign_if(config.return_to_client, read_bool(*give_back, diagnostics));
  }
  request_id = std::move(config);
}

}  // namespace relay7::config
