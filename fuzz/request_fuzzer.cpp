// libFuzzer harness: the client side of relay7. Bytes go through the request parser in pieces,
// as a socket delivers them; every request head then goes through what the HTTP/1 server session
// and the exchange do with it: the request checks, request-target normalisation, Host
// normalisation, server and location lookup, and the upstream path. The raw bytes of each accepted
// head and body are checked against what the parser reported. See fuzz/README.md.
//
// Input: byte 0 selects the mode, bytes 1..7 the piece sizes (fuzz_support.h), the rest is the
// stream.
//   mode bit 0: small parser limits (target 64, head 512 bytes, 8 headers) instead of the
//               defaults, so that the 414/431 paths run on inputs of fuzzing size
//   mode bit 1: raw-target mode: the stream is one request target, given to the normaliser and
//               the routes directly (bytes the HTTP parser would refuse reach the normaliser too)

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "relay7/config/loader.h"
#include "relay7/http/ascii.h"
#include "relay7/http/message_parser.h"
#include "relay7/http/request_checks.h"
#include "relay7/http/request_target.h"
#include "relay7/routing/route_table.h"

namespace relay7::fuzz {
namespace {

// Two virtual servers on one address: every kind of location, prefixes with and without a
// trailing slash, rewriting prefixes, exact matches and local responses.
constexpr std::string_view kConfig = R"({
  "upstreams": {
    "app": {"servers": ["127.0.0.1:2222", "127.0.0.1:3333"]},
    "summaryinstances": {"balance": "ip_hash",
                         "servers": ["127.0.0.1:2222", {"address": "127.0.0.1:3333", "weight": 2}]}
  },
  "servers": [
    {"listen": ["8080"], "locations": [
      {"path": "/", "proxy_pass": "http://app"},
      {"path": "/summary", "proxy_pass": "http://summaryinstances/"},
      {"path": "/api/", "proxy_pass": "http://app/v1/"},
      {"path": "/static", "proxy_pass": "http://127.0.0.1:4444/assets/"},
      {"path": "/admin", "return": 403},
      {"path": "/status", "match": "exact", "return": 204},
      {"path": "/health", "match": "exact", "proxy_pass": "http://app/healthz"},
      {"path": "/old", "return": {"status": 301, "location": "https://example.com/new"}}
    ]},
    {"listen": ["8080"], "server_names": ["example.com", "*.example.org"], "locations": [
      {"path": "/", "proxy_pass": "http://app/site/"},
      {"path": "/private/", "return": 404}
    ]}
  ]
})";

struct Routing {
  Config config;
  RouteTable routes;
  size_t admin_location = 0;  // index of "/admin" in server 0
};

const Routing& routing() {
  static const Routing* const instance = [] {
    ConfigLoadResult loaded = parse_config_text(kConfig, "request_fuzzer.json");
    FUZZ_CHECK(loaded.ok(), "the fixed config must load");
    auto* result = new Routing{*loaded.config, RouteTable(*loaded.config), 0};
    const auto& locations = result->routes.server(0).locations();
    for (size_t i = 0; i < locations.size(); ++i) {
      if (locations[i].path == "/admin") {
        result->admin_location = i;
      }
    }
    return result;
  }();
  return *instance;
}

