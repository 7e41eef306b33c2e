#include "webhook/file_watcher.h"

#include <sys/stat.h>
#include <time.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <utility>

namespace aksarc::webhook {
namespace {

// FNV-1a: change detection of trusted local files, not a defence against crafted collisions.
uint64_t fnv1a(const std::string& data) {
  uint64_t h = 14695981039346656037ULL;
  for (char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

Result<std::string> read_small_file(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error(path + ": " + std::strerror(errno));
  std::string data;
  char buf[16384];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    data.append(buf, static_cast<size_t>(in.gcount()));
    if (data.size() > max_bytes) {
      return io_error(path + ": larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
  if (in.bad()) return io_error(path + ": read failed");
  return data;
}

FileWatcher::FileWatcher(std::string path)
    : path_(std::move(path)),
      stamp_(stamp_of(path_)),
      hash_(hash_of(path_)),
      racy_(is_recent(stamp_)) {}

bool FileWatcher::changed() {
  Stamp now = stamp_of(path_);
  if (!now.exists || (now == stamp_ && !racy_)) return false;
  uint64_t hash = hash_of(path_);
  bool differs = !stamp_.exists || hash != hash_;
  stamp_ = now;
  hash_ = hash;
  racy_ = is_recent(now);
  return differs;
}

bool FileWatcher::is_recent(const Stamp& stamp) {
  constexpr int64_t kRacyWindowNs = 1000000000;
  struct timespec ts {};
  if (!stamp.exists || clock_gettime(CLOCK_REALTIME, &ts) != 0) return false;
  int64_t now_ns = static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
  return now_ns - stamp.mtime_ns < kRacyWindowNs;
}

FileWatcher::Stamp FileWatcher::stamp_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {true, static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
          static_cast<int64_t>(st.st_size),
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

uint64_t FileWatcher::hash_of(const std::string& path) {
  auto data = read_small_file(path, kMaxWatchedFileBytes);
  return data.ok() ? fnv1a(data.value()) : 0;
}

}  // namespace aksarc::webhook
