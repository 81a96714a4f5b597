#include "response_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>

#include "fnv1a.h"

namespace relay7::testing {
namespace {

constexpr size_t kMaxHeadBytes = 1024 * 1024;
constexpr size_t kMaxChunkLine = 4096;
constexpr uint64_t kMaxChunkSize = uint64_t{1} << 40;

bool is_token_char(char c) {
  static constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         kSpecials.find(c) != std::string_view::npos;
}

bool is_field_value_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte == '\t' || (byte >= 0x20 && byte != 0x7F);
}

std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

std::string printable(std::string_view bytes) {
  std::string out;
  for (char c : bytes.substr(0, 120)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7F) {
      out += c;
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return bytes.size() > 120 ? out + "..." : out;
}

std::optional<uint64_t> parse_decimal(std::string_view text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  if (text.empty() || text.size() > 18)
    return std::nullopt;
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end)
    return std::nullopt;
  return value;
}

// The last transfer coding of a (possibly repeated, comma-separated) Transfer-Encoding.
std::string last_coding(const std::vector<std::string>& values) {
  std::string_view last = values.back();
  const size_t comma = last.rfind(',');
  if (comma != std::string_view::npos)
    last = last.substr(comma + 1);
  return std::string(trim_ows(last));
}

}  // namespace

class ResponseReader::BodySink {
 public:
  BodySink(HttpResponse& response, bool discard) : response_(response), discard_(discard) {}
  void add(std::string_view piece) {
    response_.body_length += piece.size();
    hash_.update(piece);
    if (!discard_)
      response_.body.append(piece);
  }
  void finish() { response_.body_fnv1a = hash_.hex(); }

 private:
  HttpResponse& response_;
  bool discard_;
  Fnv1a hash_;
};

ResponseReader::ResponseReader(InputBuffer& buffer, FillFn fill)
    : buffer_(buffer), fill_(std::move(fill)) {}

std::optional<HttpResponse> ResponseReader::read(const ReadOptions& options) {
  failure_ = ReadFailure::kNone;
  error_.clear();
  while (true) {
    std::optional<HttpResponse> response = read_one(options);
    if (!response)
      return std::nullopt;
    const bool interim = response->status < 200 && response->status != 101;
    if (!(options.skip_interim && interim))
      return response;
  }
}

std::optional<HttpResponse> ResponseReader::read_one(const ReadOptions& options) {
  head_bytes_ = 0;
  HttpResponse response;
  std::string line;
  if (!read_head_line(line, true) || !parse_status_line(line, response) ||
      !read_header_block(response.headers) || !read_body(options, response)) {
    return std::nullopt;
  }
  return response;
}

bool ResponseReader::fail(ReadFailure failure, std::string message) {
  failure_ = failure;
  error_ = std::move(message);
  return false;
}

bool ResponseReader::more(bool response_started) {
  switch (fill_()) {
    case FillResult::kData:
      return true;
    case FillResult::kEof:
      if (!response_started) {
        return fail(ReadFailure::kClosedBeforeResponse, "connection closed before a response");
      }
      return fail(ReadFailure::kClosedMidResponse, "connection closed in the middle of a response");
    case FillResult::kTimeout:
      return fail(ReadFailure::kTimeout, "timed out waiting for response bytes");
    case FillResult::kError:
      break;
  }
  return fail(ReadFailure::kIoError, "socket error while reading a response");
}

bool ResponseReader::read_head_line(std::string& line, bool first_line) {
  if (!read_line(line, first_line, kMaxHeadBytes - head_bytes_))
    return false;
  head_bytes_ += line.size() + 2;
  return true;
}

bool ResponseReader::read_line(std::string& line, bool first_line, size_t max_length) {
  while (true) {
    const std::string_view view = buffer_.view();
    const size_t newline = view.find('\n');
    if (newline != std::string_view::npos) {
      const std::string_view raw = view.substr(0, newline + 1);
      if (newline == 0 || view[newline - 1] != '\r') {
        return fail(ReadFailure::kMalformed, "line not terminated by CRLF: " + printable(raw));
      }
      line.assign(view.substr(0, newline - 1));
      if (line.find('\r') != std::string::npos) {
        return fail(ReadFailure::kMalformed, "bare CR in line: " + printable(raw));
      }
      buffer_.consume(raw.size());
      return true;
    }
    if (view.size() > max_length) {
      return fail(ReadFailure::kMalformed, "line too long: " + printable(view));
    }
    const bool started = !first_line || !buffer_.empty();
    if (!more(started)) {
      if (failure_ == ReadFailure::kClosedMidResponse && !buffer_.empty()) {
        error_ += "; unterminated bytes: " + printable(buffer_.view());
      }
      return false;
    }
  }
}

