#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace relay7::nginx_import {

// The blocks of an nginx config the import reads; a rule lists those nginx allows it in.
enum Context : unsigned {
  kMain = 1u << 0,
  kEvents = 1u << 1,
  kHttp = 1u << 2,
  kServer = 1u << 3,
  kLocation = 1u << 4,
  kUpstream = 1u << 5,
};
inline constexpr unsigned kHttpLevels = kHttp | kServer | kLocation;

enum class Handling {
  translated,      // a translator reads it; `note` names the relay7 key it becomes
  no_effect,       // dropped with a warning: it tunes something relay7 does not have (`note`)
  restated_when,   // `same_value` restates what relay7 always does (a warning); any other value
                   // is not translated (an error); `note` says what relay7 does
  not_translated,  // an error: `note` says why and what to do instead
};

inline constexpr int kNoLimit = -1;

// What the import does with one nginx directive: the whole translation table is
// directive_table.cpp.
struct DirectiveRule {
  std::string_view name;
  unsigned contexts;  // where nginx allows it
  int min_args;
  int max_args;  // kNoLimit: no upper bound
  bool block;
  Handling handling;
  std::string_view note;
  std::string_view same_value = {};  // for restated_when
};

// The rule for `name` in `context`: "server" means a virtual server in http and a backend in
// upstream. nullptr when the table has no rule for it there (see rule_anywhere).
const DirectiveRule* find_rule(std::string_view name, Context context);
// Any rule of that name, for "not allowed here".
const DirectiveRule* rule_anywhere(std::string_view name);
std::span<const DirectiveRule> directive_rules();

// Whether nginx itself knows the directive (any of its own modules).
bool is_nginx_directive(std::string_view name);
std::span<const std::string_view> nginx_directive_names();

// Why an nginx directive that has no rule is not translated, and what to do instead: the reason
// of its module ("ssl_..." -> no TLS yet), or a general one.
std::string reason_without_rule(std::string_view name);

// Names to suggest for a mistyped directive in `context`: those with a rule there first, then
// every nginx directive.
std::vector<std::string_view> suggestion_candidates(Context context);

}  // namespace relay7::nginx_import
