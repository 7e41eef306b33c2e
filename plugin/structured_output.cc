#include "plugin/structured_output.h"

#include <yaml-cpp/yaml.h>

#include <ostream>
#include <string>

namespace aksarc::plugin {
namespace {

// Every JSON document is YAML; emitting it in block style is what people expect to read.
void emit_yaml(const json& j, YAML::Emitter& e) {
  if (j.is_object()) {
    e << YAML::BeginMap;
    for (auto it = j.begin(); it != j.end(); ++it) {
      e << YAML::Key << it.key() << YAML::Value;
      emit_yaml(it.value(), e);
    }
    e << YAML::EndMap;
  } else if (j.is_array()) {
    e << YAML::BeginSeq;
    for (const json& x : j) emit_yaml(x, e);
    e << YAML::EndSeq;
  } else if (j.is_string()) {
    e << YAML::DoubleQuoted << j.get_ref<const std::string&>();
  } else {
    e << j.dump();
  }
}

}  // namespace

void write_structured(const json& document, std::string_view format, std::ostream& out) {
  if (format == "yaml") {
    YAML::Emitter e;
    emit_yaml(document, e);
    out << e.c_str() << "\n";
    return;
  }
  // Replace invalid UTF-8 from the cluster rather than throwing in the middle of a report.
  out << document.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

}  // namespace aksarc::plugin
