#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace relay7 {

using MetricLabel = std::pair<std::string_view, std::string_view>;  // name, value

// Prometheus' text exposition format 0.0.4, appended to a string.
class ExpositionWriter {
 public:
  explicit ExpositionWriter(std::string& out) : out_(out) {}

  // The HELP and TYPE lines that start a family. `help` is escaped as the format asks.
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, std::initializer_list<MetricLabel> labels, uint64_t value);
  void sample(std::string_view name, std::initializer_list<MetricLabel> labels, int64_t value);
  void sample(std::string_view name, std::initializer_list<MetricLabel> labels, double value);

 private:
  void start_sample(std::string_view name, std::initializer_list<MetricLabel> labels);

  std::string& out_;
};

// A label value as the format quotes it: backslash, double quote and line feed escaped.
void append_label_value(std::string& out, std::string_view value);

}  // namespace relay7
