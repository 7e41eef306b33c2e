#pragma once
// Reading small local files (tokens, kubeconfigs, certificates) with a size cap, so a wrong path
// such as a device or a huge file cannot exhaust memory.

#include <fstream>
#include <string>

#include "core/result.h"

namespace aksarc::kube {

// The file's bytes; kIo "cannot read PATH" when it cannot be opened, "PATH is too large" above
// max_bytes.
inline Result<std::string> read_small_file(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("cannot read " + path);
  // In chunks up to the cap: allocating the cap up front (16 MiB zeroed per kubeconfig) cost a
  // tenth of a second per run.
  std::string data;
  char chunk[64 * 1024];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    data.append(chunk, static_cast<size_t>(in.gcount()));
    if (data.size() > max_bytes) return io_error(path + " is too large");
  }
  return data;
}

// `s` without leading and trailing whitespace.
inline std::string trim_whitespace(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(s.find_last_not_of(ws) + 1);
  s.erase(0, s.find_first_not_of(ws));
  return s;
}

}  // namespace aksarc::kube
