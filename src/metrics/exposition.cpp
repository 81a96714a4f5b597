#include "relay7/metrics/exposition.h"

#include <fmt/format.h>

namespace relay7 {

void append_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

void ExpositionWriter::family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  // In HELP only backslash and line feed are escaped.
  for (char c : help) {
    if (c == '\\') {
      out_ += "\\\\";
    } else if (c == '\n') {
      out_ += "\\n";
    } else {
      out_ += c;
    }
  }
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void ExpositionWriter::start_sample(std::string_view name,
                                    std::initializer_list<MetricLabel> labels) {
  out_ += name;
  if (labels.size() != 0) {
    out_ += '{';
    bool first = true;
    for (const auto& [label, value] : labels) {
      if (!first) {
        out_ += ',';
      }
      first = false;
      out_ += label;
      out_ += "=\"";
      append_label_value(out_, value);
      out_ += '"';
    }
    out_ += '}';
  }
  out_ += ' ';
}

void ExpositionWriter::sample(std::string_view name, std::initializer_list<MetricLabel> labels,
                              uint64_t value) {
  start_sample(name, labels);
  fmt::format_to(std::back_inserter(out_), "{}\n", value);
}

void ExpositionWriter::sample(std::string_view name, std::initializer_list<MetricLabel> labels,
                              int64_t value) {
  start_sample(name, labels);
  fmt::format_to(std::back_inserter(out_), "{}\n", value);
}

void ExpositionWriter::sample(std::string_view name, std::initializer_list<MetricLabel> labels,
                              double value) {
  start_sample(name, labels);
  // Shortest text that reads back as the same double.
  fmt::format_to(std::back_inserter(out_), "{}\n", value);
}

}  // namespace relay7
