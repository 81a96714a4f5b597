#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "relay7/transport/io_buffer.h"
#include "relay7/transport/transport.h"

namespace relay7 {

// What a stream tunnel tells its stream (http2/stream.h).
class StreamTunnelOwner {
 public:
  // Bytes from the backend were added to the stream's response buffer.
  virtual void on_tunnel_data() = 0;
  // The backend closed its side (`clean`), or the connection failed: the stream ends, with
  // END_STREAM or with a reset.
  virtual void on_tunnel_end(bool clean) = 0;
  // The backend's socket took `length` bytes of the client's DATA: the client may send as many.
  virtual void on_tunnel_written(size_t length) = 0;

 protected:
  ~StreamTunnelOwner() = default;
};

// The byte tunnel behind one HTTP/2 stream after an extended CONNECT (RFC 8441) was answered by
// the backend's 101: the client's DATA go to the backend's socket, and what the backend sends
// goes into the stream's response buffer as DATA. Each way is bounded: the backend is read only
// while the stream's buffer is below the watermark, and the client's DATA are acknowledged only
// as the backend's socket takes them.
class Http2StreamTunnel final : private TransportOwner {
 public:
  // `to_client`: the stream's response buffer, which outlives the tunnel (both are the
  // stream's); `upstream_input`: what the backend sent after its 101.
  Http2StreamTunnel(StreamTunnelOwner& owner, std::unique_ptr<Transport> upstream,
                    IoBuffer& to_client, IoBuffer upstream_input, BlockPool& blocks);
  ~Http2StreamTunnel();
  Http2StreamTunnel(const Http2StreamTunnel&) = delete;
  Http2StreamTunnel& operator=(const Http2StreamTunnel&) = delete;

  void start();
  // The client's DATA, and its END_STREAM.
  void send(std::string_view bytes);
  void end_from_client();
  // The stream's buffer fell below the watermark: the backend is read again.
  void resume_reading();

 private:
  void on_transport_event(Transport& transport, TransportEvent event) override;
  void read_upstream();
  void write_upstream();
  void fail();

  StreamTunnelOwner& owner_;
  std::unique_ptr<Transport> upstream_;
  IoBuffer& to_client_;
  IoBuffer to_upstream_;
  size_t unacknowledged_ = 0;  // client bytes not yet given back to its window
  bool client_ended_ = false;
  bool ended_ = false;
};

}  // namespace relay7