bool ResponseReader::parse_status_line(const std::string& line, HttpResponse& response) {
  // HTTP-version SP 3DIGIT SP reason-phrase; the reason may be empty.
  const auto digit = [&](size_t i) {
    return i < line.size() && std::isdigit(static_cast<unsigned char>(line[i])) != 0;
  };
  const bool ok = line.rfind("HTTP/", 0) == 0 && digit(5) && line.size() > 6 && line[6] == '.' &&
                  digit(7) && line.size() > 8 && line[8] == ' ' && digit(9) && digit(10) &&
                  digit(11) && (line.size() == 12 || line[12] == ' ');
  if (!ok)
    return fail(ReadFailure::kMalformed, "bad status line: " + printable(line));
  response.version = line.substr(0, 8);
  response.status = std::stoi(line.substr(9, 3));
  response.reason = line.size() > 13 ? line.substr(13) : std::string();
  if (!std::all_of(response.reason.begin(), response.reason.end(), is_field_value_char)) {
    return fail(ReadFailure::kMalformed, "control character in reason: " + printable(line));
  }
  return true;
}

bool ResponseReader::read_header_block(Headers& headers) {
  std::string line;
  while (true) {
    if (!read_head_line(line, false))
      return false;
    if (line.empty())
      return true;
    if (line[0] == ' ' || line[0] == '\t') {
      return fail(ReadFailure::kMalformed, "obsolete line folding: " + printable(line));
    }
    const size_t colon = line.find(':');
    const std::string_view name = std::string_view(line).substr(0, colon);
    if (colon == std::string::npos || name.empty() ||
        !std::all_of(name.begin(), name.end(), is_token_char)) {
      return fail(ReadFailure::kMalformed, "bad header line: " + printable(line));
    }
    const std::string_view value = trim_ows(std::string_view(line).substr(colon + 1));
    if (!std::all_of(value.begin(), value.end(), is_field_value_char)) {
      return fail(ReadFailure::kMalformed, "control character in header: " + printable(line));
    }
    headers.emplace_back(std::string(name), std::string(value));
  }
}

bool ResponseReader::read_body(const ReadOptions& options, HttpResponse& response) {
  const std::vector<std::string> codings = response.header_values("Transfer-Encoding");
  const std::vector<std::string> lengths = response.header_values("Content-Length");
  if (!codings.empty() && !lengths.empty()) {
    return fail(ReadFailure::kMalformed, "both Transfer-Encoding and Content-Length");
  }
  if (lengths.size() > 1) {
    return fail(ReadFailure::kMalformed, "several Content-Length headers");
  }
  response.chunked = !codings.empty() && iequals(last_coding(codings), "chunked");
  std::optional<uint64_t> length;
  if (!lengths.empty()) {
    length = parse_decimal(lengths.front());
    if (!length)
      return fail(ReadFailure::kMalformed, "bad Content-Length: " + lengths.front());
  }
  BodySink sink(response, options.discard_body);
  const int status = response.status;
  const bool no_body = options.head_request || status < 200 || status == 204 || status == 304;
  bool ok = true;
  if (no_body) {
    // Nothing to read: any bytes here belong to the next response.
  } else if (response.chunked) {
    ok = read_chunked(sink, response);
  } else if (!codings.empty() || !length) {
    ok = read_until_close(sink);
  } else {
    ok = read_fixed(*length, sink);
  }
  sink.finish();
  return ok;
}

bool ResponseReader::read_fixed(uint64_t length, BodySink& sink) {
  uint64_t remaining = length;
  while (remaining > 0) {
    if (buffer_.empty() && !more(true)) {
      error_ += " (body has " + std::to_string(length - remaining) + " of " +
                std::to_string(length) + " bytes)";
      return false;
    }
    const size_t take = static_cast<size_t>(std::min<uint64_t>(remaining, buffer_.size()));
    sink.add(buffer_.view().substr(0, take));
    buffer_.consume(take);
    remaining -= take;
  }
  return true;
}

bool ResponseReader::read_chunked(BodySink& sink, HttpResponse& response) {
  std::string line;
  while (true) {
    if (!read_line(line, false, kMaxChunkLine))
      return false;
    const std::string_view text = line;
    const size_t digits_end = text.find_first_not_of("0123456789abcdefABCDEF");
    const std::string_view digits = text.substr(0, digits_end);
    const std::string_view rest = trim_ows(text.substr(digits.size()));
    uint64_t size = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), size, 16);
    if (digits.empty() || ec != std::errc() || size > kMaxChunkSize ||
        (!rest.empty() && rest.front() != ';')) {
      return fail(ReadFailure::kMalformed, "bad chunk size line: " + printable(line));
    }
    if (size == 0) {
      head_bytes_ = 0;
      return read_header_block(response.trailers);
    }
    if (!read_fixed(size, sink))
      return false;
    while (buffer_.size() < 2) {
      if (!more(true))
        return false;
    }
    if (buffer_.view().substr(0, 2) != "\r\n") {
      return fail(ReadFailure::kMalformed,
                  "chunk data not followed by CRLF: " + printable(buffer_.view().substr(0, 16)));
    }
    buffer_.consume(2);
  }
}

bool ResponseReader::read_until_close(BodySink& sink) {
  while (true) {
    sink.add(buffer_.view());
    buffer_.consume(buffer_.size());
    switch (fill_()) {
      case FillResult::kData:
        continue;
      case FillResult::kEof:
        return true;
      case FillResult::kTimeout:
        return fail(ReadFailure::kTimeout, "timed out reading a close-delimited body");
      case FillResult::kError:
        return fail(ReadFailure::kIoError, "socket error reading a close-delimited body");
    }
  }
}

}  // namespace relay7::testing
