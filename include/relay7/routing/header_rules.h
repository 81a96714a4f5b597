#pragma once

#include <bitset>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relay7/config/config.h"
#include "relay7/http/field_name.h"
#include "relay7/http/header_list.h"

namespace relay7 {

// A field relay7 writes into a message: its name (as written, and lower-case for HTTP/2) and the
// template of its value.
struct FieldOutput {
  std::string name;
  std::string lower_name;
  TextTemplate value;
};

// Names of fields of the incoming message that are not passed on, as a bit per name relay7
// classifies (FieldName) plus a short list of the others, so the common message pays one bit
// test per field.
class DroppedFields {
 public:
  void add(std::string_view name);
  bool contains(const Header& field) const;
  bool contains(std::string_view name) const;
  bool empty() const { return known_.none() && others_.empty(); }

 private:
  std::bitset<256> known_;
  std::vector<std::string> others_;  // lower-case
};

// What relay7 does to one direction's fields: drop the incoming ones a rule sets or removes,
// then write `fields` after the ones passed on.
struct FieldRules {
  DroppedFields dropped;
  std::vector<FieldOutput> fields;  // in order: defaults, then the server's, then the location's
};

// The header rules in force where a request is answered, merged once at load from three layers:
// relay7's defaults (the forwarded headers, the request ID), the server block's rules and the
// location's. A name a layer sets or removes replaces whatever the layers below say of it; the
// rest is inherited.
struct HeaderRuleSet {
  FieldRules request;
  std::optional<TextTemplate> host;  // a rule sets Host: its value replaces the client's
  FieldRules response;
  bool uses_request_id = false;  // some value names $request_id
};

// The layers of one location (or of a server block without a matching location: `location`
// nullptr; or before routing: `server` nullptr as well).
HeaderRuleSet merge_header_rules(const Config& config, const HeaderRulesConfig* server,
                                 const HeaderRulesConfig* location);

// relay7's default request rules, as the man page shows them: X-Forwarded-For, X-Real-IP,
// X-Forwarded-Proto, X-Forwarded-Host, and the request ID's header when request_id is on.
std::vector<HeaderEdit> default_request_rules(const Config& config);

}  // namespace relay7
