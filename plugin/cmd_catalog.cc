#include "plugin/cmd_catalog.h"

#include <algorithm>
#include <iomanip>
#include <ostream>

#include "aksarc_version.h"
#include "core/checks/registry.h"
#include "core/report.h"
#include "plugin/cmd_check.h"
#include "plugin/structured_output.h"

namespace aksarc::plugin {
namespace {

bool structured(const GlobalOptions& o) { return o.output == "json" || o.output == "yaml"; }

json reads_of(const Check& check) {
  json reads = json::array();
  for (const ResourceKey& key : check.needs()) reads.push_back(key.describe());
  if (check.needs_discovery()) reads.push_back("API discovery");
  if (check.needs_kubelet_configz()) reads.push_back("each node's kubelet configz");
  return reads;
}

json check_to_json(const Check& check) {
  return {{"id", check.id()},
          {"rule", check.rule()},
          {"title", check.title()},
          {"explanation", check.explanation()},
          {"reads", reads_of(check)}};
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

void explain_one(const Check& check, std::ostream& out) {
  out << check.id() << " (" << check.rule() << "): " << check.title() << "\n\n"
      << check.explanation() << "\n\nReads: ";
  json reads = reads_of(check);
  for (size_t i = 0; i < reads.size(); ++i) {
    out << (i == 0 ? "" : ", ") << reads[i].get_ref<const std::string&>();
  }
  out << "\nPolicy: rule " << check.rule()
      << " of the AKS Arc support policy (docs/SUPPORT-POLICY.md)\n";
}

std::vector<Platform> platforms_of(const GlobalOptions& o) {
  if (!o.platform.empty()) {
    if (std::optional<Platform> p = parse_platform(o.platform)) return {*p};
  }
  return {Platform::kAzureLocal, Platform::kWindowsServer};
}

json minor_to_json(const AksArcVersions& versions, const PlatformVersions& table,
                   const MinorSupport& m, CivilDate at) {
  SupportInfo info = versions.support_of(table.platform, m.minor, at);
  return {{"minor", m.minor.minor_string()},     {"firstRelease", m.first_release},
          {"firstAvailable", m.first_available}, {"endOfSupport", m.end_text},
          {"endInferred", m.end_inferred},       {"removedInRelease", m.removed_in_release},
          {"status", to_string(info.status)}};
}

json versions_to_json(const AksArcVersions& versions, const std::vector<Platform>& platforms,
                      CivilDate at) {
  json doc = {{"apiVersion", kReportApiVersion},
              {"kind", "VersionTable"},
              {"dataAsOf", versions.as_of().to_string()},
              {"at", at.to_string()},
              {"platforms", json::array()}};
  for (Platform p : platforms) {
    const PlatformVersions* table = versions.platform(p);
    if (table == nullptr) continue;
    json minors = json::array();
    for (const MinorSupport& m : table->minors) {
      minors.push_back(minor_to_json(versions, *table, m, at));
    }
    std::string latest;
    if (table->latest) {
      const KubeVersion& v = *table->latest;
      latest =
          std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch);
    }
    doc["platforms"].push_back({{"platform", to_string(p)},
                                {"policy", table->policy},
                                {"latest", latest},
                                {"latestInferred", table->latest_inferred},
                                {"minors", std::move(minors)}});
  }
  return doc;
}

void print_versions_table(const json& doc, std::ostream& out) {
  out << "AKS Arc Kubernetes versions, status at " << doc["at"].get<std::string>()
      << " (data as of " << doc["dataAsOf"].get<std::string>() << ")\n";
  for (const json& p : doc["platforms"]) {
    out << "\n"
        << p["platform"].get<std::string>() << ": " << p["policy"].get<std::string>()
        << "\nlatest: " << p["latest"].get<std::string>()
        << (p["latestInferred"].get<bool>() ? " (inferred)" : "") << "\n";
    out << std::left << std::setw(8) << "MINOR" << std::setw(22) << "FIRST RELEASE" << std::setw(26)
        << "END OF SUPPORT" << std::setw(17) << "STATUS"
        << "REMOVED IN\n";
    for (const json& m : p["minors"]) {
      std::string end = m["endOfSupport"].get<std::string>();
      if (m["endInferred"].get<bool>()) end += " (inferred)";
      out << std::setw(8) << m["minor"].get<std::string>() << std::setw(22)
          << m["firstRelease"].get<std::string>() << std::setw(26) << (end.empty() ? "-" : end)
          << std::setw(17) << m["status"].get<std::string>()
          << m["removedInRelease"].get<std::string>() << "\n";
    }
  }
}

}  // namespace

int run_checks_catalog(const GlobalOptions& o, std::ostream& out, std::ostream& /*err*/) {
  if (structured(o)) {
    json doc = {{"apiVersion", kReportApiVersion}, {"kind", "CheckList"}, {"items", json::array()}};
    for (const auto& check : all_checks()) doc["items"].push_back(check_to_json(*check));
    write_structured(doc, o.output, out);
    return 0;
  }
  out << std::left << std::setw(32) << "ID" << std::setw(9) << "RULE"
      << "TITLE\n";
  for (const auto& check : all_checks()) {
    out << std::setw(32) << check->id() << std::setw(9) << check->rule() << check->title() << "\n";
  }
  return 0;
}

int run_explain(const std::string& id, const GlobalOptions& o, std::ostream& out,
                std::ostream& err) {
  std::vector<const Check*> matches;
  for (const auto& check : all_checks()) {
    if (check->id() == id || check->rule() == upper(id)) matches.push_back(check.get());
  }
  if (matches.empty()) {
    err << "error: no check or policy rule \"" << id
        << "\" (list them with `kubectl aksarc-support checks`)\n";
    return kExitCannotRun;
  }
  if (structured(o)) {
    json doc = {{"apiVersion", kReportApiVersion}, {"kind", "CheckList"}, {"items", json::array()}};
    for (const Check* check : matches) doc["items"].push_back(check_to_json(*check));
    write_structured(doc, o.output, out);
    return 0;
  }
  for (size_t i = 0; i < matches.size(); ++i) {
    if (i > 0) out << "\n---\n\n";
    explain_one(*matches[i], out);
  }
  return 0;
}

int run_versions(const GlobalOptions& o, std::ostream& out, std::ostream& err) {
  GlobalOptions only_dates;  // `versions` needs the date and data flags, not the checks
  only_dates.at = o.at;
  only_dates.policy_data = o.policy_data;
  Result<JudgeInputs> in = load_judge_inputs(only_dates, err);
  if (!in.ok()) {
    err << "error: " << in.error().message << "\n";
    return kExitCannotRun;
  }
  json doc = versions_to_json(*in.value().versions, platforms_of(o), in.value().today);
  if (structured(o)) {
    write_structured(doc, o.output, out);
  } else {
    print_versions_table(doc, out);
  }
  return 0;
}

int run_version(const GlobalOptions& o, std::ostream& out, std::ostream& err) {
  Result<std::shared_ptr<const AksArcVersions>> versions = load_embedded_aksarc_versions();
  if (!versions.ok()) {
    err << "error: " << versions.error().message << "\n";
    return kExitCannotRun;
  }
  std::string data_as_of = versions.value()->as_of().to_string();
  if (structured(o)) {
    write_structured({{"version", kAksarcVersion}, {"policyDataAsOf", data_as_of}}, o.output, out);
  } else {
    out << "aksarc-support " << kAksarcVersion << " (AKS Arc version data as of " << data_as_of
        << ")\n";
  }
  return 0;
}

}  // namespace aksarc::plugin
