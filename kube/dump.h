#pragma once
// Cluster state on disk: reading a `kubectl cluster-info dump --output-directory` tree or a
// `kubectl aksarc-support snapshot` folder, and writing such a snapshot. The layout:
//   DIR/nodes.json                       NodeList
//   DIR/<namespace>/<resource>.json      a List per namespace (replicationcontrollers are
//                                        replication-controllers.json, as kubectl writes them)
//   DIR/cluster/<resource>.json          other cluster-scoped Lists
//   DIR/version.json                     GET /version (snapshot only)
//   DIR/discovery.json                   {"groupVersions": [...]} (snapshot only)
//   DIR/nodes/<node>/configz.json        GET /api/v1/nodes/<node>/proxy/configz (snapshot only)
//   DIR/errors.json                      what could not be read when the snapshot was taken

#include <string>
#include <vector>

#include "core/cluster_state.h"
#include "core/result.h"

namespace aksarc::kube {

// Reads the lists in `wanted` (plus version, discovery and configz when present) from `dir`. A
// wanted list without its file gets ResourceList.error kNotFound saying why. Errors (the whole
// read): kNotFound "not a cluster dump" when `dir` is not a directory or has neither nodes.json
// nor version.json; kParse naming the file when a file is not JSON or not a List. Thread-safe.
Result<ClusterState> read_dump(const std::string& dir, const std::vector<ResourceKey>& wanted);

// Writes `state` to `dir` in the layout above, with a README.txt. The data of Secrets is never
// written. Errors: kInvalidArgument when `dir` exists and is not an empty directory; kIo when a
// file cannot be written. Thread-safe for distinct directories.
Status write_snapshot(const ClusterState& state, const std::string& dir);

}  // namespace aksarc::kube
