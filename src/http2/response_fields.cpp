#include "relay7/http2/response_fields.h"

#include <charconv>

#include "relay7/http/ascii.h"
#include "relay7/http/hop_by_hop.h"
#include "relay7/http/status.h"

namespace relay7 {
namespace {

constexpr size_t kNumberRoom = 24;
// Beyond the fields themselves: ":status", "content-length", "location", "set-cookie",
// "server", "date", "content-type" and two numbers.
constexpr size_t kFixedRoom = 96 + 2 * kNumberRoom;

uint8_t* bytes_of(std::string_view text) {
  // nghttp2 takes non-const pointers but only reads them (and copies: no NO_COPY flags are set).
  return reinterpret_cast<uint8_t*>(const_cast<char*>(text.data()));
}

}  // namespace

void Http2ResponseFields::start() {
  fields_.clear();
  text_.clear();
}

void Http2ResponseFields::reserve(const HeaderList* fields, size_t extra) {
  size_t room = extra;
  if (fields != nullptr) {
    for (const Header& field : *fields) {
      room += field.name.size();
    }
  }
  text_.reserve(room);
}

void Http2ResponseFields::add(std::string_view name, std::string_view value) {
  fields_.push_back(
      nghttp2_nv{bytes_of(name), bytes_of(value), name.size(), value.size(), NGHTTP2_NV_FLAG_NONE});
}

void Http2ResponseFields::add_status(int status) {
  const size_t at = text_.size();
  char digits[kNumberRoom];
  const auto end = std::to_chars(digits, digits + sizeof digits, status).ptr;
  text_.append(digits, end);
  add(":status", std::string_view(text_).substr(at));
}

// Names are lower-cased into text_, whose capacity reserve() made sufficient: appending never
// moves the views already taken.
void Http2ResponseFields::add_backend_fields(const HeaderList& fields, bool keep_content_length,
                                             const DroppedFields* dropped) {
  const ConnectionOptions connection_options(fields);
  for (const Header& field : fields) {
    const bool content_length = field.known == FieldName::content_length;
    if (content_length
            ? !keep_content_length
            : (is_connection_specific(field.known) || connection_options.names(field.name) ||
               field.name.starts_with(':') || (dropped != nullptr && dropped->contains(field)))) {
      continue;
    }
    const size_t at = text_.size();
    for (const char c : field.name) {
      text_.push_back(ascii_lower(c));
    }
    add(std::string_view(text_).substr(at), field.value);
  }
}

void Http2ResponseFields::add_generated_fields(const ResponseHead& head, std::string_view date) {
  const DroppedFields* dropped = head.edits != nullptr ? head.edits->dropped : nullptr;
  const auto kept = [&](std::string_view name) {
    return dropped == nullptr || !dropped->contains(name);
  };
  if (kept("server")) {
    add("server", "relay7");
  }
  if (kept("date")) {
    add("date", date);
  }
  if (!status_has_no_body(head.status) && kept("content-type")) {
    add("content-type", "text/plain; charset=utf-8");
  }
}

void Http2ResponseFields::build(const ResponseHead& head, std::string_view date) {
  start();
  reserve(head.fields, kFixedRoom);
  add_status(head.status);
  if (head.generated) {
    add_generated_fields(head, date);
  } else if (head.fields != nullptr) {
    add_backend_fields(*head.fields, false, head.edits != nullptr ? head.edits->dropped : nullptr);
  }
  // Content-Length describes the representation on a bodiless HEAD or 304 answer too.
  if (head.content_length && !(head.status == 204 || head.status < 200)) {
    const size_t at = text_.size();
    char digits[kNumberRoom];
    const auto end = std::to_chars(digits, digits + sizeof digits, *head.content_length).ptr;
    text_.append(digits, end);
    add("content-length", std::string_view(text_).substr(at));
  }
  if (!head.location.empty()) {
    add("location", head.location);
  }
  if (!head.set_cookie.empty()) {
    add("set-cookie", head.set_cookie);
  }
  if (head.edits != nullptr) {
    for (const AddedField& field : head.edits->added) {
      add(field.lower_name, field.value);
    }
  }
}

void Http2ResponseFields::build_interim(const ResponseHead& head) {
  start();
  reserve(head.fields, kFixedRoom);
  add_status(head.status);
  if (head.fields != nullptr) {
    add_backend_fields(*head.fields, false, nullptr);
  }
}

void Http2ResponseFields::build_trailers(const HeaderList& trailers) {
  start();
  reserve(&trailers, 0);
  add_backend_fields(trailers, false, nullptr);
}

}  // namespace relay7
