#pragma once
// meta.k8s.io Table columns and cells computed the way kubectl's printers do (for api_server.cc),
// and the PartialObjectMetadata form of an object. Pure apart from reading the clock for AGE;
// thread-safe.

#include <string>

#include "core/json_access.h"
#include "tests/apiserver/fixture_store.h"

namespace aksarc::testapi {

// The Table columnDefinitions for `type`: nodes and pods as kubectl prints them (wide columns
// with priority 1), namespaces NAME STATUS AGE, workloads their kubectl columns, else NAME AGE.
json columns_for(const ResourceType& type);

// One row's cells for `obj`, in the order of columns_for(type).
json cells_for(const ResourceType& type, const json& obj);

// `obj` as a meta.k8s.io/<meta_version> PartialObjectMetadata (its metadata only).
json partial_metadata(const json& obj, const std::string& meta_version);

}  // namespace aksarc::testapi
