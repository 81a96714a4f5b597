// TLS termination: clients speak TLS to relay7, which proxies plain HTTP to the backend. The
// certificates are made by the openssl command line for each run; the client is OpenSSL
// (support/tls_connection.h), so each test sees exactly what the handshake settled.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "support/backend_json.h"
#include "support/child_process.h"
#include "support/demo_backend.h"
#include "support/fnv1a.h"
#include "support/http_connection.h"
#include "support/paths.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"
#include "support/temp_dir.h"
#include "support/test_certificates.h"
#include "support/tls_connection.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;

size_t occurrences(const std::string& text, const std::string& what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

TlsClientOptions with_sni(std::string name) {
  TlsClientOptions options;
  options.server_name = std::move(name);
  return options;
}

TlsClientOptions with_alpn(std::vector<std::string> protocols) {
  TlsClientOptions options;
  options.alpn = std::move(protocols);
  return options;
}

TlsClientOptions with_versions(int min, int max) {
  TlsClientOptions options;
  options.min_version = min;
  options.max_version = max;
  return options;
}

// Two TLS blocks on one address: SNI (and Host) pick "other.example"; anything else gets the
// first block, "shop.example", which proxies to the backend.
class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>("relay7-tls");
    shop_ = make_certificate(dir_->path(), "shop", {"shop.example", "www.shop.example"});
    other_ = make_certificate(dir_->path(), "other", {"other.example"});
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static nlohmann::json tls_of(const CertificateFiles& files) {
    return {{"certificates", {{{"cert", files.cert.string()}, {"key", files.key.string()}}}},
            {"handshake_timeout", "500ms"}};
  }

  static nlohmann::json config(uint16_t backend_port) {
    // Two workers: a session ticket one makes must resume on the other.
    nlohmann::json config = single_upstream_config({backend_port}, 2);
    nlohmann::json& shop = config["servers"][0];
    shop["server_names"] = {"shop.example", "www.shop.example"};
    shop["tls"] = tls_of(shop_);
    config["servers"].push_back(
        {{"listen", {"127.0.0.1:0"}},
         {"server_names", {"other.example"}},
         {"tls", tls_of(other_)},
         {"locations",
          {{{"path", "/"}, {"return", {{"status", 200}, {"body", "other"}}}},
           {{"path", "/moved"},
            {"return", {{"status", 308}, {"location", "$scheme://$host:$server_port/new"}}}}}}});
    // Parking is logged at debug level: the keep-alive test sees that it happened.
    config["error_log"] = {{"level", "debug"}};
    return config;
  }

  TlsConnection connect(const TlsClientOptions& options) {
    TlsConnection connection;
    EXPECT_TRUE(connection.connect(relay_.port(), options)) << connection.last_error();
    return connection;
  }

  static std::string get(std::string_view target, std::string_view host) {
    return format_request("GET", target, {{"Host", std::string(host)}});
  }

  static std::unique_ptr<TempDir> dir_;
  static CertificateFiles shop_;
  static CertificateFiles other_;
  DemoBackend backend_;
  Relay7Process relay_{[this](uint16_t port) { return listen_on(config(backend_.port()), port); }};
};

std::unique_ptr<TempDir> TlsTest::dir_;
CertificateFiles TlsTest::shop_;
CertificateFiles TlsTest::other_;

TEST_F(TlsTest, ARequestOverTlsReachesTheBackendAsHttps) {
  TlsConnection connection = connect(with_sni("shop.example"));
  ASSERT_TRUE(connection.send(get("/hello?x=1", "shop.example"))) << connection.last_error();
  const std::optional<HttpResponse> response = connection.read_response();
  ASSERT_TRUE(response) << connection.last_error();
  EXPECT_EQ(response->status, 200);
  const nlohmann::json echo = parse_echo(*response);
  EXPECT_EQ(echo["uri"], "/hello?x=1");
  EXPECT_EQ(echoed_header(echo, "X-Forwarded-Proto"), "https");
  EXPECT_EQ(echoed_header(echo, "Host"), "shop.example");
}

TEST_F(TlsTest, SniPicksTheBlockAndItsCertificate) {
  EXPECT_EQ(connect(with_sni("shop.example")).peer_common_name(), "shop.example");
  EXPECT_EQ(connect(with_sni("WWW.Shop.Example")).peer_common_name(), "shop.example");
  EXPECT_EQ(connect(with_sni("other.example")).peer_common_name(), "other.example");
  // No SNI, or a name no block has: the first block on the address.
  EXPECT_EQ(connect({}).peer_common_name(), "shop.example");
  EXPECT_EQ(connect(with_sni("unknown.example")).peer_common_name(), "shop.example");

  TlsConnection other = connect(with_sni("other.example"));
  ASSERT_TRUE(other.send(get("/", "other.example")));
  const std::optional<HttpResponse> response = other.read_response();
  ASSERT_TRUE(response) << other.last_error();
  EXPECT_EQ(response->body, "other");
}

