#pragma once

#include <string>
#include <vector>

#include "relay7/nginx_import/directive.h"

namespace relay7::nginx_import {

// error: something the import could not do (a syntax error, an unknown directive, a directive
// not translated, a result that fails relay7's check); any error makes the import fail.
// warning: translated or dropped, but relay7 does not do exactly what nginx did there.
// notice: the file left a setting to nginx's default, which differs from relay7's; relay7's is
// kept and the notice says how to keep nginx's instead.
enum class Severity { error, warning, notice };

struct ImportMessage {
  Severity severity = Severity::error;
  SourceRef where;
  std::string text;
};

// "FILE:LINE: TEXT", with "warning: " or "notice: " before TEXT for those; "FILE: TEXT" when
// the message is about the file as a whole.
std::string format_message(const ImportMessage& message);

// Collects messages while a config is read and translated.
class MessageList {
 public:
  void error(const SourceRef& where, std::string text);
  void warning(const SourceRef& where, std::string text);
  void notice(const SourceRef& where, std::string text);

  bool has_errors() const { return errors_ > 0; }
  size_t error_count() const { return errors_; }
  // In the order their directives appear in the config (included files in place), each
  // position's messages in the order they were added.
  std::vector<ImportMessage> sorted() const;

 private:
  std::vector<ImportMessage> messages_;
  size_t errors_ = 0;
};

}  // namespace relay7::nginx_import
