#pragma once
// Runs the project's test API server (tests/apiserver, AKSARC_TEST_APISERVER) as a child process
// on an ephemeral port, with certificates from test_pki.h written to a temp folder. The child is
// given a short lifetime, and is stopped (SIGTERM, then SIGKILL) by the destructor.

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/kube/test_pki.h"

namespace aksarc::kube::testing {

class TestApiServer {
 public:
  // Starts `binary` on `fixture_dir` with `extra` flags; url() is "" when it did not start.
  TestApiServer(const std::string& binary, const std::string& fixture_dir,
                std::vector<std::string> extra) {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / ("aksarc-apiserver-" + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "tls.crt") << pki().server.cert;
    std::ofstream(dir_ / "tls.key") << pki().server.key;
    std::ofstream(dir_ / "ca.crt") << pki().ca.cert;
    std::vector<std::string> args = {binary,
                                     "--fixture-dir",
                                     fixture_dir,
                                     "--port",
                                     "0",
                                     "--tls-cert-file",
                                     (dir_ / "tls.crt").string(),
                                     "--tls-private-key-file",
                                     (dir_ / "tls.key").string(),
                                     "--max-lifetime-seconds",
                                     "60"};
    for (std::string& a : extra) args.push_back(a == "CA_FILE" ? (dir_ / "ca.crt").string() : a);
    start(args);
  }

  ~TestApiServer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      for (int i = 0; i < 300 && waitpid(pid_, &status, WNOHANG) == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (i == 299) {
          kill(pid_, SIGKILL);
          waitpid(pid_, &status, 0);
        }
      }
    }
    if (out_ >= 0) close(out_);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  const std::string& url() const { return url_; }

 private:
  void start(const std::vector<std::string>& args) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
      std::vector<char*> argv;
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
    read_url();
  }

  // Reads stdout until "listening on https://..." (at most 10 s).
  void read_url() {
    std::string text;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char buf[256];
      ssize_t n = read(out_, buf, sizeof buf);
      if (n <= 0) return;
      text.append(buf, static_cast<size_t>(n));
      size_t at = text.find("listening on ");
      size_t end = at == std::string::npos ? at : text.find('\n', at);
      if (end != std::string::npos) {
        url_ = text.substr(at + 13, end - at - 13);
        return;
      }
    }
  }

  std::filesystem::path dir_;
  pid_t pid_ = -1;
  int out_ = -1;
  std::string url_;
};

}  // namespace aksarc::kube::testing
