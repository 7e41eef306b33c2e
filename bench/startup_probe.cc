// Time from start to ready of a webhook server: starts the command, polls
// https://127.0.0.1:PORT/readyz every millisecond (certificate not verified: both servers use the
// same throw-away one) until it answers 200, then stops the server with SIGTERM and waits for it.
// Repeats --runs times and prints one JSON line: {"ready_ms": [...], "exit_codes": [...]}.
// Usage: aksarc-bench-startup --port PORT [--runs N] [--timeout-ms MS] -- COMMAND [ARGS...]
// Exit: 0 when every run became ready, 1 when one did not (within --timeout-ms) or the command
// could not start, 2 for bad usage.
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Args {
  int port = 0;
  int runs = 5;
  int timeout_ms = 10000;
  std::vector<char*> command;  // null-terminated for execvp
};

bool parse_args(int argc, char** argv, Args& a) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") {
      for (int j = i + 1; j < argc; ++j) a.command.push_back(argv[j]);
      break;
    }
    if (i + 1 >= argc) return false;
    if (arg == "--port") {
      a.port = std::atoi(argv[++i]);
    } else if (arg == "--runs") {
      a.runs = std::atoi(argv[++i]);
    } else if (arg == "--timeout-ms") {
      a.timeout_ms = std::atoi(argv[++i]);
    } else {
      return false;
    }
  }
  a.command.push_back(nullptr);
  return a.port > 0 && a.runs > 0 && a.timeout_ms > 0 && a.command.size() > 1;
}

bool ready(int port) {
  httplib::SSLClient client("127.0.0.1", port);
  client.enable_server_certificate_verification(false);
  client.set_connection_timeout(0, 200000);
  auto res = client.Get("/readyz");
  return res && res->status == 200;
}

// Starts the command with stdout and stderr on /dev/null; -1 when fork fails.
pid_t start(const Args& a) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  std::FILE* null = std::freopen("/dev/null", "w", stdout);
  (void)null;
  null = std::freopen("/dev/null", "w", stderr);
  (void)null;
  execvp(a.command[0], a.command.data());
  _exit(127);
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (!parse_args(argc, argv, a)) {
    std::fprintf(stderr,
                 "usage: aksarc-bench-startup --port PORT [--runs N] [--timeout-ms MS] -- COMMAND "
                 "[ARGS...]\n");
    return 2;
  }
  std::string times, codes;
  bool all_ready = true;
  for (int run = 0; run < a.runs; ++run) {
    auto t0 = std::chrono::steady_clock::now();
    pid_t pid = start(a);
    if (pid < 0) {
      std::perror("aksarc-bench-startup: fork");
      return 1;
    }
    double ms = -1;
    for (;;) {
      double elapsed =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (ready(a.port)) {
        ms = elapsed;
        break;
      }
      if (elapsed > a.timeout_ms || waitpid(pid, nullptr, WNOHANG) == pid) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    if (ms < 0) all_ready = false;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", ms);
    times += (run ? "," : "") + std::string(buf);
    codes += (run ? "," : "") +
             std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  }
  std::printf("{\"ready_ms\": [%s], \"exit_codes\": [%s]}\n", times.c_str(), codes.c_str());
  return all_ready ? 0 : 1;
}