TEST_F(TlsTest, RedirectVariablesSeeTheTlsListener) {
  TlsConnection other = connect(with_sni("other.example"));
  ASSERT_TRUE(other.send(get("/moved", "Other.Example")));
  const std::optional<HttpResponse> response = other.read_response();
  ASSERT_TRUE(response) << other.last_error();
  EXPECT_EQ(response->status, 308);
  EXPECT_EQ(response->header("Location"),
            "https://other.example:" + std::to_string(relay_.port()) + "/new");
}

// The session a full handshake and one request give (TLS 1.3 sends its ticket after the
// handshake).
TlsSession session_after_a_request(uint16_t port, const TlsClientOptions& options) {
  TlsConnection connection;
  if (!connection.connect(port, options) ||
      !connection.send(format_request("GET", "/", {{"Host", "shop.example"}})) ||
      !connection.read_response()) {
    ADD_FAILURE() << connection.last_error();
    return nullptr;
  }
  EXPECT_FALSE(connection.session_reused());
  return connection.session();
}

size_t resumed_of(uint16_t port, const TlsClientOptions& options, size_t connections) {
  size_t resumed = 0;
  for (size_t i = 0; i < connections; ++i) {
    TlsConnection connection;
    EXPECT_TRUE(connection.connect(port, options)) << connection.last_error();
    resumed += connection.session_reused() ? 1 : 0;
  }
  return resumed;
}

// Ticket keys are the master's, shared with every worker and kept over reloads: a ticket resumes
// whichever of the two workers a connection lands on (20 connections reach both), and after a
// reload, whose new workers have no session of their own.
TEST_F(TlsTest, TicketsResumeOnEveryWorkerAndAfterAReload) {
  uint64_t reloads = 0;
  for (const int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    TlsClientOptions options = with_versions(version, version);
    options.server_name = "shop.example";
    options.session = session_after_a_request(relay_.port(), options);
    ASSERT_TRUE(options.session) << version;
    EXPECT_EQ(resumed_of(relay_.port(), options, 20), 20u) << version;

    relay_.reload_with(relay_.config());
    const std::optional<ReloadStatus> status = wait_for_reloads(relay_, ++reloads, 10s);
    ASSERT_TRUE(status && status->ok) << relay_.stderr_text();
    EXPECT_EQ(resumed_of(relay_.port(), options, 20), 20u) << version;
  }
}

// A TLS 1.2 client that takes no tickets resumes by session ID, from the cache the workers
// share: on either worker and after a reload.
TEST_F(TlsTest, SessionIdsResumeOnEveryWorkerAndAfterAReload) {
  TlsClientOptions options = with_versions(TLS1_2_VERSION, TLS1_2_VERSION);
  options.server_name = "shop.example";
  options.tickets = false;
  options.session = session_after_a_request(relay_.port(), options);
  ASSERT_TRUE(options.session);
  unsigned int id_length = 0;
  SSL_SESSION_get_id(options.session.get(), &id_length);
  ASSERT_GT(id_length, 0u);
  EXPECT_EQ(resumed_of(relay_.port(), options, 20), 20u);
  relay_.reload_with(relay_.config());
  const std::optional<ReloadStatus> status = wait_for_reloads(relay_, 1, 10s);
  ASSERT_TRUE(status && status->ok) << relay_.stderr_text();
  EXPECT_EQ(resumed_of(relay_.port(), options, 20), 20u);
}

// h2 whenever the client can speak it, whatever its order; http/1.1 else; a client offering
// neither is refused rather than answered in a protocol it did not ask for.
TEST_F(TlsTest, AlpnPrefersH2ThenHttp11AndRefusesAClientWithNeither) {
  EXPECT_EQ(connect(with_alpn({"http/1.1", "h2"})).alpn(), "h2");
  EXPECT_EQ(connect(with_alpn({"http/1.1"})).alpn(), "http/1.1");
  EXPECT_EQ(connect({}).alpn(), "");
  TlsConnection other_protocol;
  EXPECT_FALSE(other_protocol.connect(relay_.port(), with_alpn({"spdy/3.1"})));
  EXPECT_NE(other_protocol.last_error().find("no application protocol"), std::string::npos)
      << other_protocol.last_error();
}