bool is_unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool is_raw_pchar(unsigned char c) {
  return is_unreserved(c) ||
         std::string_view("!$&'()*+,;=:@").find(static_cast<char>(c)) != std::string_view::npos;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

std::vector<std::string_view> segments_of(std::string_view path) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos <= path.size()) {
    const size_t slash = path.find('/', pos);
    const size_t end = slash == std::string_view::npos ? path.size() : slash;
    out.push_back(path.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

// An independent model of relay7.json(5), "Which path is matched", written from the manual
// rather than from src/http/request_target.cpp. nullopt: the path is refused (400).
std::optional<std::string> reference_normalize(std::string_view raw) {
  if (raw.empty() || raw.front() != '/') {
    return std::nullopt;
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string canonical;
  for (size_t i = 0; i < raw.size(); ++i) {
    auto c = static_cast<unsigned char>(raw[i]);
    bool escaped = false;
    if (c == '%') {
      if (raw.size() - i < 3 || hex_digit(raw[i + 1]) < 0 || hex_digit(raw[i + 2]) < 0) {
        return std::nullopt;
      }
      c = static_cast<unsigned char>(hex_digit(raw[i + 1]) * 16 + hex_digit(raw[i + 2]));
      i += 2;
      escaped = true;
    }
    if (is_unreserved(c) || (!escaped && (c == '/' || is_raw_pchar(c)))) {
      canonical.push_back(static_cast<char>(c));
    } else {
      canonical += {'%', kHex[c >> 4], kHex[c & 0xF]};
    }
  }
  // RFC 3986 section 5.2.4 on segments, with empty segments (repeated slashes) dropped.
  std::vector<std::string_view> kept;
  bool ends_in_directory = false;
  const std::vector<std::string_view> segments = segments_of(canonical);
  for (size_t i = 1; i < segments.size(); ++i) {
    const std::string_view segment = segments[i];
    if (segment.empty()) {
      ends_in_directory = ends_in_directory || i + 1 == segments.size();
      continue;
    }
    if (segment == "..") {
      if (kept.empty()) {
        return std::nullopt;
      }
      kept.pop_back();
    } else if (segment != ".") {
      kept.push_back(segment);
    }
    ends_in_directory = segment == "." || segment == "..";
  }
  std::string out;
  for (const std::string_view segment : kept) {
    out += '/';
    out += segment;
  }
  if (out.empty() || ends_in_directory) {
    out += '/';
  }
  return out;
}

// What every normalised path must look like: the form a backend would not change again.
void check_normalized_path(std::string_view path, std::string_view context) {
  const std::string where = "path \"" + escaped(path) + "\" from \"" + escaped(context) + "\"";
  FUZZ_CHECK(!path.empty() && path.front() == '/', where);
  FUZZ_CHECK(path.find("//") == std::string_view::npos, where);
  const std::vector<std::string_view> segments = segments_of(path);
  for (const std::string_view segment : segments) {
    FUZZ_CHECK(segment != "." && segment != "..", where);
  }
  for (size_t i = 0; i < path.size(); ++i) {
    const auto c = static_cast<unsigned char>(path[i]);
    if (c == '%') {
      FUZZ_CHECK(i + 2 < path.size(), where);
      const char high = path[i + 1];
      const char low = path[i + 2];
      FUZZ_CHECK(hex_digit(high) >= 0 && hex_digit(low) >= 0, where);
      FUZZ_CHECK(!(high >= 'a' && high <= 'f') && !(low >= 'a' && low <= 'f'), where);
      FUZZ_CHECK(!is_unreserved(static_cast<unsigned char>(hex_digit(high) * 16 + hex_digit(low))),
                 where);
      i += 2;
    } else {
      FUZZ_CHECK(c == '/' || is_raw_pchar(c), where);
    }
  }
  std::string again;
  FUZZ_CHECK(normalize_path(path, again) == TargetError::none, where);
  FUZZ_CHECK(again == path, where + ", normalised again: \"" + escaped(again) + "\"");
}

// Runs what Exchange::validate and route do with a request head.
void route(std::string_view raw_target, std::string_view host_header) {
  RequestTarget target;
  const TargetError error = parse_request_target(raw_target, target);

  // parse_request_target on an origin-form target is normalize_path on the part before '?'.
  if (!raw_target.empty() && raw_target.front() == '/' &&
      raw_target.find('#') == std::string_view::npos) {
    const std::string_view raw_path = raw_target.substr(0, raw_target.find('?'));
    std::string path;
    const TargetError path_error = normalize_path(raw_path, path);
    FUZZ_CHECK(path_error == error, escaped(raw_target));
    const std::optional<std::string> expected = reference_normalize(raw_path);
    FUZZ_CHECK(expected.has_value() == (path_error == TargetError::none),
               "the manual and relay7 disagree on refusing \"" + escaped(raw_path) + "\"");
    if (expected) {
      FUZZ_CHECK(*expected == path, "\"" + escaped(raw_path) + "\": manual says \"" +
                                        escaped(*expected) + "\", relay7 \"" + escaped(path) +
                                        "\"");
      FUZZ_CHECK(raw_path.back() != '/' || path.back() == '/', escaped(raw_path));
    }
  }
  if (error != TargetError::none) {
    return;  // 400
  }
  check_normalized_path(target.path, raw_target);
  FUZZ_CHECK(target.query.find('#') == std::string::npos, escaped(raw_target));
  FUZZ_CHECK(target.authority.find('@') == std::string::npos, escaped(raw_target));

  // The origin form of what was parsed parses to the same thing.
  RequestTarget again;
  const std::string origin = target.path + (target.has_query ? "?" + target.query : "");
  FUZZ_CHECK(parse_request_target(origin, again) == TargetError::none, escaped(origin));
  FUZZ_CHECK(again.path == target.path && again.query == target.query &&
                 again.has_query == target.has_query && again.authority.empty(),
             escaped(origin));

  const Routing& r = routing();
  const std::string host =
      normalize_host(target.authority.empty() ? host_header : std::string_view(target.authority));
  for (const char c : host) {
    FUZZ_CHECK(!(c >= 'A' && c <= 'Z'), escaped(host));
  }
  const size_t server_index = r.routes.listeners().at(0).select(host);
  FUZZ_CHECK(server_index < r.config.servers.size());
  const VirtualServer& server = r.routes.server(server_index);
  const Location* location = server.match(target.path);
  FUZZ_CHECK(location != nullptr, "every server has a \"/\" location");
  if (location->match == MatchKind::exact) {
    FUZZ_CHECK(location->path == target.path, escaped(target.path));
  } else {
    FUZZ_CHECK(target.path.starts_with(location->path), escaped(target.path));
  }
  // No spelling reaches past the blocked /admin of the default server.
  if (server_index == 0 && target.path.starts_with("/admin")) {
    FUZZ_CHECK(location == &server.locations()[r.admin_location], escaped(raw_target));
  }
  if (const auto* action = std::get_if<ProxyAction>(&location->action)) {
    std::string upstream_path;
    const bool built = build_upstream_path(*location, *action, target.path, upstream_path);
    if (!action->uri_prefix) {
      FUZZ_CHECK(built && upstream_path == target.path);
    } else if (built) {
      // What the backend receives must be as normalised as what relay7 matched: a dot-segment
      // or an empty segment created by the prefix rewrite would let the backend resolve the
      // path to something no location checked. (A refused one is answered 400.)
      check_normalized_path(upstream_path, "the upstream path for " + target.path + " under " +
                                               location->path + " -> " + *action->uri_prefix);
    }
  }
}

bool is_token(std::string_view text) {
  for (const unsigned char c : text) {
    if (!(is_unreserved(c) ||
          std::string_view("!#$%&'*+^`|").find(static_cast<char>(c)) != std::string_view::npos)) {
      return false;
    }
  }
  return !text.empty();
}

bool all_digits(std::string_view text) {
  if (text.empty()) {
    return false;
  }
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

// Records everything the parser reports, deciding after each head as Http1ServerSession does.
class Recorder : public MessageParser::Handler {
 public:
  explicit Recorder(bool check) : check_(check) {}

  std::string log;
  // For the driver, which knows where in the stream each pause happened.
  bool head_pending = false;  // a head was reported since the driver last looked
  bool message_ended = false;
  BodyFraming last_framing;
  std::string last_body;
  // The session answers a refused head without reading its body; llhttp may frame it
  // otherwise (a CONNECT ends at its head), so its body bytes are not checked.
  bool last_refused = false;

  AfterHead on_head(MessageHead& head, const BodyFraming& framing) override {
    if (check_) {
      check_parsed_head(head);
      // Exchange::validate: the checks llhttp leaves to relay7, then the route.
      const int refused = refuse_request_head(head);
      FUZZ_CHECK(refused == 0 || refused == 400 || refused == 501 || refused == 505,
                 std::to_string(refused));
      last_refused = refused != 0;
      if (refused == 0) {
        check_accepted_head(head, framing);
      }
      const Header* host = head.headers.find("host");
      route(head.target, host != nullptr ? std::string_view(host->value) : std::string_view());
    }
    log += "head " + head.method + " [" + head.target + "] " + std::to_string(head.version_major) +
           "." + std::to_string(head.version_minor) + "\n";
    for (const Header& header : head.headers) {
      log += "  [" + header.name + "] [" + header.value + "]\n";
    }
    log += "  chunked=" + std::to_string(framing.chunked) + " length=" +
           (framing.has_content_length ? std::to_string(framing.content_length) : "-") +
           " keep_alive=" + std::to_string(framing.keep_alive) +
           " upgrade=" + std::to_string(framing.upgrade_requested) + "\n";
    head_pending = true;
    last_framing = framing;
    const bool has_body = framing.chunked || framing.content_length > 0;
    upgrade_ = framing.upgrade_requested && !has_body;
    if (upgrade_) {
      return AfterHead::upgrade;
    }
    return has_body ? AfterHead::pause : AfterHead::skip_body;
  }

  void on_body(const char* data, size_t length) override { body_.append(data, length); }

  bool on_message_end() override {
    log += "end body[" + body_ + "]\n";
    message_ended = true;
    last_body = body_;
    body_.clear();
    return !upgrade_;
  }

  void flush_body() {
    if (!body_.empty()) {
      log += "partial body[" + body_ + "]\n";
      body_.clear();
    }
  }

 private:
  // What the strict parser guarantees about every head it reports.
  static void check_parsed_head(const MessageHead& head) {
    FUZZ_CHECK(is_token(head.method), escaped(head.method));
    for (const unsigned char c : head.target) {
      FUZZ_CHECK(c > 0x20 && c != 0x7F, escaped(head.target));
    }
    for (const Header& header : head.headers) {
      FUZZ_CHECK(is_token(header.name), escaped(header.name));
      for (const char c : header.value) {
        FUZZ_CHECK(c != '\r' && c != '\n' && c != '\0', escaped(header.value));
      }
    }
  }

  // What relay7 guarantees about a head it goes on to route: one unambiguous framing or none
  // (request smuggling), and a version it speaks.
  static void check_accepted_head(const MessageHead& head, const BodyFraming& framing) {
    FUZZ_CHECK(head.version_major == 1 && head.version_minor <= 1);
    // llhttp reports "CONNECT \n\n" as an HTTP/0.9 head with an empty target (found by
    // fuzz_request); the version check refuses it, so an accepted head always has a target.
    FUZZ_CHECK(!head.target.empty(), escaped(head.method));
    FUZZ_CHECK(head.headers.count("host") == (head.is_http11_or_later() ? 1u : 0u) ||
               (!head.is_http11_or_later() && head.headers.count("host") == 1));
    size_t content_lengths = 0;
    size_t transfer_encodings = 0;
    const Header* content_length = nullptr;
    for (const Header& header : head.headers) {
      if (iequals(header.name, "content-length")) {
        ++content_lengths;
        content_length = &header;
      } else if (iequals(header.name, "transfer-encoding")) {
        ++transfer_encodings;
      }
    }
    FUZZ_CHECK(!(framing.chunked && framing.has_content_length));
    FUZZ_CHECK(content_lengths <= 1, "several Content-Length headers accepted");
    FUZZ_CHECK(content_lengths == 0 || transfer_encodings == 0,
               "Content-Length with Transfer-Encoding accepted");
    FUZZ_CHECK(transfer_encodings <= 1, "several Transfer-Encoding headers accepted");
    FUZZ_CHECK(transfer_encodings == 0 || framing.chunked,
               "a Transfer-Encoding other than chunked was accepted");
    if (content_length != nullptr) {
      std::string_view value = content_length->value;
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
        value.remove_suffix(1);
      }
      FUZZ_CHECK(all_digits(value), escaped(content_length->value));
      FUZZ_CHECK(framing.has_content_length);
      const size_t first = std::min(value.find_first_not_of('0'), value.size() - 1);
      FUZZ_CHECK(std::to_string(framing.content_length) == value.substr(first),
                 escaped(content_length->value));
    } else {
      FUZZ_CHECK(!framing.has_content_length);
    }
  }

  bool check_;
  bool upgrade_ = false;
  std::string body_;
};

// RFC 9112 section 7.1 read strictly: every line ends in CRLF, the data of each chunk is
// followed by CRLF. Returns the decoded content, or nullopt.
std::optional<std::string> strict_dechunk(std::string_view in) {
  std::string content;
  size_t pos = 0;
  for (;;) {
    uint64_t size = 0;
    size_t digits = 0;
    while (pos < in.size() && hex_digit(in[pos]) >= 0) {
      // chunk-size is 1*HEXDIG: leading zeros are valid however many there are (llhttp takes
      // them, found by fuzz_request); only a value beyond 64 bits is refused.
      if (size > (UINT64_MAX >> 4)) {
        return std::nullopt;
      }
      ++digits;
      size = size * 16 + static_cast<uint64_t>(hex_digit(in[pos++]));
    }
    if (digits == 0) {
      return std::nullopt;
    }
    while (pos < in.size() && in[pos] != '\r' && in[pos] != '\n') {
      ++pos;  // chunk extensions
    }
    if (in.substr(pos, 2) != "\r\n") {
      return std::nullopt;
    }
    pos += 2;
    if (size == 0) {
      break;
    }
    if (in.size() - pos < size) {
      return std::nullopt;
    }
    content.append(in.substr(pos, size));
    pos += size;
    if (in.substr(pos, 2) != "\r\n") {
      return std::nullopt;
    }
    pos += 2;
  }
  // The trailer section, up to its empty line. Its lines may end in a bare LF, which RFC 9112
  // section 2.2 lets a recipient accept (llhttp does, found by fuzz_request): relay7 never
  // forwards these bytes, it re-frames the body, so no other parser sees them. A bare CR is
  // still refused.
  for (;;) {
    const size_t end = in.find('\n', pos);
    if (end == std::string_view::npos) {
      return std::nullopt;
    }
    std::string_view line = in.substr(pos, end - pos);
    if (line.ends_with('\r')) {
      line.remove_suffix(1);
    }
    if (line.find('\r') != std::string_view::npos ||
        (!line.empty() && (line.front() == ' ' || line.front() == '\t'))) {
      return std::nullopt;
    }
    pos = end + 1;
    if (line.empty()) {
      break;
    }
  }
  return pos == in.size() ? std::optional<std::string>(std::move(content)) : std::nullopt;
}

// The bytes of one accepted body against what the parser delivered.
void check_body_bytes(std::string_view bytes, const Recorder& recorder) {
  const std::string shown =
      "body bytes:\n" + escaped(bytes, true) + "\ndelivered:\n" + escaped(recorder.last_body, true);
  if (recorder.last_refused) {
    return;
  }
  if (recorder.last_framing.chunked) {
    const std::optional<std::string> content = strict_dechunk(bytes);
    FUZZ_CHECK(content.has_value(), "chunked framing a strict reader refuses, " + shown);
    FUZZ_CHECK(*content == recorder.last_body, shown);
  } else {
    FUZZ_CHECK(bytes.size() == recorder.last_framing.content_length, shown);
    FUZZ_CHECK(bytes == recorder.last_body, shown);
  }
}

// Feeds `stream` in pieces (all at once without a plan) the way Http1ServerSession does, resuming
// after each pause; returns the log of what the parser reported.
std::string parse_stream(std::string_view stream, SplitPlan* plan, ParserLimits limits,
                         bool check) {
  Recorder recorder(check);
  MessageParser parser(MessageType::request, recorder, limits);
  size_t pos = 0;
  size_t message_start = 0;  // where the current message's head starts (after the previous one)
  size_t head_end = 0;
  int idle_pauses = 0;
  // A head is reported at the pause right after it (before a body, or at the end of a message
  // without one), a message end at the pause after it; both are checked against the bytes.
  const auto at_pause = [&](size_t at) {
    if (recorder.head_pending) {
      recorder.head_pending = false;
      head_end = at;
      if (check) {
        check_head_bytes(stream.substr(message_start, at - message_start));
      }
    }
    if (recorder.message_ended) {
      recorder.message_ended = false;
      if (check) {
        check_body_bytes(stream.substr(head_end, at - head_end), recorder);
      }
      message_start = at;
    }
  };
  while (pos < stream.size()) {
    const size_t end =
        plan == nullptr ? stream.size() : std::min(stream.size(), pos + plan->next());
    while (pos < end) {
      const MessageParser::Result result = parser.feed(stream.data() + pos, end - pos);
      FUZZ_CHECK(result.consumed <= end - pos);
      switch (result.status) {
        case MessageParser::Status::need_more:
          FUZZ_CHECK(result.consumed == end - pos);
          pos = end;
          break;
        case MessageParser::Status::paused:
          idle_pauses = result.consumed == 0 ? idle_pauses + 1 : 0;
          FUZZ_CHECK(idle_pauses < 3, "the parser pauses without making progress");
          pos += result.consumed;
          at_pause(pos);
          parser.resume();
          break;
        case MessageParser::Status::upgrade:
          at_pause(pos + result.consumed);
          recorder.flush_body();
          return recorder.log + "upgrade at " + std::to_string(pos + result.consumed) + "\n";
        case MessageParser::Status::error:
          recorder.flush_body();
          return recorder.log + "error\n";
      }
    }
  }
  recorder.flush_body();
  return recorder.log + "eof in_head=" + std::to_string(parser.in_head()) +
         " started=" + std::to_string(parser.message_started()) + "\n";
}

}  // namespace
}  // namespace relay7::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace relay7;
  using namespace relay7::fuzz;
  auto input = read_stream_input(data, size);
  if (!input) {
    return 0;
  }
  const uint8_t mode = input->mode;
  SplitPlan& plan = input->plan;
  const std::string_view stream = input->stream;
  if ((mode & 2) != 0) {
    route(stream, "example.com");
    route(stream, "");
    return 0;
  }
  const ParserLimits limits = (mode & 1) != 0 ? ParserLimits{64, 512, 8} : ParserLimits{};
  // The pieces must not change the meaning: parsing the stream in one call is the reference.
  const std::string whole = parse_stream(stream, nullptr, limits, false);
  const std::string pieces = parse_stream(stream, &plan, limits, true);
  FUZZ_CHECK(whole == pieces, "the same bytes parse differently in pieces:\n--- in one piece:\n" +
                                  escaped(whole, true) + "\n--- in pieces:\n" +
                                  escaped(pieces, true));
  return 0;
}
