#include "webhook/file_watcher.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace aksarc::webhook {
namespace {

namespace fs = std::filesystem;

// A fresh directory under TMPDIR, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "aksarc-watch-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

void write(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

// Sets the file's mtime back, as if it had been written a while ago (outside the racy window).
void age(const std::string& path, int seconds = 60) {
  struct timespec times[2];
  clock_gettime(CLOCK_REALTIME, &times[0]);
  times[0].tv_sec -= seconds;
  times[1] = times[0];
  REQUIRE(utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

// Kubernetes' atomic writer: <dir>/..2024_x/<name> files, a `..data` symlink to the current
// one, and <dir>/<name> -> ..data/<name>. An update writes a new directory and swaps ..data.
void publish(const TempDir& dir, const std::string& version, const std::string& content) {
  fs::create_directory(dir.file(version));
  write(dir.file(version + "/tls.crt"), content);
  fs::create_directory_symlink(version, dir.file("..data_tmp"));
  fs::rename(dir.file("..data_tmp"), dir.file("..data"));  // rename(2) replaces atomically
  if (!fs::is_symlink(dir.file("tls.crt")))
    fs::create_symlink("..data/tls.crt", dir.file("tls.crt"));
}

}  // namespace

TEST_CASE("file watcher: nothing changed, nothing reported") {
  TempDir dir;
  write(dir.file("a"), "one");
  FileWatcher w(dir.file("a"));
  CHECK_FALSE(w.changed());
  CHECK_FALSE(w.changed());
  CHECK(w.path() == dir.file("a"));
}

TEST_CASE("file watcher: new content is reported once") {
  TempDir dir;
  write(dir.file("a"), "one");
  age(dir.file("a"));
  FileWatcher w(dir.file("a"));
  write(dir.file("a"), "two, longer");
  CHECK(w.changed());
  CHECK_FALSE(w.changed());
}

TEST_CASE("file watcher: a same-size rewrite within the same clock tick is still seen") {
  TempDir dir;
  write(dir.file("a"), "aaaa");
  FileWatcher w(dir.file("a"));
  write(dir.file("a"), "bbbb");  // same inode and size; mtime may not move
  CHECK(w.changed());
  CHECK_FALSE(w.changed());
}

TEST_CASE("file watcher: a touch or identical content is not a change") {
  TempDir dir;
  write(dir.file("a"), "same");
  age(dir.file("a"));
  FileWatcher w(dir.file("a"));
  age(dir.file("a"), 30);  // mtime moves, content does not
  CHECK_FALSE(w.changed());
  write(dir.file("b"), "same");
  fs::rename(dir.file("b"), dir.file("a"));  // new inode, same bytes
  CHECK_FALSE(w.changed());
}

TEST_CASE("file watcher: follows a swapped ..data symlink like kubelet's") {
  TempDir dir;
  publish(dir, "..v1", "certificate one");
  FileWatcher w(dir.file("tls.crt"));
  CHECK_FALSE(w.changed());
  publish(dir, "..v2", "certificate two");
  CHECK(w.changed());
  CHECK_FALSE(w.changed());
  publish(dir, "..v3", "certificate two");  // republished, same content
  CHECK_FALSE(w.changed());
}

TEST_CASE("file watcher: a missing file is reported when it appears, not when it vanishes") {
  TempDir dir;
  FileWatcher w(dir.file("late"));
  CHECK_FALSE(w.changed());
  write(dir.file("late"), "here");
  CHECK(w.changed());
  fs::remove(dir.file("late"));
  CHECK_FALSE(w.changed());
  write(dir.file("late"), "here");  // back with the same content
  CHECK_FALSE(w.changed());
  fs::remove(dir.file("late"));
  write(dir.file("late"), "different");
  CHECK(w.changed());
}

TEST_CASE("read_small_file: reads, caps and reports errors with the path") {
  TempDir dir;
  write(dir.file("f"), "hello");
  auto ok = read_small_file(dir.file("f"), 5);
  REQUIRE(ok.ok());
  CHECK(ok.value() == "hello");

  auto big = read_small_file(dir.file("f"), 4);
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().message.find("larger than 4 bytes") != std::string::npos);

  auto missing = read_small_file(dir.file("nope"), 10);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kIo);
  CHECK(missing.error().message.find(dir.file("nope")) == 0);
  CHECK(missing.error().message.find("No such file") != std::string::npos);
}

}  // namespace aksarc::webhook
