#include "core/kube_version.h"

#include <charconv>

namespace aksarc {
namespace {

// Reads a run of digits into out; returns the number of characters consumed (0 on failure).
size_t read_number(std::string_view s, int& out) {
  size_t n = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
  if (n == 0 || n > 6) return 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + n, out);
  return ec == std::errc() ? n : 0;
}

}  // namespace

std::string KubeVersion::minor_string() const {
  return std::to_string(major) + "." + std::to_string(minor);
}

std::optional<KubeVersion> parse_kube_version(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '"')) text.remove_prefix(1);
  if (!text.empty() && (text.front() == 'v' || text.front() == 'V')) text.remove_prefix(1);
  KubeVersion v;
  size_t n = read_number(text, v.major);
  if (n == 0 || n >= text.size() || text[n] != '.') return std::nullopt;
  text.remove_prefix(n + 1);
  n = read_number(text, v.minor);
  if (n == 0) return std::nullopt;
  text.remove_prefix(n);
  if (!text.empty() && text.front() == '.') {
    text.remove_prefix(1);
    if (read_number(text, v.patch) == 0) return std::nullopt;
  }
  return v;
}

int compare_minor(const KubeVersion& a, const KubeVersion& b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  return 0;
}

}  // namespace aksarc
