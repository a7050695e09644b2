#pragma once
// Helpers for the sample-portal integration tests: start launchgate-portal as a child process on
// a free loopback port, talk HTTP to it with libcurl, and catch its mail with a tiny in-process
// SMTP sink. Every wait is bounded; all traffic stays on 127.0.0.1.

#include <curl/curl.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

namespace portal_test {

using Clock = std::chrono::steady_clock;

inline std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return text;
}

// ---------------------------------------------------------------------------------------------
// HTTP over libcurl: one easy handle per request, no cookie engine, no proxy, 10 s timeout.

struct HttpResponse {
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers; // names lower-cased

  // The first header named `name` (case-insensitive), or "".
  [[nodiscard]] std::string header(const std::string& name) const {
    const auto key = lower(name);
    for (const auto& [k, v] : headers) {
      if (k == key) {
        return v;
      }
    }
    return {};
  }
  [[nodiscard]] bool has_header(const std::string& name) const {
    const auto key = lower(name);
    return std::any_of(headers.begin(), headers.end(),
                       [&](const auto& kv) { return kv.first == key; });
  }
};

struct CurlHandle {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct CurlList {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

inline std::size_t collect_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

inline std::size_t collect_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(user);
  std::string line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear(); // a new response (e.g. after 100 Continue) starts over
  }
  const auto colon = line.find(':');
  if (colon != std::string::npos) {
    auto value = line.substr(colon + 1);
    const auto first = value.find_first_not_of(" \t");
    const auto last = value.find_last_not_of(" \t\r\n");
    value = first == std::string::npos ? std::string() : value.substr(first, last - first + 1);
    headers->emplace_back(lower(line.substr(0, colon)), value);
  }
  return size * count;
}

class HttpClient {
public:
  HttpClient() = default;
  explicit HttpClient(std::string base_url) : m_base(std::move(base_url)) {}

  // `method` `path` with optional `body` (sent with `content_type`) and extra `headers`.
  HttpResponse request(const std::string& method, const std::string& path,
                       const std::optional<std::string>& body = std::nullopt,
                       std::vector<std::string> headers = {},
                       const std::string& content_type = "application/json") const {
    HttpResponse out;
    const std::unique_ptr<CURL, CurlHandle> curl(curl_easy_init());
    if (!curl) {
      return out;
    }
    CURL* h = curl.get();
    const auto url = m_base + path;
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_PROXY, "");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &collect_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &out.body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &collect_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &out.headers);
    if (method == "HEAD") {
      curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    }
    if (body) {
      headers.push_back("Content-Type: " + content_type);
      headers.emplace_back("Expect:");
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, body->data());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    }
    curl_slist* raw = nullptr;
    for (const auto& header : headers) {
      raw = curl_slist_append(raw, header.c_str());
    }
    const std::unique_ptr<curl_slist, CurlList> list(raw);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, list.get());
    if (curl_easy_perform(h) == CURLE_OK) {
      curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out.status);
    }
    return out;
  }

  [[nodiscard]] const std::string& base_url() const { return m_base; }

private:
  std::string m_base;
};

inline std::string bearer(const std::string& token) {
  return "Authorization: Bearer " + token;
}
inline std::string cookie(const std::string& token) {
  return "Cookie: session=" + token;
}

// ---------------------------------------------------------------------------------------------
// The portal as a child process.

class PortalProcess {
public:
  PortalProcess() = default;
  PortalProcess(const PortalProcess&) = delete;
  PortalProcess& operator=(const PortalProcess&) = delete;
  ~PortalProcess() { stop(); }

  // Spawns `binary` with `args`, stdout to a pipe and stderr to a temp file, and waits up to
  // `timeout` for "listening on URL". False (with `error()` set) when it does not come.
  bool start(const std::string& binary, const std::vector<std::string>& args,
             std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    if (!spawn(binary, args)) {
      return false;
    }
    std::string line;
    if (!read_line(line, timeout)) {
      m_error = "no 'listening on' line; stderr: " + stderr_text();
      return false;
    }
    const std::string prefix = "listening on ";
    if (line.rfind(prefix, 0) != 0) {
      m_error = "unexpected first line: " + line;
      return false;
    }
    m_url = line.substr(prefix.size());
    return true;
  }

