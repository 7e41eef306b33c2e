#include "plugin/cmd_snapshot.h"

#include <fstream>
#include <optional>
#include <ostream>
#include <sstream>
#include <utility>

#include "core/checks/registry.h"
#include "kube/dump.h"
#include "plugin/acquire.h"
#include "plugin/cmd_check.h"

namespace aksarc::plugin {
namespace {

// Every check's needs, whatever --check/--skip say: the person judging the snapshot later may
// want all of them.
kube::FetchPlan full_plan() {
  std::vector<const Check*> checks;
  for (const auto& check : all_checks()) checks.push_back(check.get());
  kube::FetchPlan plan = plan_for(checks);
  plan.discovery = true;
  plan.metadata_only.clear();  // whole objects: a later version's checks may read more
  plan.drop_unread_fields = false;
  return plan;
}

size_t unreadable_count(const ClusterState& state) {
  size_t n = state.kubelet_configz_errors.size();
  if (state.version_error) ++n;
  if (state.discovery_error) ++n;
  for (const auto& [key, list] : state.lists) n += list.error ? 1 : 0;
  return n;
}

// The `az connectedk8s show` output belongs with the snapshot: LIFE-3/4 cannot be judged from
// the cluster alone. Validated as --from-dump will read it, so a snapshot never carries a file
// that is then rejected; nullopt without --arc-status.
Result<std::optional<json>> read_arc_status(const GlobalOptions& o) {
  if (o.arc_status.empty()) return std::optional<json>();
  GlobalOptions only_arc;
  only_arc.arc_status = o.arc_status;
  std::ostringstream ignored;
  Result<JudgeInputs> checked = load_judge_inputs(only_arc, ignored);
  if (!checked.ok()) return checked.error();
  return std::move(checked.value().arc_status);
}

Status save_arc_status(const std::optional<json>& arc_status, const std::string& dir) {
  if (!arc_status) return {};
  std::ofstream file(dir + "/" + std::string(kArcStatusFile), std::ios::binary);
  file << arc_status->dump(2) << "\n";
  if (!file.flush()) return io_error("cannot write " + dir + "/" + std::string(kArcStatusFile));
  return {};
}

}  // namespace

int run_snapshot(const std::string& dir, const GlobalOptions& o, std::ostream& out,
                 std::ostream& err) {
  // Before reading the cluster: a bad --arc-status used to fail after the snapshot folder was
  // written, leaving half a snapshot behind.
  Result<std::optional<json>> arc_status = read_arc_status(o);
  if (!arc_status.ok()) {
    err << "error: " << arc_status.error().message << "\n";
    return kExitCannotRun;
  }
  Result<ClusterState> state = acquire_state(o, std::nullopt, full_plan(), nullptr);
  if (!state.ok()) {
    err << "error: " << state.error().message << "\n";
    return kExitCannotRun;
  }
  if (Status written = kube::write_snapshot(state.value(), dir); !written.ok()) {
    err << "error: " << written.error().message << "\n";
    return kExitCannotRun;
  }
  if (Status saved = save_arc_status(arc_status.value(), dir); !saved.ok()) {
    err << "error: " << saved.error().message << "\n";
    return kExitCannotRun;
  }
  out << "snapshot of " << state.value().source << " written to " << dir << " ("
      << state.value().lists.size() << " lists";
  if (size_t n = unreadable_count(state.value()); n > 0) {
    out << ", " << n << " could not be read: see " << dir << "/errors.json";
  }
  out << ")\nJudge it later with: kubectl aksarc-support --from-dump " << dir << "\n";
  return 0;
}

}  // namespace aksarc::plugin