TEST_F(TlsTest, RefusesTls11AndNegotiatesTls13) {
  EXPECT_EQ(connect({}).version(), "TLSv1.3");
  EXPECT_EQ(connect(with_versions(TLS1_2_VERSION, TLS1_2_VERSION)).version(), "TLSv1.2");
  TlsConnection old;
  EXPECT_FALSE(old.connect(relay_.port(), with_versions(TLS1_VERSION, TLS1_1_VERSION)));
  EXPECT_NE(old.last_error().find("protocol version"), std::string::npos) << old.last_error();
}

TEST_F(TlsTest, KeepAliveCarriesSeveralRequestsLargeBodiesAndParkedWaits) {
  TlsConnection connection = connect(with_sni("shop.example"));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(connection.send(get("/round/" + std::to_string(i), "shop.example")));
    const std::optional<HttpResponse> response = connection.read_response();
    ASSERT_TRUE(response) << i << ": " << connection.last_error();
    EXPECT_EQ(parse_echo(*response)["uri"], "/round/" + std::to_string(i));
  }
  // Many records each way: a 3 MiB download and a 1 MiB upload on the same connection.
  constexpr size_t kDownload = 3 * 1024 * 1024;
  ASSERT_TRUE(connection.send(get("/big?bytes=" + std::to_string(kDownload), "shop.example")));
  const std::optional<HttpResponse> download = connection.read_response();
  ASSERT_TRUE(download) << connection.last_error();
  EXPECT_EQ(download->body, demo_pattern(kDownload));
  const std::string upload(1024 * 1024, 'u');
  ASSERT_TRUE(
      connection.send(format_request("POST", "/upload", {{"Host", "shop.example"}}, upload)));
  const std::optional<HttpResponse> echoed = connection.read_response();
  ASSERT_TRUE(echoed) << connection.last_error();
  const nlohmann::json echo = parse_echo(*echoed);
  EXPECT_EQ(echo["body_length"], upload.size());
  EXPECT_EQ(echo["body_fnv1a"], fnv1a_hex(upload));

  // Idle past the park delay (50 ms): the connection is parked with its TLS state, and the
  // next request on it is served.
  const size_t parked_before = occurrences(relay_.stderr_text(), "parked after");
  for (int i = 0; i < 100 && occurrences(relay_.stderr_text(), "parked after") == parked_before;
       ++i) {
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_GT(occurrences(relay_.stderr_text(), "parked after"), parked_before);
  ASSERT_TRUE(connection.send(get("/after-park", "shop.example")));
  const std::optional<HttpResponse> after = connection.read_response();
  ASSERT_TRUE(after) << connection.last_error();
  EXPECT_EQ(parse_echo(*after)["uri"], "/after-park");
}

