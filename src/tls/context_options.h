#pragma once

#include <openssl/ssl.h>

namespace relay7 {

// What every SSL_CTX of relay7 has, the server ones of server blocks and the client ones of
// upstreams: no compression (CRIME), no renegotiation, an end of stream without close_notify
// taken as an end (HTTP framing, not TLS, tells a cut body from a whole one), buffers released
// while a connection is idle, and partial writes from a moving buffer (a write retried after
// WANT_WRITE comes from an IoBuffer whose front bytes are the same but whose iovecs may differ).
void apply_connection_options(SSL_CTX* context);

}  // namespace relay7
