#include "relay7/http/transfer_encoding.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace relay7 {
namespace {

MessageHead response(unsigned minor, const std::vector<std::string>& codings) {
  MessageHead head;
  head.status = 200;
  head.version_minor = minor;
  for (const std::string& coding : codings) {
    head.headers.add("Transfer-Encoding", coding);
  }
  return head;
}

TEST(TransferEncodingTest, NoneOrASingleChunkedIsUnambiguous) {
  EXPECT_TRUE(transfer_encoding_is_unambiguous(response(1, {})));
  EXPECT_TRUE(transfer_encoding_is_unambiguous(response(0, {})));
  for (const char* coding : {"chunked", "Chunked", " chunked ", "CHUNKED  "}) {
    EXPECT_TRUE(transfer_encoding_is_unambiguous(response(1, {coding}))) << coding;
  }
}

TEST(TransferEncodingTest, ChunkedTwiceIsRefusedInOneFieldOrTwo) {
  EXPECT_FALSE(transfer_encoding_is_unambiguous(response(1, {"chunked", "chunked"})));
  EXPECT_FALSE(transfer_encoding_is_unambiguous(response(1, {"chunked, chunked"})));
  EXPECT_FALSE(transfer_encoding_is_unambiguous(response(1, {"chunked,chunked"})));
}

TEST(TransferEncodingTest, OtherCodingsAreRefused) {
  for (const char* coding : {"gzip", "gzip, chunked", "chunked, gzip", "identity", "x-chunked",
                             "chunked;a=b", "", "chunked\t"}) {
    EXPECT_FALSE(transfer_encoding_is_unambiguous(response(1, {coding}))) << coding;
  }
  EXPECT_FALSE(transfer_encoding_is_unambiguous(response(1, {"gzip", "chunked"})));
}

TEST(TransferEncodingTest, AnyTransferEncodingInHttp10IsRefused) {
  EXPECT_FALSE(transfer_encoding_is_unambiguous(response(0, {"chunked"})));
}

}  // namespace
}  // namespace relay7
