#pragma once

#include <string>
#include <vector>

#include "relay7/http/request_target.h"
#include "relay7/net/address_range.h"
#include "relay7/pipeline/downstream.h"
#include "relay7/pipeline/replay_buffer.h"
#include "relay7/pipeline/upstream_attempts.h"
#include "relay7/transport/io_buffer.h"

namespace relay7 {

// What one request needs beyond its head, owned by whatever carries requests (an HTTP/1 session;
// an HTTP/2 stream later) and reused for the next one, so that a request allocates nothing once
// these have grown: the parsed target, the host, the upstream path, the servers tried and what
// was sent upstream. One exchange uses it at a time: the session starts the next request only
// once the previous one has ended.
struct RequestState {
  explicit RequestState(BlockPool& blocks) : replay(blocks) {}

  RequestTarget target;
  std::string host;
  std::string upstream_path;
  std::string decoded_path;  // scratch for the encoded-slash check
  // The client's address when real_ip took it from a header: its bytes and its text.
  IpAddress client;
  std::string client_ip;
  UpstreamAttempts attempts;
  ReplayBuffer replay;
  std::string request_id;     // empty when nothing needs one
  std::string field_scratch;  // one header rule's value while it is expanded
  // The response header rules' fields: their values, and views into them and the config.
  std::string response_field_text;
  std::vector<size_t> response_field_ends;  // where each field's value ends in the text
  std::vector<AddedField> response_fields;
  ResponseFieldEdits response_edits;
};

}  // namespace relay7
