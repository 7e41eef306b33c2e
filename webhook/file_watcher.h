#pragma once
// Detects that the content behind a path changed, following symlinks: Kubernetes updates a
// mounted Secret or ConfigMap by swapping the `..data` symlink, so the path keeps its name while
// the file it resolves to is replaced.

#include <cstdint>
#include <string>

#include "core/result.h"

namespace aksarc::webhook {

// Reads a whole file of at most `max_bytes`. Errors: the file cannot be opened or read (message
// names the path and strerror), or it is larger than max_bytes.
Result<std::string> read_small_file(const std::string& path, size_t max_bytes);

inline constexpr size_t kMaxWatchedFileBytes = size_t{4} * 1024 * 1024;

// Not thread-safe: one thread (the reload loop) owns a watcher.
class FileWatcher {
 public:
  // Records the current state of `path` as the baseline (a missing file is a valid baseline).
  explicit FileWatcher(std::string path);

  // True when the content now differs from the baseline; the new state becomes the baseline.
  // Cheap when nothing changed: one stat(). When the stat (device, inode, size, mtime in ns)
  // changed, the file is read and hashed, so a touch or a swap to identical content is not a
  // change. File times tick coarsely (a few ms), so while the baseline's mtime is less than a
  // second old the file is re-hashed on every call: a same-size rewrite in the same tick is
  // still seen (git's "racy timestamp" rule). A file that vanished is not reported (the last good
  // content stays in force); it is reported once it reappears with different content.
  bool changed();

  const std::string& path() const { return path_; }

 private:
  struct Stamp {
    bool exists = false;
    uint64_t device = 0;
    uint64_t inode = 0;
    int64_t size = 0;
    int64_t mtime_ns = 0;
    bool operator==(const Stamp&) const = default;
  };
  static Stamp stamp_of(const std::string& path);
  static uint64_t hash_of(const std::string& path);
  static bool is_recent(const Stamp& stamp);

  std::string path_;
  Stamp stamp_;
  uint64_t hash_ = 0;
  bool racy_ = false;  // the baseline's mtime was too recent to trust an unchanged stat
};

}  // namespace aksarc::webhook
