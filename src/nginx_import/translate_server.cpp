#include <algorithm>
#include <cctype>

#include "config/listen_address.h"
#include "nginx_import/translation.h"
#include "nginx_import/values.h"

namespace relay7::nginx_import {
namespace {

// nginx's listen address in relay7's syntax: "8080", "*:80", "127.0.0.1:80", "[::1]:80".
std::string listen_text(const std::string& address) {
  const bool port_only = std::all_of(address.begin(), address.end(),
                                     [](unsigned char c) { return std::isdigit(c) != 0; });
  return port_only ? address : with_port(address);
}

bool names_a_host(const std::string& text) {
  return !text.starts_with('[') && !text.starts_with('*') &&
         std::any_of(text.begin(), text.end(), [](unsigned char c) { return std::isalpha(c); });
}

// Parameters of listen that relay7 cannot express.
constexpr std::string_view kSocketOptions[] = {"rcvbuf",        "sndbuf",      "fastopen",
                                               "deferred",      "reuseport",   "setfib",
                                               "accept_filter", "so_keepalive"};

// False when the parameter keeps the address from being translated.
bool read_listen_parameter(Translation& t, const Directive& d, const std::string& parameter,
                           ListenModel& listen) {
  const std::string_view key = std::string_view(parameter).substr(0, parameter.find('='));
  if (parameter == "default_server" || parameter == "default") {
    listen.default_server = true;
  } else if (parameter == "ssl") {
    listen.ssl = true;
  } else if (parameter == "http2") {
    listen.http2 = true;  // what relay7 does on a TLS address anyway; see translate_listen
  } else if (parameter == "quic") {
    t.not_translated(d, "relay7 speaks HTTP/1.1 and HTTP/2 only: keep nginx in front for HTTP/3");
    return false;
  } else if (parameter == "proxy_protocol") {
    listen.proxy_protocol = true;
  } else if (key == "backlog") {
    const auto backlog = parse_count(std::string_view(parameter).substr(key.size() + 1));
    if (!backlog || *backlog == 0 || *backlog > 65535) {
      t.not_translated(d, quote_text(parameter) +
                              ": relay7 takes a backlog of 1..65535 (the kernel caps it at "
                              "net.core.somaxconn anyway)");
      return false;
    }
    listen.backlog = *backlog;
  } else if (parameter == "bind") {
    t.messages.warning(d.where, "\"bind\" dropped: relay7 binds every listen address by itself");
  } else if (parameter == "ipv6only=on") {
    t.messages.warning(d.where, "\"ipv6only=on\" dropped: relay7 always sets IPV6_V6ONLY");
  } else if (key == "ipv6only" || std::find(std::begin(kSocketOptions), std::end(kSocketOptions),
                                            key) != std::end(kSocketOptions)) {
    t.not_translated(d, "relay7 has no socket options for its listening sockets");
    return false;
  } else {
    t.messages.error(d.where, "invalid parameter " + quote_text(parameter));
    return false;
  }
  return true;
}

void translate_listen(Translation& t, const Directive& d, ServerModel& server) {
  const std::string& address = d.args[0];
  if (address.starts_with("unix:")) {
    t.not_translated(d, "relay7 listens on TCP addresses only");
    return;
  }
  ListenModel listen{listen_text(address), d.where, false};
  if (!config::parse_listen_address(listen.text).address && names_a_host(listen.text)) {
    t.not_translated(d,
                     "relay7 listens on numeric addresses only, so that a bind never depends "
                     "on DNS: write the address the name stands for");
    return;
  }
  bool usable = true;
  for (size_t i = 1; i < d.args.size(); ++i) {
    usable = read_listen_parameter(t, d, d.args[i], listen) && usable;
  }
  if (usable && listen.http2 && !listen.ssl) {
    t.not_translated(d, "cleartext HTTP/2 is a listen object in relay7: write {\"address\": \"" +
                            listen.text + "\", \"h2c\": true} (relay7.json(5), HTTP/2)");
    usable = false;
  }
  if (usable) {
    server.listen.push_back(std::move(listen));
  }
}

void add_name(ServerModel& server, std::string name) {
  if (std::find(server.names.begin(), server.names.end(), name) == server.names.end()) {
    server.names.push_back(std::move(name));
  }
}

void translate_server_name(Translation& t, const Directive& d, ServerModel& server) {
  for (const std::string& name : d.args) {
    if (name.empty() || name == "_") {
      t.messages.warning(d.where, quote_text(name) + " dropped: " +
                                      (name.empty() ? "relay7 sends requests without a Host to "
                                                      "the first server block of their address"
                                                    : "it matches no host, and relay7 sends "
                                                      "unmatched hosts to the first server block "
                                                      "of their address, as nginx sends them to "
                                                      "its default"));
    } else if (name.starts_with('~') || has_variable(name)) {
      t.not_translated(d, quote_text(name) +
                              ": relay7 matches exact names and leading wildcards "
                              "(\"*.example.com\") only");
    } else if (name.starts_with('.')) {
      // nginx's ".example.com" is the name itself and every subdomain.
      add_name(server, name.substr(1));
      add_name(server, "*" + name);
    } else if (name.ends_with(".*")) {
      t.not_translated(d, quote_text(name) +
                              ": relay7 has leading wildcards (\"*.example.com\") "
                              "only");
    } else {
      add_name(server, name);
    }
  }
}

void translate_server_directive(Translation& t, const Directive& d, ServerModel& server,
                                std::optional<ReturnModel>& server_return) {
  if (d.name == "listen") {
    translate_listen(t, d, server);
  } else if (d.name == "server_name") {
    translate_server_name(t, d, server);
  } else if (d.name == "location") {
    translate_location(t, d, server, std::nullopt);
  } else if (d.name == "return") {
    server_return = read_return(t, d);
  } else {
    translate_setting(t, d, server.settings);
  }
}

// nginx answers every request of the server with a return at server level, before it looks at
// locations: the same in relay7 is a "/" location that returns it, and no other.
void apply_server_return(Translation& t, ServerModel& server, const ReturnModel& answer) {
  if (!server.locations.empty()) {
    t.messages.warning(answer.where,
                       "the locations of this server are dropped: nginx answers "
                       "every request with this return before it looks at them");
  }
  LocationModel everything;
  everything.path = "/";
  everything.where = answer.where;
  everything.return_action = answer;
  server.locations.assign(1, std::move(everything));
}

}  // namespace

void translate_server(Translation& t, const Directive& directive) {
  ServerModel server;
  server.where = directive.where;
  std::optional<ReturnModel> server_return;
  bool has_location_blocks = false;
  const size_t errors_before = t.messages.error_count();
  for (const Directive& d : directive.block) {
    has_location_blocks = has_location_blocks || d.name == "location";
    if (accept_directive(t, d, kServer)) {
      translate_server_directive(t, d, server, server_return);
    }
  }
  const bool listen_lines = std::any_of(directive.block.begin(), directive.block.end(),
                                        [](const Directive& d) { return d.name == "listen"; });
  if (!listen_lines) {
    server.listen.push_back(ListenModel{std::string(kDefaultPort), directive.where, false, false});
    // After an error here (a mistyped "listen:") the notice would only distract from it.
    if (t.messages.error_count() == errors_before) {
      t.messages.notice(directive.where,
                        "no listen: nginx listens on *:80 (started as root; *:8000 otherwise), "
                        "and so does the translation (\"80\")");
    }
  }
  if (server_return) {
    apply_server_return(t, server, *server_return);
  } else if (!has_location_blocks) {
    t.not_translated(directive,
                     "without a location nginx serves files from the server's root, "
                     "and relay7 serves no files: add a location with proxy_pass or "
                     "return");
  }
  t.model.servers.push_back(std::move(server));
}

}  // namespace relay7::nginx_import
