#pragma once
// The feature-gate facts table (data/feature-gates.json): each gate's stages by Kubernetes minor.
// Answers "what stage is gate G in at minor M?", handling the table's documented quirks
// (patch-level versions such as "1.31.1", open-ended stages followed by a later stage, overlaps).

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/json_access.h"
#include "core/kube_version.h"
#include "core/result.h"

namespace aksarc {

enum class GateStage { kUnknown, kAlpha, kBeta, kStable, kDeprecated, kRemoved };

std::string_view to_string(GateStage stage);

struct GateStageRange {
  GateStage stage = GateStage::kUnknown;
  KubeVersion from;  // first version of the stage; a patch the table gives is kept (it orders
                     // stages that start in the same minor), containment is judged by minor
  std::optional<KubeVersion> to;  // last minor, nullopt when open-ended. After parse(), an
                                  // open-ended stage followed by a later one ends just before it
                                  // and every stage of a removed gate has an end.
};

struct FeatureGate {
  std::string name;
  std::vector<GateStageRange> stages;  // in table order
  bool removed = false;                // removed from Kubernetes after its last stage's `to`
};

class FeatureGateTable {
 public:
  // Parses the JSON document (the shape of data/feature-gates.json). Errors name what is wrong.
  static Result<FeatureGateTable> parse(const json& doc);

  // The stage of `gate` at the given minor:
  //  - kUnknown when the gate is not in the table, or the minor is before its first stage;
  //  - kRemoved when the gate is removed and the minor is after its last stage;
  //  - otherwise the stage whose range contains the minor (an open-ended stage ends where the
  //    next stage begins; with overlapping ranges the stage that started last wins).
  GateStage stage_at(std::string_view gate, const KubeVersion& minor) const;

  const FeatureGate* find(std::string_view gate) const;
  // The newest minor any stage mentions (used when the cluster's version is not known).
  KubeVersion newest_minor() const { return newest_; }
  size_t size() const { return gates_.size(); }

 private:
  std::vector<FeatureGate> gates_;
  std::unordered_map<std::string, size_t> index_;
  KubeVersion newest_;
};

}  // namespace aksarc
