#include <algorithm>

#include "nginx_import/translation.h"
#include "nginx_import/values.h"
#include "relay7/config/text_template.h"
#include "relay7/http/ascii.h"

namespace relay7::nginx_import {
namespace {

enum class Modifier { prefix, exact, prefix_no_regex, regex, regex_ignore_case, named };

struct LocationName {
  Modifier modifier = Modifier::prefix;
  std::string path;
};

// "location = /x", "location =/x" (nginx accepts the modifier glued to the path), "location ~ re",
// "location @name". nullopt after reporting an unknown modifier.
std::optional<LocationName> read_location_name(Translation& t, const Directive& d) {
  struct Spelling {
    std::string_view text;
    Modifier modifier;
  };
  static constexpr Spelling kModifiers[] = {{"=", Modifier::exact},
                                            {"^~", Modifier::prefix_no_regex},
                                            {"~*", Modifier::regex_ignore_case},
                                            {"~", Modifier::regex}};
  if (d.args.size() == 2) {
    for (const Spelling& spelling : kModifiers) {
      if (d.args[0] == spelling.text) {
        return LocationName{spelling.modifier, d.args[1]};
      }
    }
    t.messages.error(d.where, "invalid location modifier " + quote_text(d.args[0]));
    return std::nullopt;
  }
  const std::string& name = d.args[0];
  if (name.starts_with('@')) {
    return LocationName{Modifier::named, name};
  }
  for (const Spelling& spelling : kModifiers) {
    if (name.starts_with(spelling.text) && name.size() > spelling.text.size()) {
      return LocationName{spelling.modifier, name.substr(spelling.text.size())};
    }
  }
  return LocationName{Modifier::prefix, name};
}

// nginx's own rules for a location inside another.
bool fits_in_parent(Translation& t, const Directive& d, const LocationModel& parent,
                    const std::string& path) {
  if (parent.exact) {
    t.messages.error(d.where, "location " + quote_text(path) +
                                  " cannot be inside the exact location " +
                                  quote_text(parent.path));
    return false;
  }
  if (!path.starts_with(parent.path)) {
    t.messages.error(d.where, "location " + quote_text(path) + " is outside location " +
                                  quote_text(parent.path));
    return false;
  }
  return true;
}

struct UrlParts {
  std::string scheme;
  std::string authority;
  std::optional<std::string> uri;  // from the first '/' after the authority
};

std::optional<UrlParts> split_url(std::string_view url) {
  const size_t separator = url.find("://");
  if (separator == std::string_view::npos) {
    return std::nullopt;
  }
  UrlParts parts;
  parts.scheme = std::string(url.substr(0, separator));
  const std::string_view rest = url.substr(separator + 3);
  const size_t slash = rest.find('/');
  parts.authority = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) {
    parts.uri = std::string(rest.substr(slash));
  }
  return parts;
}

// Where relay7's upstream URI differs from nginx's for this location, as a warning.
void warn_about_rewrite(Translation& t, const Directive& d, const LocationModel& location,
                        const std::optional<std::string>& uri) {
  if (!uri) {
    t.messages.warning(d.where,
                       "without a URI part nginx sends the request URI as the client wrote it "
                       "(\"/x/../a\", \"/%61\"); relay7 sends the normalised path it routed on "
                       "(\"/a\")");
    return;
  }
  if (location.exact || location.path.ends_with('/') || !uri->ends_with('/')) {
    return;
  }
  const std::string request = location.path + "/x";
  t.messages.warning(
      d.where, "nginx sends " + quote_text(request) + " upstream as " + quote_text(*uri + "/x") +
                   " (it joins " + quote_text(*uri) + " and " + quote_text("/x") + ") and " +
                   quote_text(location.path + "../x") + " as " + quote_text(*uri + "../x") +
                   "; relay7 sends " + quote_text(*uri + "x") + " and refuses the second with 400");
}

void translate_proxy_pass(Translation& t, const Directive& d, LocationModel& location) {
  const std::string& url = d.args[0];
  if (has_variable(url)) {
    t.not_translated(d, "relay7 has no variables: it picks the upstream from the location alone");
    return;
  }
  const auto parts = split_url(url);
  if (!parts || parts->authority.empty() || parts->authority.starts_with("unix:")) {
    t.not_translated(d, "relay7 proxies to http://UPSTREAM or http://HOST:PORT only");
    return;
  }
  // The scheme is case-insensitive: nginx takes "HTTP://" too.
  if (iequals(parts->scheme, "https")) {
    t.not_translated(d,
                     "the import does not write TLS to backends yet: write proxy_pass https:// "
                     "with the upstream's \"tls\" object by hand (relay7.json(5), UPSTREAMS)");
    return;
  }
  if (!iequals(parts->scheme, "http")) {
    t.not_translated(d, "relay7 proxies to HTTP backends only");
    return;
  }
  ProxyPassModel proxy;
  proxy.where = d.where;
  proxy.implicit_upstream = !t.is_upstream(parts->authority);
  proxy.url =
      "http://" + (proxy.implicit_upstream ? with_port(parts->authority) : parts->authority);
  proxy.url += parts->uri.value_or("");
  warn_about_rewrite(t, d, location, parts->uri);
  location.proxy_pass = std::move(proxy);
}

bool is_redirect(uint64_t status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool is_absolute_url(std::string_view text) {
  return text.starts_with("http://") || text.starts_with("https://");
}

void translate_location_directive(Translation& t, const Directive& d, ServerModel& server,
                                  size_t index) {
  if (d.name == "proxy_pass") {
    translate_proxy_pass(t, d, server.locations[index]);
  } else if (d.name == "return") {
    server.locations[index].return_action = read_return(t, d);
  } else if (d.name == "location") {
    translate_location(t, d, server, index);
  } else {
    translate_setting(t, d, server.locations[index].settings);
  }
}

// A location must answer with exactly one of proxy_pass and return, as in relay7; one with
// neither is left out of the result. Its own errors (a mistyped "retirn") already say why it has
// none.
void settle_content(Translation& t, const Directive& directive, ServerModel& server, size_t index,
                    bool had_errors) {
  LocationModel& location = server.locations[index];
  const auto has = [&](std::string_view name) {
    return std::any_of(directive.block.begin(), directive.block.end(),
                       [&](const Directive& d) { return d.name == name; });
  };
  if (location.return_action && location.proxy_pass) {
    t.messages.warning(location.proxy_pass->where,
                       "proxy_pass dropped: nginx answers with the return (line " +
                           std::to_string(location.return_action->where.line) +
                           ") before it would proxy");
    location.proxy_pass.reset();
  }
  if (!location.return_action && !location.proxy_pass && !has("proxy_pass") && !has("return") &&
      !had_errors) {
    t.not_translated(directive,
                     "without proxy_pass or return nginx serves files from the root, "
                     "and relay7 serves no files: give it a proxy_pass or a return");
  }
}

}  // namespace

// A redirect URL relay7 can send: variables only among those its locations expand, which mean
// in relay7 what they mean in nginx.
bool is_translatable_redirect(Translation& t, const Directive& d, std::string_view url) {
  std::string error;
  if (has_variable(url) && !parse_text_template(url, error)) {
    t.not_translated(d, "relay7's redirect locations expand only " + known_template_variables());
    return false;
  }
  return true;
}

std::optional<ReturnModel> read_return(Translation& t, const Directive& d) {
  ReturnModel answer;
  answer.where = d.where;
  const auto code = parse_count(d.args[0]);
  if (!code && has_variable(d.args[0]) && !is_absolute_url(d.args[0])) {
    t.not_translated(d, "relay7's status codes are fixed numbers");
    return std::nullopt;
  }
  if (!code) {
    if (d.args.size() == 1 && is_absolute_url(d.args[0]) &&
        !is_translatable_redirect(t, d, d.args[0])) {
      return std::nullopt;
    }
    if (d.args.size() != 1 || !is_absolute_url(d.args[0])) {
      t.messages.error(d.where, "invalid return code " + quote_text(d.args[0]));
      return std::nullopt;
    }
    answer.status = 302;
    answer.location = d.args[0];
    return answer;
  }
  if (*code == 444) {
    t.not_translated(d, "444 closes the connection without an answer; relay7 always answers");
    return std::nullopt;
  }
  answer.status = static_cast<int>(std::min<uint64_t>(*code, 1000));
  if (d.args.size() < 2) {
    return answer;
  }
  if (!is_redirect(*code)) {
    if (has_variable(d.args[1])) {
      t.not_translated(d,
                       "relay7 expands variables only in redirect locations: its bodies are "
                       "fixed text");
      return std::nullopt;
    }
    answer.body = d.args[1];
    return answer;
  }
  if (!is_translatable_redirect(t, d, d.args[1])) {
    return std::nullopt;
  }
  answer.location = d.args[1];
  if (!is_absolute_url(answer.location)) {
    t.messages.warning(d.where, "nginx makes " + quote_text(answer.location) +
                                    " an absolute URL with the request's host (absolute_redirect); "
                                    "relay7 sends it as written, which clients resolve the same "
                                    "way");
  }
  return answer;
}

void translate_location(Translation& t, const Directive& directive, ServerModel& server,
                        std::optional<size_t> parent) {
  const auto name = read_location_name(t, directive);
  if (!name) {
    return;
  }
  if (name->modifier == Modifier::regex || name->modifier == Modifier::regex_ignore_case) {
    t.not_translated(directive,
                     "relay7 has no regular-expression locations: use exact (=) and prefix "
                     "locations, with \"ignore_case\" for ~*");
    return;
  }
  if (name->modifier == Modifier::named) {
    t.not_translated(directive,
                     "named locations serve error_page and try_files, which relay7 lacks");
    return;
  }
  if (parent && !fits_in_parent(t, directive, server.locations[*parent], name->path)) {
    return;
  }
  // Nested locations come after their parent, so that inheritance reads parents first; they are
  // added while the parent is read, so it is referred to by index, not by reference.
  const size_t index = server.locations.size();
  LocationModel location;
  location.path = name->path;
  location.exact = name->modifier == Modifier::exact;
  location.where = directive.where;
  location.parent = parent;
  server.locations.push_back(std::move(location));
  const size_t errors_before = t.messages.error_count();
  for (const Directive& d : directive.block) {
    if (accept_directive(t, d, kLocation)) {
      translate_location_directive(t, d, server, index);
    }
  }
  settle_content(t, directive, server, index, t.messages.error_count() != errors_before);
}

}  // namespace relay7::nginx_import
