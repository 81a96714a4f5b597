#include "nginx_import/instance_settings.h"

#include <algorithm>
#include <functional>
#include <vector>

#include "relay7/config/dump.h"

namespace relay7::nginx_import {
namespace {

struct TimeoutInfo {
  std::string_view directive;
  std::string_view key;
  Duration nginx_default;
};

// In TimeoutKind order.
constexpr std::array<TimeoutInfo, kTimeoutKinds> kTimeouts = {{
    {"client_header_timeout", "client_header", std::chrono::seconds(60)},
    {"client_body_timeout", "client_body", std::chrono::seconds(60)},
    {"keepalive_timeout", "keepalive", std::chrono::seconds(75)},
    {"send_timeout", "send", std::chrono::seconds(60)},
    {"proxy_connect_timeout", "upstream_connect", std::chrono::seconds(60)},
    {"proxy_read_timeout", "upstream_read", std::chrono::seconds(60)},
    {"proxy_send_timeout", "upstream_send", std::chrono::seconds(60)},
}};

// What one location ends up with: a value some directive set, or nginx's default (no source).
template <class T>
struct Effective {
  T value;
  std::optional<SourceRef> set_by;
};

// Every location that the translation keeps; with none, the server blocks stand in (their
// settings are the http level's where they set nothing).
template <class T>
std::vector<Effective<T>> effective_values(
    const ConfigModel& model, const std::function<Effective<T>(const InheritedSettings&)>& read) {
  std::vector<Effective<T>> values;
  for (const ServerModel& server : model.servers) {
    bool any = false;
    for (const LocationModel& location : server.locations) {
      if (location.proxy_pass || location.return_action) {
        values.push_back(read(location.settings));
        any = true;
      }
    }
    if (!any) {
      values.push_back(read(server.settings));
    }
  }
  if (values.empty()) {
    values.push_back(read(model.http_settings));
  }
  return values;
}

// The one value every location agrees on, or an error at each directive of a value that differs.
template <class T>
std::optional<Sourced<T>> agreed_value(const std::vector<Effective<T>>& values,
                                       const std::optional<Sourced<T>>& http_level,
                                       const std::function<std::string(const T&)>& describe,
                                       MessageList& messages) {
  const bool uniform = std::all_of(values.begin(), values.end(), [&](const Effective<T>& v) {
    return v.value == values.front().value;
  });
  if (uniform) {
    for (const Effective<T>& v : values) {
      if (v.set_by) {
        return Sourced<T>{v.value, *v.set_by};
      }
    }
    return std::nullopt;
  }
  std::vector<size_t> reported;
  for (const Effective<T>& v : values) {
    if (!v.set_by ||
        std::find(reported.begin(), reported.end(), v.set_by->sequence) != reported.end()) {
      continue;
    }
    reported.push_back(v.set_by->sequence);
    const auto other = std::find_if(values.begin(), values.end(),
                                    [&](const Effective<T>& o) { return !(o.value == v.value); });
    messages.error(*v.set_by, "not translated: " + describe(v.value) +
                                  " (relay7 has one value for every request, and other "
                                  "locations have " +
                                  describe(other->value) + ": set one value in http)");
  }
  return http_level;
}

Effective<RealIpModel> real_ip_of(const InheritedSettings& s) {
  Effective<RealIpModel> out{RealIpModel{}, std::nullopt};
  if (s.real_ip_from) {
    out.value.from = s.real_ip_from->value;
    out.set_by = s.real_ip_from->where;
  }
  if (s.real_ip_header) {
    out.value.header = s.real_ip_header->value;
    out.set_by = out.set_by.value_or(s.real_ip_header->where);
  }
  if (s.real_ip_recursive) {
    out.value.recursive = s.real_ip_recursive->value;
    out.set_by = out.set_by.value_or(s.real_ip_recursive->where);
  }
  return out;
}

std::string describe_real_ip(const RealIpModel& real_ip) {
  std::string text = "set_real_ip_from";
  for (const std::string& from : real_ip.from) {
    text += " " + from;
  }
  return text + ", real_ip_header " + real_ip.header;
}

bool any_proxy_protocol(const ConfigModel& model) {
  return std::any_of(model.servers.begin(), model.servers.end(), [](const ServerModel& server) {
    return std::any_of(server.listen.begin(), server.listen.end(),
                       [](const ListenModel& listen) { return listen.proxy_protocol; });
  });
}

// The agreed realip settings as relay7 can have them, with what changes on the way.
std::optional<Sourced<RealIpModel>> translate_real_ip(const ConfigModel& model,
                                                      MessageList& messages) {
  const auto values = effective_values<RealIpModel>(model, real_ip_of);
  const Effective<RealIpModel> http = real_ip_of(model.http_settings);
  const std::optional<Sourced<RealIpModel>> http_level =
      http.set_by
          ? std::optional<Sourced<RealIpModel>>(Sourced<RealIpModel>{http.value, *http.set_by})
          : std::nullopt;
  auto real_ip = agreed_value<RealIpModel>(values, http_level, describe_real_ip, messages);
  if (!real_ip) {
    return std::nullopt;
  }
  if (real_ip->value.from.empty()) {
    messages.warning(real_ip->where,
                     "dropped: without set_real_ip_from nginx trusts no proxy and changes no "
                     "client address");
    return std::nullopt;
  }
  if (real_ip->value.header == "proxy_protocol") {
    messages.warning(real_ip->where,
                     "dropped: relay7 takes the client address from the PROXY header on every "
                     "listen address with \"proxy_protocol\": true, trusting the balancer by "
                     "that, so it needs no list of trusted proxies");
    return std::nullopt;
  }
  if (!real_ip->value.recursive) {
    messages.warning(real_ip->where,
                     "real_ip_recursive is off (nginx's default): relay7 walks the header as "
                     "\"on\" does, skipping trusted addresses from the right, so where the "
                     "right-most address is itself trusted it takes the next one, not that one");
  }
  if (any_proxy_protocol(model)) {
    messages.notice(real_ip->where,
                    "on proxy_protocol addresses relay7 checks set_real_ip_from against the "
                    "PROXY header's source, not against the balancer as nginx does: list the "
                    "proxies in front of the balancer");
  }
  return real_ip;
}

}  // namespace

std::string_view timeout_directive(TimeoutKind kind) {
  return kTimeouts[static_cast<size_t>(kind)].directive;
}

Duration nginx_default_timeout(TimeoutKind kind) {
  return kTimeouts[static_cast<size_t>(kind)].nginx_default;
}

std::string_view timeout_key(TimeoutKind kind) {
  return kTimeouts[static_cast<size_t>(kind)].key;
}

InstanceSettings resolve_instance_settings(const ConfigModel& model, MessageList& messages) {
  InstanceSettings result;
  for (size_t i = 0; i < kTimeoutKinds; ++i) {
    const auto kind = static_cast<TimeoutKind>(i);
    const auto values = effective_values<Duration>(model, [&](const InheritedSettings& s) {
      const auto& set = s.timeouts[i];
      return set ? Effective<Duration>{set->value, set->where}
                 : Effective<Duration>{nginx_default_timeout(kind), std::nullopt};
    });
    result.timeouts[i] = agreed_value<Duration>(
        values, model.http_settings.timeouts[i],
        [&](const Duration& d) {
          return std::string(timeout_directive(kind)) + " " + format_duration(d);
        },
        messages);
  }
  const auto logs = effective_values<std::string>(model, [](const InheritedSettings& s) {
    return s.access_log ? Effective<std::string>{s.access_log->value, s.access_log->where}
                        : Effective<std::string>{"(nginx's default log)", std::nullopt};
  });
  result.access_log = agreed_value<std::string>(
      logs, model.http_settings.access_log,
      [](const std::string& path) { return "access_log " + path; }, messages);
  result.real_ip = translate_real_ip(model, messages);
  return result;
}

}  // namespace relay7::nginx_import
