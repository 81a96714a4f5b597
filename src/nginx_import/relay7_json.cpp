#include "nginx_import/relay7_json.h"

#include <algorithm>
#include <map>

#include "config/json_path.h"
#include "config/listen_address.h"
#include "relay7/config/dump.h"

namespace relay7::nginx_import {
namespace {

using Json = nlohmann::ordered_json;
using config::path_index;
using config::path_key;

class JsonBuilder {
 public:
  explicit JsonBuilder(Relay7Json& out) : out_(out) {}

  void process(const ConfigModel& model) {
    Json& root = out_.config;
    if (model.workers) {
      const std::string& workers = model.workers->value;
      root["workers"] = workers == "auto" ? Json(workers) : Json(std::stoull(workers));
      note("workers", model.workers->where);
    }
    if (model.worker_connections) {
      put(root, "", "worker_connections", model.worker_connections->value,
          model.worker_connections->where);
    }
    if (model.pid_file) {
      put(root, "", "pid_file", model.pid_file->value, model.pid_file->where);
    }
    if (model.shutdown_timeout) {
      put(root, "", "shutdown_timeout", format_duration(model.shutdown_timeout->value),
          model.shutdown_timeout->where);
    }
    if (model.user) {
      put(root, "", "user", model.user->value, model.user->where);
      put(root, "", "group", model.group->value, model.group->where);
    }
    if (model.error_log) {
      const ErrorLogModel& log = model.error_log->value;
      put(root, "", "error_log", Json{{"path", log.path}, {"level", log.level}},
          model.error_log->where);
    }
  }

  void instance(const InstanceSettings& settings) {
    Json& root = out_.config;
    if (settings.access_log) {
      const std::string& path = settings.access_log->value;
      put(root, "", "access_log",
          path == "off" ? Json{{"path", path}} : Json{{"path", path}, {"format", "combined"}},
          settings.access_log->where);
    }
    Json timeouts = Json::object();
    for (size_t i = 0; i < kTimeoutKinds; ++i) {
      if (const auto& timeout = settings.timeouts[i]) {
        put(timeouts, "timeouts", std::string(timeout_key(static_cast<TimeoutKind>(i))),
            format_duration(timeout->value), timeout->where);
      }
    }
    if (!timeouts.empty()) {
      root["timeouts"] = std::move(timeouts);
    }
    if (settings.real_ip) {
      const RealIpModel& real_ip = settings.real_ip->value;
      put(root, "", "real_ip", Json{{"from", real_ip.from}, {"header", real_ip.header}},
          settings.real_ip->where);
    }
  }

  void upstreams(const std::vector<UpstreamModel>& upstreams) {
    if (upstreams.empty()) {
      return;
    }
    Json all = Json::object();
    for (const UpstreamModel& upstream : upstreams) {
      const std::string path = path_key("upstreams", upstream.name);
      note(path, upstream.where);
      all[upstream.name] = upstream_json(upstream, path);
    }
    out_.config["upstreams"] = std::move(all);
  }

  // nginx serves plain and TLS addresses from one server block; relay7 keeps them apart, so a
  // block with both becomes two with the same names and locations, the plain one first.
  void servers(const std::vector<ServerModel>& servers) {
    merge_listen_options(servers);
    Json all = Json::array();
    for (const ServerModel& server : servers) {
      for (const bool tls : {false, true}) {
        if (std::none_of(server.listen.begin(), server.listen.end(),
                         [tls](const ListenModel& listen) { return listen.ssl == tls; })) {
          continue;
        }
        const std::string path = path_index("servers", all.size());
        note(path, server.where);
        all.push_back(server_json(server, tls, path));
      }
    }
    out_.config["servers"] = std::move(all);
  }

 private:
  // nginx applies proxy_protocol to an address when any block's listen says it, and takes
  // socket options (backlog) from the one listen that sets them; relay7 wants every block on
  // the address to say the same, so each entry gets the address's merged options.
  struct ListenOptions {
    bool proxy_protocol = false;
    std::optional<uint64_t> backlog;
  };

  static std::string address_key(const ListenModel& listen) {
    const auto address = config::parse_listen_address(listen.text).address;
    return address ? address->to_string() : listen.text;
  }

  void merge_listen_options(const std::vector<ServerModel>& servers) {
    for (const ServerModel& server : servers) {
      for (const ListenModel& listen : server.listen) {
        ListenOptions& options = listen_options_[address_key(listen)];
        options.proxy_protocol = options.proxy_protocol || listen.proxy_protocol;
        if (listen.backlog) {
          options.backlog = listen.backlog;
        }
      }
    }
  }

  Json listen_json(const ListenModel& listen) {
    const ListenOptions& options = listen_options_[address_key(listen)];
    if (!options.proxy_protocol && !options.backlog) {
      return listen.text;
    }
    Json out{{"address", listen.text}};
    if (options.proxy_protocol) {
      out["proxy_protocol"] = true;
    }
    if (options.backlog) {
      out["backlog"] = *options.backlog;
    }
    return out;
  }

