#include "relay7/upstream/hash_key.h"

#include "relay7/http/cookie.h"

namespace relay7 {

std::string_view hash_key_of(const HashKeyConfig& key, const HashKeyInputs& inputs) {
  switch (key.source) {
    case HashKeySource::remote_addr:
      return inputs.client_address;
    case HashKeySource::uri:
      return inputs.path;
    case HashKeySource::header: {
      const Header* header = inputs.headers.find(key.name);
      return header != nullptr ? std::string_view(header->value) : std::string_view();
    }
    case HashKeySource::cookie:
      return find_cookie(inputs.headers, key.name).value_or(std::string_view());
  }
  return {};
}

}  // namespace relay7