TEST_F(TlsTest, AClientThatNeverCompletesTheHandshakeIsClosedAfterHandshakeTimeout) {
  HttpConnection silent;
  ASSERT_TRUE(silent.connect(relay_.port())) << silent.last_error();
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(silent.is_closed_by_peer(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s) << "handshake_timeout is 500ms";
  // Plain HTTP on the TLS port is no handshake either: refused, never proxied.
  HttpConnection plain;
  ASSERT_TRUE(plain.connect(relay_.port())) << plain.last_error();
  ASSERT_TRUE(plain.send_request("GET", "/plain"));
  EXPECT_TRUE(plain.is_closed_by_peer(5s));
  EXPECT_TRUE(backend_.requests().empty());
}

// A block with an ECDSA and an RSA certificate: the client's signature algorithms choose, as
// with nginx's dual certificates.
TEST(TlsDualCertificateTest, TheClientsSignatureAlgorithmsPickEcdsaOrRsa) {
  TempDir dir("relay7-tls-dual");
  const CertificateFiles ecdsa = make_certificate(dir.path(), "ecdsa", {"shop.example"});
  const CertificateFiles rsa =
      make_certificate(dir.path(), "rsa", {"shop.example"}, KeyType::rsa_2048);
  Relay7Process relay(
      nlohmann::json{{"servers",
                      {{{"listen", {"127.0.0.1:0"}},
                        {"tls",
                         {{"certificates",
                           {{{"cert", rsa.cert.string()}, {"key", rsa.key.string()}},
                            {{"cert", ecdsa.cert.string()}, {"key", ecdsa.key.string()}}}}}},
                        {"locations", {{{"path", "/"}, {"return", 204}}}}}}}});
  for (const int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    TlsClientOptions options = with_versions(version, version);
    TlsConnection any;
    ASSERT_TRUE(any.connect(relay.port(), options)) << any.last_error();
    EXPECT_EQ(any.peer_key_type(), "EC") << "OpenSSL prefers ECDSA when the client offers both";
    options.signature_algorithms = "RSA-PSS+SHA256:RSA+SHA256";
    TlsConnection rsa_only;
    ASSERT_TRUE(rsa_only.connect(relay.port(), options)) << rsa_only.last_error();
    EXPECT_EQ(rsa_only.peer_key_type(), "RSA") << version;
    options.signature_algorithms = "ECDSA+SHA256";
    TlsConnection ecdsa_only;
    ASSERT_TRUE(ecdsa_only.connect(relay.port(), options)) << ecdsa_only.last_error();
    EXPECT_EQ(ecdsa_only.peer_key_type(), "EC") << version;
  }
}

// A reload whose certificate is broken fails, naming the file, and the running generation keeps
// serving with the certificate it has.
TEST(TlsReloadTest, ABrokenCertificateFailsTheReloadAndTheOldOneServes) {
  TempDir dir("relay7-tls-bad-reload");
  const CertificateFiles good = make_certificate(dir.path(), "good", {"shop.example"});
  Relay7Process relay(nlohmann::json{
      {"servers",
       {{{"listen", {"127.0.0.1:0"}},
         {"tls", {{"certificates", {{{"cert", good.cert.string()}, {"key", good.key.string()}}}}}},
         {"locations", {{{"path", "/"}, {"return", 204}}}}}}}});
  const std::string broken = dir.file("broken.pem").string();
  write_file(broken, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
  nlohmann::json next = relay.config();
  next["servers"][0]["tls"]["certificates"][0]["cert"] = broken;
  relay.reload_with(next);
  const std::optional<ReloadStatus> status = wait_for_reloads(relay, 1, 10s);
  ASSERT_TRUE(status);
  EXPECT_FALSE(status->ok);
  EXPECT_NE(status->error.find("servers[0].tls.certificates[0].cert: " + broken), std::string::npos)
      << status->error;
  TlsConnection connection;
  ASSERT_TRUE(connection.connect(relay.port())) << connection.last_error();
  EXPECT_EQ(connection.peer_common_name(), "shop.example");
  ASSERT_TRUE(connection.send(format_request("GET", "/", {})));
  const std::optional<HttpResponse> response = connection.read_response();
  ASSERT_TRUE(response) << connection.last_error();
  EXPECT_EQ(response->status, 204);
}

TEST(TlsConfigCheckTest, AKeyNotMatchingItsCertificateFailsTheCheckNamingTheFile) {
  TempDir dir("relay7-tls-check");
  const CertificateFiles one = make_certificate(dir.path(), "one", {"one.example"});
  const CertificateFiles two = make_certificate(dir.path(), "two", {"two.example"});
  const std::string path = dir.file("relay7.json").string();
  write_file(path, R"({"servers": [{"listen": ["127.0.0.1:18443"],
      "tls": {"certificates": [{"cert": "one.pem", "key": "two.key"}]},
      "locations": [{"path": "/", "return": 204}]}]})");
  ChildProcess check({relay7_binary(), "-t", "-c", path});
  const std::optional<int> status = check.wait_exit(10s);
  ASSERT_TRUE(status && WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 1);
  EXPECT_NE(
      check.stderr_text().find(path + ": servers[0].tls.certificates[0].key: " + two.key.string() +
                               " does not match the certificate in " + one.cert.string()),
      std::string::npos)
      << check.stderr_text();
}

TEST(TlsConfigCheckTest, ACertificateNearExpiryOrMissingANamePassesTheCheckWithWarnings) {
  TempDir dir("relay7-tls-check");
  make_certificate(dir.path(), "soon", {"soon.example"}, KeyType::ecdsa_p256, 3);
  const std::string path = dir.file("relay7.json").string();
  write_file(path, R"({"servers": [{"listen": ["127.0.0.1:18443"],
      "server_names": ["soon.example", "api.example"],
      "tls": {"certificates": [{"cert": "soon.pem", "key": "soon.key"}]},
      "locations": [{"path": "/", "return": 204}]}]})");
  ChildProcess check({relay7_binary(), "-t", "-c", path});
  const std::optional<int> status = check.wait_exit(10s);
  ASSERT_TRUE(status && WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0) << check.stderr_text();
  const std::string where = "relay7: warning: " + path + ": servers[0].tls.certificates[0].cert: ";
  const std::string cert = dir.file("soon.pem").string();
  // Made moments ago for 3 days: 2 whole days and some hours are left, or 3 if the same second.
  const std::string text = check.stderr_text();
  EXPECT_TRUE(text.find(where + cert + " expires in 2 days (") != std::string::npos ||
              text.find(where + cert + " expires in 3 days (") != std::string::npos)
      << text;
  EXPECT_NE(check.stderr_text().find(where + cert +
                                     " does not cover server name \"api.example\" (it names "
                                     "soon.example)\n"),
            std::string::npos)
      << check.stderr_text();
  EXPECT_NE(check.stdout_text().find("test is successful"), std::string::npos);
}

}  // namespace
}  // namespace relay7::testing