  Json upstream_json(const UpstreamModel& upstream, const std::string& path) {
    Json out = Json::object();
    if (upstream.balance) {
      put(out, path, "balance", upstream.balance->value, upstream.balance->where);
      if (upstream.balance->value == "hash") {
        put(out, path, "hash_key", upstream.hash_key, upstream.balance->where);
      }
    }
    if (upstream.keepalive) {
      put(out, path, "keepalive", upstream.keepalive->value, upstream.keepalive->where);
    }
    Json servers = Json::array();
    const std::string servers_path = path_key(path, "servers");
    for (const UpstreamServerModel& server : upstream.servers) {
      note(path_index(servers_path, servers.size()), server.where);
      servers.push_back(upstream_server_json(server));
    }
    out["servers"] = std::move(servers);
    return out;
  }

  static Json upstream_server_json(const UpstreamServerModel& server) {
    Json out{{"address", server.address}};
    if (server.weight) {
      out["weight"] = *server.weight;
    }
    if (server.max_fails) {
      out["max_fails"] = *server.max_fails;
    }
    if (server.fail_timeout) {
      out["fail_timeout"] = format_duration(*server.fail_timeout);
    }
    if (server.backup) {
      out["backup"] = true;
    }
    if (server.down) {
      out["down"] = true;
    }
    return out.size() == 1 ? Json(server.address) : out;
  }

  Json server_json(const ServerModel& server, bool tls, const std::string& path) {
    Json out = Json::object();
    Json listen = Json::array();
    for (const ListenModel& address : server.listen) {
      if (address.ssl != tls) {
        continue;
      }
      note(path_index(path_key(path, "listen"), listen.size()), address.where);
      listen.push_back(listen_json(address));
    }
    out["listen"] = std::move(listen);
    if (!server.names.empty()) {
      put(out, path, "server_names", server.names, server.where);
    }
    if (tls) {
      out["tls"] = tls_json(server.settings.tls, path_key(path, "tls"));
    }
    if (const auto& size = server.settings.max_body_size) {
      put(out, path, "max_body_size", format_size(size->value), size->where);
    }
    Json locations = Json::array();
    const std::string locations_path = path_key(path, "locations");
    for (const LocationModel& location : server.locations) {
      if (location.proxy_pass || location.return_action) {
        const std::string location_path = path_index(locations_path, locations.size());
        note(location_path, location.where);
        locations.push_back(location_json(location, server, location_path));
      }
    }
    out["locations"] = std::move(locations);
    return out;
  }

  Json tls_json(const TlsSettings& tls, const std::string& path) {
    Json certificates = Json::array();
    const std::string certificates_path = path_key(path, "certificates");
    const size_t pairs = tls.certificates && tls.keys
                             ? std::min(tls.certificates->value.size(), tls.keys->value.size())
                             : 0;
    for (size_t i = 0; i < pairs; ++i) {
      const std::string pair_path = path_index(certificates_path, i);
      note(pair_path, tls.certificates->where);
      note(path_key(pair_path, "cert"), tls.certificates->where);
      note(path_key(pair_path, "key"), tls.keys->where);
      certificates.push_back({{"cert", tls.certificates->value[i]}, {"key", tls.keys->value[i]}});
    }
    Json out{{"certificates", std::move(certificates)}};
    if (tls.protocols) {
      put(out, path, "protocols", tls.protocols->value, tls.protocols->where);
    }
    return out;
  }

  Json location_json(const LocationModel& location, const ServerModel& server,
                     const std::string& path) {
    Json out{{"path", location.path}};
    if (location.exact) {
      out["match"] = "exact";
    }
    // Written only where a location (or one around it) sets its own limit: the server's
    // applies otherwise.
    const auto& size = location.settings.max_body_size;
    const auto& server_size = server.settings.max_body_size;
    if (size && (!server_size || size->where.sequence != server_size->where.sequence)) {
      put(out, path, "max_body_size", format_size(size->value), size->where);
    }
    if (location.proxy_pass) {
      put(out, path, "proxy_pass", location.proxy_pass->url, location.proxy_pass->where);
    } else {
      put(out, path, "return", return_json(*location.return_action), location.return_action->where);
    }
    return out;
  }

  static Json return_json(const ReturnModel& answer) {
    if (answer.location.empty() && answer.body.empty()) {
      return answer.status;
    }
    Json out{{"status", answer.status}};
    if (!answer.location.empty()) {
      out["location"] = answer.location;
    }
    if (!answer.body.empty()) {
      out["body"] = answer.body;
    }
    return out;
  }

  void put(Json& object, const std::string& parent, const std::string& key, Json value,
           const SourceRef& where) {
    object[key] = std::move(value);
    note(path_key(parent, key), where);
  }

  void note(std::string path, const SourceRef& where) {
    out_.origins.emplace_back(std::move(path), where);
  }

  Relay7Json& out_;
  std::map<std::string, ListenOptions> listen_options_;
};

}  // namespace

Relay7Json build_relay7_json(const ConfigModel& model, const InstanceSettings& instance) {
  Relay7Json out;
  out.config = Json::object();
  JsonBuilder builder(out);
  builder.process(model);
  builder.instance(instance);
  builder.upstreams(model.upstreams);
  builder.servers(model.servers);
  return out;
}

}  // namespace relay7::nginx_import
