#include "relay7/http/field_name.h"

#include "relay7/http/ascii.h"

namespace relay7 {

FieldName classify_field_name(std::string_view name) {
  // By length first: most fields are none of these and cost one switch.
  switch (name.size()) {
    case 2:
      return iequals(name, "te") ? FieldName::te : FieldName::other;
    case 4:
      return iequals(name, "host") ? FieldName::host : FieldName::other;
    case 6:
      return iequals(name, "cookie") ? FieldName::cookie : FieldName::other;
    case 7:
      if (iequals(name, "trailer")) {
        return FieldName::trailer;
      }
      if (iequals(name, "upgrade")) {
        return FieldName::upgrade;
      }
      return iequals(name, "referer") ? FieldName::referer : FieldName::other;
    case 9:
      return iequals(name, "x-real-ip") ? FieldName::x_real_ip : FieldName::other;
    case 10:
      if (iequals(name, "connection")) {
        return FieldName::connection;
      }
      if (iequals(name, "keep-alive")) {
        return FieldName::keep_alive;
      }
      return iequals(name, "user-agent") ? FieldName::user_agent : FieldName::other;
    case 14:
      return iequals(name, "content-length") ? FieldName::content_length : FieldName::other;
    case 15:
      return iequals(name, "x-forwarded-for") ? FieldName::x_forwarded_for : FieldName::other;
    case 16:
      if (iequals(name, "proxy-connection")) {
        return FieldName::proxy_connection;
      }
      return iequals(name, "x-forwarded-host") ? FieldName::x_forwarded_host : FieldName::other;
    case 17:
      if (iequals(name, "transfer-encoding")) {
        return FieldName::transfer_encoding;
      }
      return iequals(name, "x-forwarded-proto") ? FieldName::x_forwarded_proto : FieldName::other;
    default:
      return FieldName::other;
  }
}

}  // namespace relay7
