#include "relay7/nginx_import/messages.h"

#include <algorithm>

#include "nginx_import/values.h"

namespace relay7::nginx_import {

// Words quoted in a message may hold control characters (`\n` in a word is a newline, and file
// names come from include globs): printable() here keeps every message on one line whatever a
// call site forgot; text already made printable passes unchanged.
std::string format_message(const ImportMessage& message) {
  std::string line = message.where.file;
  if (message.where.line > 0) {
    line += ":" + std::to_string(message.where.line);
  }
  line += ": ";
  if (message.severity == Severity::warning) {
    line += "warning: ";
  } else if (message.severity == Severity::notice) {
    line += "notice: ";
  }
  return printable(line + message.text);
}

void MessageList::error(const SourceRef& where, std::string text) {
  messages_.push_back(ImportMessage{Severity::error, where, std::move(text)});
  ++errors_;
}

void MessageList::warning(const SourceRef& where, std::string text) {
  messages_.push_back(ImportMessage{Severity::warning, where, std::move(text)});
}

void MessageList::notice(const SourceRef& where, std::string text) {
  messages_.push_back(ImportMessage{Severity::notice, where, std::move(text)});
}

std::vector<ImportMessage> MessageList::sorted() const {
  std::vector<ImportMessage> sorted = messages_;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const ImportMessage& a, const ImportMessage& b) {
                     return a.where.sequence < b.where.sequence;
                   });
  return sorted;
}

}  // namespace relay7::nginx_import