  // Spawns without waiting for the listening line (for tests of startup failures).
  bool spawn(const std::string& binary, const std::vector<std::string>& args) {
    char log_template[] = "/tmp/lg-portal-stderr-XXXXXX";
    const int log_fd = mkstemp(log_template);
    if (log_fd < 0) {
      m_error = "mkstemp failed";
      return false;
    }
    m_log_path = log_template;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
      close(log_fd);
      m_error = "pipe failed";
      return false;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, log_fd, STDERR_FILENO);
    std::vector<std::string> argv_storage{binary};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_storage) {
      argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    const int rc = posix_spawn(&m_pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    close(log_fd);
    m_stdout = fds[0];
    if (rc != 0) {
      m_pid = -1;
      m_error = "posix_spawn failed";
      return false;
    }
    return true;
  }

  // Sends SIGTERM and waits up to 10 s (then SIGKILL). Returns the exit status, or -1.
  int stop() {
    if (m_pid > 0) {
      kill(m_pid, SIGTERM);
      m_status = wait_exit(std::chrono::seconds(10));
      if (m_status == -2) {
        kill(m_pid, SIGKILL);
        waitpid(m_pid, nullptr, 0);
        m_status = -1;
      }
      m_pid = -1;
    }
    if (m_stdout >= 0) {
      close(m_stdout);
      m_stdout = -1;
    }
    return m_status;
  }

  // Waits up to `timeout` for the child to exit on its own: its exit status, -1 if killed by a
  // signal, -2 on timeout.
  int wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      int status = 0;
      const pid_t r = waitpid(m_pid, &status, WNOHANG);
      if (r == m_pid) {
        m_pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -2;
  }

  // Everything the child wrote to stderr so far.
  [[nodiscard]] std::string stderr_text() const {
    std::ifstream in(m_log_path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // Waits up to `timeout` until stderr contains `needle` (the access log is written just after
  // the response, so a client can see the answer before its log line exists).
  [[nodiscard]] bool wait_for_stderr(const std::string& needle,
                                     std::chrono::milliseconds timeout) const {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (stderr_text().find(needle) != std::string::npos) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  [[nodiscard]] const std::string& url() const { return m_url; }
  [[nodiscard]] const std::string& error() const { return m_error; }
  [[nodiscard]] pid_t pid() const { return m_pid; }
  // The file the child's stderr (the portal's log) goes to.
  [[nodiscard]] const std::string& log_path() const { return m_log_path; }

  // Removes the stderr capture file (after stop()).
  void remove_log() {
    if (!m_log_path.empty()) {
      std::remove(m_log_path.c_str());
      m_log_path.clear();
    }
  }

private:
  bool read_line(std::string& line, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      pollfd pfd{m_stdout, POLLIN, 0};
      if (poll(&pfd, 1, 50) <= 0) {
        continue;
      }
      char c = 0;
      if (read(m_stdout, &c, 1) != 1) {
        return false; // EOF: the child exited
      }
      if (c == '\n') {
        return true;
      }
      line += c;
    }
    return false;
  }

  pid_t m_pid = -1;
  int m_stdout = -1;
  int m_status = -1;
  std::string m_url;
  std::string m_error;
  std::string m_log_path;
};

// ---------------------------------------------------------------------------------------------
// A minimal SMTP server (RFC 5321 subset) on 127.0.0.1 that keeps every message it receives.

struct SmtpMessage {
  std::string mail_from;
  std::vector<std::string> rcpt_to;
  std::string data; // the message, dot-unstuffed, CRLF line ends
};

class SmtpSink {
public:
  SmtpSink() {
    m_listen = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    if (m_listen < 0 || bind(m_listen, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        listen(m_listen, 8) != 0 ||
        getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return;
    }
    m_port = ntohs(addr.sin_port);
    m_thread = std::thread([this] { serve(); });
  }
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;
  ~SmtpSink() {
    m_stop = true;
    if (m_thread.joinable()) {
      m_thread.join();
    }
    if (m_listen >= 0) {
      close(m_listen);
    }
  }

  // 0 when the socket could not be set up.
  [[nodiscard]] int port() const { return m_port; }

  // Waits up to `timeout` until at least `count` messages arrived; returns all received so far.
  std::vector<SmtpMessage> wait_for(std::size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_mutex);
    m_arrived.wait_for(lock, timeout, [&] { return m_messages.size() >= count; });
    return m_messages;
  }

private:
  void serve() {
    while (!m_stop) {
      pollfd pfd{m_listen, POLLIN, 0};
      if (poll(&pfd, 1, 100) <= 0) {
        continue;
      }
      const int fd = accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) {
        session(fd);
        close(fd);
      }
    }
  }

  static void reply(int fd, const std::string& text) {
    const auto line = text + "\r\n";
    (void)send(fd, line.data(), line.size(), MSG_NOSIGNAL);
  }

  // Reads one CRLF-terminated line (without it) within 5 s; false on EOF, error or timeout.
  bool read_line(int fd, std::string& buffer, std::string& line) {
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    while (!m_stop && Clock::now() < deadline) {
      const auto end = buffer.find("\r\n");
      if (end != std::string::npos) {
        line = buffer.substr(0, end);
        buffer.erase(0, end + 2);
        return true;
      }
      pollfd pfd{fd, POLLIN, 0};
      if (poll(&pfd, 1, 100) <= 0) {
        continue;
      }
      char chunk[4096];
      const auto n = recv(fd, chunk, sizeof(chunk), 0);
      if (n <= 0) {
        return false;
      }
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    return false;
  }

  void session(int fd) {
    reply(fd, "220 sink.test ESMTP ready");
    std::string buffer;
    std::string line;
    SmtpMessage message;
    while (read_line(fd, buffer, line)) {
      const auto verb = lower(line.substr(0, 4));
      if (verb == "ehlo" || verb == "helo") {
        reply(fd, "250 sink.test");
      } else if (verb == "mail") {
        message = SmtpMessage{};
        message.mail_from = line;
        reply(fd, "250 OK");
      } else if (verb == "rcpt") {
        message.rcpt_to.push_back(line);
        reply(fd, "250 OK");
      } else if (verb == "data") {
        reply(fd, "354 end with <CRLF>.<CRLF>");
        while (read_line(fd, buffer, line) && line != ".") {
          message.data += (line.rfind("..", 0) == 0 ? line.substr(1) : line) + "\r\n";
        }
        reply(fd, "250 OK queued");
        {
          const std::lock_guard lock(m_mutex);
          m_messages.push_back(message);
        }
        m_arrived.notify_all();
      } else if (verb == "quit") {
        reply(fd, "221 bye");
        return;
      } else if (verb == "rset" || verb == "noop") {
        reply(fd, "250 OK");
      } else {
        reply(fd, "502 command not implemented");
      }
    }
  }

  int m_listen = -1;
  int m_port = 0;
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
  std::mutex m_mutex;
  std::condition_variable m_arrived;
  std::vector<SmtpMessage> m_messages;
};

} // namespace portal_test
