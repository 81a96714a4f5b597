#include "relay7/http2/response_fields.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace relay7 {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

Fields fields_of(const Http2ResponseFields& block) {
  Fields out;
  for (size_t i = 0; i < block.size(); ++i) {
    const nghttp2_nv& field = block.data()[i];
    out.emplace_back(std::string(reinterpret_cast<const char*>(field.name), field.namelen),
                     std::string(reinterpret_cast<const char*>(field.value), field.valuelen));
  }
  return out;
}

TEST(Http2ResponseFieldsTest, BackendFieldsAreLowerCasedAndConnectionFieldsDropped) {
  HeaderList backend;
  backend.add("Content-Type", "text/html");
  backend.add("Connection", "keep-alive, X-Hop");
  backend.add("Keep-Alive", "timeout=5");
  backend.add("Transfer-Encoding", "chunked");
  backend.add("X-Hop", "1");
  backend.add("Upgrade", "h2c");
  backend.add("Content-Length", "999");
  backend.add("Set-Cookie", "a=1");
  backend.add("Set-Cookie", "b=2");
  ResponseHead head;
  head.status = 200;
  head.fields = &backend;
  head.content_length = 12;
  Http2ResponseFields block;
  block.build(head, "");
  EXPECT_EQ(fields_of(block), (Fields{{":status", "200"},
                                      {"content-type", "text/html"},
                                      {"set-cookie", "a=1"},
                                      {"set-cookie", "b=2"},
                                      {"content-length", "12"}}));
}

TEST(Http2ResponseFieldsTest, RelaysOwnAnswerCarriesServerDateTypeLengthAndLocation) {
  ResponseHead head;
  head.status = 301;
  head.generated = true;
  head.content_length = 20;
  head.location = "https://example.com/";
  Http2ResponseFields block;
  block.build(head, "Mon, 30 Nov 2026 22:00:00 GMT");
  EXPECT_EQ(fields_of(block), (Fields{{":status", "301"},
                                      {"server", "relay7"},
                                      {"date", "Mon, 30 Nov 2026 22:00:00 GMT"},
                                      {"content-type", "text/plain; charset=utf-8"},
                                      {"content-length", "20"},
                                      {"location", "https://example.com/"}}));
}

TEST(Http2ResponseFieldsTest, ManyLongNamesKeepEveryViewValid) {
  HeaderList backend;
  for (int i = 0; i < 200; ++i) {
    backend.add("X-Header-Number-" + std::to_string(i), std::to_string(i));
  }
  ResponseHead head;
  head.status = 204;
  head.fields = &backend;
  Http2ResponseFields block;
  block.build(head, "");
  const Fields fields = fields_of(block);
  ASSERT_EQ(fields.size(), 201u);
  EXPECT_EQ(fields[200], (std::pair<std::string, std::string>{"x-header-number-199", "199"}));
}

TEST(Http2ResponseFieldsTest, TrailersLeaveFramingOut) {
  HeaderList trailers;
  trailers.add("Grpc-Status", "0");
  trailers.add("Content-Length", "5");
  trailers.add("Transfer-Encoding", "chunked");
  Http2ResponseFields block;
  block.build_trailers(trailers);
  EXPECT_EQ(fields_of(block), (Fields{{"grpc-status", "0"}}));
}

}  // namespace
}  // namespace relay7
