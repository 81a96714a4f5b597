#include "nginx_import/default_notices.h"

#include <algorithm>
#include <vector>

#include "nginx_import/values.h"
#include "relay7/http/ascii.h"

namespace relay7::nginx_import {
namespace {

bool sets_header(const InheritedSettings& settings, std::string_view name) {
  return settings.proxy_headers &&
         std::any_of(settings.proxy_headers->value.begin(), settings.proxy_headers->value.end(),
                     [name](const std::string& set) { return iequals(set, name); });
}

// The host nginx would send as Host: the proxy_pass host, port included when it has one.
std::string proxy_host(const ProxyPassModel& proxy) {
  std::string host = proxy.url.substr(std::string_view("http://").size());
  host = host.substr(0, host.find('/'));
  if (proxy.implicit_upstream && host.ends_with(":80")) {
    host.resize(host.size() - 3);
  }
  return host;
}

void process_notices(const ConfigModel& model, const SourceRef& file, MessageList& messages) {
  if (!model.workers) {
    messages.notice(file,
                    "worker_processes is not set: nginx runs 1 worker, relay7 one per CPU "
                    "(\"auto\", kept; add \"worker_processes 1;\" for nginx's)");
  }
  if (!model.user) {
    messages.notice(file,
                    "user is not set: nginx started as root runs its workers as \"nobody\", "
                    "relay7's keep the master's identity (kept; add \"user nobody "
                    "nogroup;\" for nginx's)");
  }
  if (!model.error_log) {
    messages.notice(file,
                    "error_log is not set: nginx logs errors to the file built into it "
                    "(stderr in Debian's packages) at level error, relay7 to stderr at "
                    "level info (kept; add \"error_log stderr error;\" for nginx's level)");
  }
  if (model.events && !model.worker_connections) {
    messages.notice(*model.events,
                    "worker_connections is not set: nginx serves 512 connections "
                    "per worker, relay7 10000 (kept; add \"worker_connections "
                    "512;\" for nginx's)");
  }
}

// At the first server block concerned, counting the others: a config of many virtual hosts
// would otherwise repeat it for each.
void body_size_notice(const ConfigModel& model, MessageList& messages) {
  const ServerModel* first = nullptr;
  size_t others = 0;
  for (const ServerModel& server : model.servers) {
    if (!server.settings.max_body_size) {
      others += first != nullptr ? 1 : 0;
      first = first != nullptr ? first : &server;
    }
  }
  if (first == nullptr) {
    return;
  }
  const std::string where = others == 0 ? ""
                                        : " here nor in " + std::to_string(others) +
                                              " other server block" + (others == 1 ? "" : "s");
  messages.notice(first->where, "client_max_body_size is not set" + where +
                                    ": nginx refuses request bodies over 1m (413), relay7 over "
                                    "64m (its default, kept; add \"client_max_body_size 1m;\" "
                                    "for nginx's limit)");
}

std::string names_list(const std::vector<std::string>& names) {
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) {
    text += i == 0 ? "" : (i + 1 == names.size() ? " and " : ", ");
    text += "\"" + names[i] + "\"";
  }
  return text;
}

// One notice for all the upstreams concerned: the text would be the same for each.
void keepalive_notices(const ConfigModel& model, MessageList& messages) {
  const std::string text =
      ": nginx opens a new connection to the backend for every request, relay7 keeps up to 32 "
      "idle ones per worker for reuse (kept; set \"keepalive\": 0 in the result for nginx's "
      "behaviour)";
  std::vector<std::string> names;
  const UpstreamModel* first = nullptr;
  for (const UpstreamModel& upstream : model.upstreams) {
    if (!upstream.keepalive) {
      names.push_back(upstream.name);
      first = first != nullptr ? first : &upstream;
    }
  }
  if (first != nullptr) {
    messages.notice(first->where, "keepalive is not set in upstream" +
                                      std::string(names.size() > 1 ? "s " : " ") +
                                      names_list(names) + text);
  }
  for (const ServerModel& server : model.servers) {
    for (const LocationModel& location : server.locations) {
      if (location.proxy_pass && location.proxy_pass->implicit_upstream) {
        messages.notice(location.proxy_pass->where,
                        "a backend without an upstream block (and every other one)" + text);
        return;
      }
    }
  }
}

void upstream_request_notice(const ConfigModel& model, MessageList& messages) {
  for (const ServerModel& server : model.servers) {
    for (const LocationModel& location : server.locations) {
      if (location.proxy_pass && !sets_header(location.settings, "host")) {
        messages.notice(
            location.proxy_pass->where,
            "nginx sends the backend " + quote_text("Host: " + proxy_host(*location.proxy_pass)) +
                " (the proxy_pass host) where proxy_set_header Host is not set, over HTTP/1.0 "
                "with \"Connection: close\" and no X-Forwarded-* headers; relay7 passes the "
                "client's Host, speaks HTTP/1.1 with keep-alive and adds X-Forwarded-For, "
                "X-Real-IP, X-Forwarded-Proto and X-Forwarded-Host (kept, in every location)");
        return;  // once: relay7 sends the same in every location
      }
    }
  }
}

bool proxies(const ConfigModel& model) {
  return std::any_of(model.servers.begin(), model.servers.end(), [](const ServerModel& s) {
    return std::any_of(s.locations.begin(), s.locations.end(),
                       [](const LocationModel& l) { return l.proxy_pass.has_value(); });
  });
}

void instance_notices(const ConfigModel& model, const InstanceSettings& instance,
                      MessageList& messages) {
  if (!model.http) {
    return;
  }
  const auto connect = static_cast<size_t>(TimeoutKind::upstream_connect);
  if (!instance.timeouts[connect] && proxies(model)) {
    messages.notice(*model.http,
                    "proxy_connect_timeout is not set: nginx waits 60s for a "
                    "connection to a backend, relay7 5s (kept; add "
                    "\"proxy_connect_timeout 60s;\" for nginx's)");
  }
  if (!instance.access_log) {
    messages.notice(*model.http,
                    "access_log is not set: nginx logs every request to "
                    "logs/access.log (/var/log/nginx/access.log in Debian's "
                    "packages) in the combined format, relay7 logs none (kept; add "
                    "an access_log line to log)");
  } else if (instance.access_log->value != "off") {
    messages.notice(instance.access_log->where,
                    "relay7's combined format adds the backend's address and the request time "
                    "after nginx's combined fields");
  }
}

}  // namespace

void add_default_notices(const ConfigModel& model, const InstanceSettings& instance,
                         const std::string& main_file, MessageList& messages) {
  process_notices(model, SourceRef{main_file, 0, 0}, messages);
  body_size_notice(model, messages);
  keepalive_notices(model, messages);
  upstream_request_notice(model, messages);
  instance_notices(model, instance, messages);
}

}  // namespace relay7::nginx_import
