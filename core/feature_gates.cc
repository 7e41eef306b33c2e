#include "core/feature_gates.h"

#include <algorithm>

namespace aksarc {
namespace {

std::optional<GateStage> parse_stage(std::string_view text) {
  if (text == "alpha") return GateStage::kAlpha;
  if (text == "beta") return GateStage::kBeta;
  if (text == "stable") return GateStage::kStable;
  if (text == "deprecated") return GateStage::kDeprecated;
  return std::nullopt;
}

// The minor just before `v` ("1.30" -> "1.29"). Only called for minors > 0.
KubeVersion previous_minor(const KubeVersion& v) { return KubeVersion{v.major, v.minor - 1, 0}; }

KubeVersion minor_of(const KubeVersion& v) { return KubeVersion{v.major, v.minor, 0}; }

// Reads one entry of `stages`. The patch of fromVersion is kept (it orders stages that start in
// the same minor, e.g. DisableNodeKubeProxyVersion 1.31.0 / 1.31.1); toVersion keeps only its minor
// because ranges are judged by minor.
Result<GateStageRange> parse_range(const json& entry, std::string_view gate) {
  const std::string where = "gate " + std::string(gate) + ": ";
  auto stage = parse_stage(string_member(entry, "stage"));
  if (!stage) return parse_error(where + "stage missing or not alpha|beta|stable|deprecated");
  auto from = parse_kube_version(string_member(entry, "fromVersion"));
  if (!from) return parse_error(where + "fromVersion missing or not a version");
  GateStageRange range{*stage, *from, std::nullopt};
  const json* to = member(entry, "toVersion");
  if (to != nullptr && !to->is_null()) {
    auto to_version = parse_kube_version(as_string(*to));
    if (!to_version) return parse_error(where + "toVersion is neither null nor a version");
    if (compare_minor(*to_version, *from) < 0) {
      return parse_error(where + "toVersion is before fromVersion");
    }
    range.to = minor_of(*to_version);
  }
  return range;
}

// Closes open-ended stages that the table leaves open although a later stage follows
// (ContextualLogging: alpha from 1.24 with no end, then beta from 1.30): such a stage ends just
// before the next stage that starts in a later minor. The last stage of a removed gate is closed
// at its first minor when the table gives no end (DynamicProvisioningScheduling): the gate is gone
// and nothing says it lasted longer.
void close_open_stages(FeatureGate& gate) {
  for (GateStageRange& range : gate.stages) {
    if (range.to) continue;
    std::optional<KubeVersion> next;
    for (const GateStageRange& other : gate.stages) {
      if (compare_minor(other.from, range.from) > 0 &&
          (!next || compare_minor(other.from, *next) < 0)) {
        next = minor_of(other.from);
      }
    }
    if (next && next->minor > 0) range.to = previous_minor(*next);
    if (!next && gate.removed) range.to = minor_of(range.from);
  }
}

Result<FeatureGate> parse_gate(const json& entry) {
  FeatureGate gate;
  gate.name = std::string(string_member(entry, "name"));
  if (gate.name.empty()) return parse_error("a gate has no name");
  const json* stages = array_member(entry, "stages");
  if (stages == nullptr || stages->empty()) {
    return parse_error("gate " + gate.name + ": stages missing or empty");
  }
  for (const json& stage : *stages) {
    auto range = parse_range(stage, gate.name);
    if (!range.ok()) return range.error();
    gate.stages.push_back(range.value());
  }
  gate.removed = bool_member(entry, "removed").value_or(false);
  close_open_stages(gate);
  return gate;
}

bool contains_minor(const GateStageRange& range, const KubeVersion& minor) {
  if (compare_minor(range.from, minor) > 0) return false;
  return !range.to || compare_minor(minor, *range.to) <= 0;
}

// The last minor the gate exists in (every stage is closed for removed gates after parsing).
KubeVersion last_minor(const FeatureGate& gate) {
  KubeVersion last = minor_of(gate.stages.front().from);
  for (const GateStageRange& range : gate.stages) {
    last = std::max(last, range.to.value_or(minor_of(range.from)));
  }
  return last;
}

// Among `candidates`, the stage that started last (by full version, then by table order).
const GateStageRange* latest_start(const std::vector<const GateStageRange*>& candidates) {
  const GateStageRange* best = nullptr;
  for (const GateStageRange* range : candidates) {
    if (best == nullptr || !(range->from < best->from)) best = range;
  }
  return best;
}

}  // namespace

std::string_view to_string(GateStage stage) {
  switch (stage) {
    case GateStage::kAlpha:
      return "alpha";
    case GateStage::kBeta:
      return "beta";
    case GateStage::kStable:
      return "stable";
    case GateStage::kDeprecated:
      return "deprecated";
    case GateStage::kRemoved:
      return "removed";
    case GateStage::kUnknown:
      break;
  }
  return "unknown";
}

Result<FeatureGateTable> FeatureGateTable::parse(const json& doc) {
  const json* gates = array_member(doc, "gates");
  if (gates == nullptr) return parse_error("feature gates: `gates` missing or not a list");
  FeatureGateTable table;
  for (const json& entry : *gates) {
    auto gate = parse_gate(entry);
    if (!gate.ok()) return parse_error("feature gates: " + gate.error().message);
    if (table.index_.count(gate.value().name) != 0) {
      return parse_error("feature gates: duplicate gate " + gate.value().name);
    }
    for (const GateStageRange& range : gate.value().stages) {
      table.newest_ = std::max(table.newest_, range.to.value_or(minor_of(range.from)));
    }
    table.index_.emplace(gate.value().name, table.gates_.size());
    table.gates_.push_back(std::move(gate).value());
  }
  return table;
}

const FeatureGate* FeatureGateTable::find(std::string_view gate) const {
  auto it = index_.find(std::string(gate));
  return it == index_.end() ? nullptr : &gates_[it->second];
}

GateStage FeatureGateTable::stage_at(std::string_view gate_name, const KubeVersion& minor) const {
  const FeatureGate* gate = find(gate_name);
  if (gate == nullptr) return GateStage::kUnknown;
  if (gate->removed && compare_minor(minor, last_minor(*gate)) > 0) return GateStage::kRemoved;
  std::vector<const GateStageRange*> containing;
  std::vector<const GateStageRange*> started;
  for (const GateStageRange& range : gate->stages) {
    if (contains_minor(range, minor)) containing.push_back(&range);
    if (compare_minor(range.from, minor) <= 0) started.push_back(&range);
  }
  if (const GateStageRange* best = latest_start(containing)) return best->stage;
  // A gate still in Kubernetes whose table ends before `minor` (or a gap between stages): the
  // stage that started last is still in force.
  if (const GateStageRange* best = latest_start(started)) return best->stage;
  return GateStage::kUnknown;
}

}  // namespace aksarc
