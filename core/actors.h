#pragma once
// Who is a system actor, exempt from every rule: the cluster's own components, which must never
// wait on or be blocked by this webhook.

#include "core/admission_request.h"
#include "core/policy_config.h"

namespace aksarc {

// True for:
//  - the kubelet of the node the request is about: username system:node:<name> AND group
//    system:nodes, and the request is about Node <name> (or anything not a Node: a kubelet
//    writing its pods' status, events, leases). A kubelet may not touch another Node.
//  - system:kube-controller-manager, system:kube-scheduler, system:apiserver;
//  - service accounts of the configured system namespaces (system:serviceaccount:<ns>:*);
//  - users, groups and service accounts listed in the configuration's exemptions.
// system:masters is not exempt (unless configured): it is the operator's admin credential.
bool is_system_actor(const AdmissionRequest& request, const PolicyConfig& config);

}  // namespace aksarc
