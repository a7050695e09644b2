// net::Browser over headless Chromium and the Chrome DevTools Protocol (CDP) on
// --remote-debugging-pipe. One socketpair end is the browser's fd 3 and fd 4 (reads commands,
// writes replies and events, each JSON message NUL-terminated); every read is a poll() against a
// deadline, messages are capped at 64 MiB (a longer one is skipped), and a browser that exits or
// goes silent is an Error, never a hang. Each visit gets its own page target on a flattened
// session, closed afterwards.
//
// Scope: Fetch.enable with the pattern "*" on the page and, through Target.setAutoAttach with
// waitForDebuggerOnStart, on every frame and worker it starts, before they run: each request is
// paused before it is sent and refused (Fetch.failRequest BlockedByClient) unless the scope
// predicate accepts its URL, redirect hops included. Two kinds of traffic bypass Fetch, so they
// are switched off: preconnects and DNS prefetches (the profile's network prediction is "never")
// and WebSocket handshakes (the constructors are replaced before any page or worker code runs).
//
// Measurement, as Lighthouse and the web-vitals library define the metrics:
// - cold visits clear the HTTP cache and every cookie first (Network.clearBrowserCache,
//   clearBrowserCookies); the visit's cookies are set after that (Network.setCookies);
// - after Page.navigate we wait for the main frame's load event, then for the network to be
//   quiet: no request in flight (our own count from Network.requestWillBeSent/loadingFinished/
//   loadingFailed, over every attached session) for `quiet` (500 ms). An LCP element inserted by
//   a script that arrives late is therefore caught: the script's request keeps the network busy.
//   Both waits end at the visit's deadline minus a reserve for the measurement itself; a page
//   still busy then is measured as it is (loaded / network_quiet false);
// - the metrics come from the page's own Performance API (Runtime.evaluate, awaitPromise): the
//   last 'largest-contentful-paint' entry (buffered PerformanceObserver, read after two animation
//   frames so a pending candidate is delivered), 'first-contentful-paint', the navigation entry's
//   responseStart (TTFB) and responseStatus (else the main document's Network.responseReceived
//   status), and CLS as the largest session window (gaps < 1 s, windows <= 5 s) of
//   'layout-shift' entries without recent input;
// - scripts are the Script responses and the parsed external scripts (Debugger.scriptParsed);
//   source maps are scriptParsed's sourceMapURL resolved against the script's URL.

#include "net/impl/chromium_browser.hpp"

#include "util/url.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

extern char** environ;

namespace lg::net {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t k_max_message_bytes = size_t{64} << 20;
constexpr size_t k_read_chunk = size_t{1} << 20;
constexpr size_t k_max_listed = 1000;         // scripts, source maps, blocked URLs per visit
constexpr size_t k_max_url_chars = 4096;      // each listed URL is cut there
constexpr size_t k_max_tracked = 100000;      // requests counted in flight
constexpr off_t k_max_stderr_bytes = 1 << 20; // the browser's stderr file is emptied beyond it
constexpr auto k_close_grace = std::chrono::milliseconds(3000);
constexpr auto k_close_tab_timeout = std::chrono::milliseconds(3000);

// WebSocket handshakes are not intercepted by Fetch, so no document or worker may open one:
// the constructors are replaced before any of the page's code runs.
constexpr std::string_view k_no_websockets = R"js((() => {
  const refuse = function () {
    throw new DOMException('WebSockets are disabled while launchgate measures this page',
                           'SecurityError');
  };
  for (const name of ['WebSocket', 'WebSocketStream', 'WebTransport']) {
    try {
      Object.defineProperty(globalThis, name, {value: refuse, writable: false, configurable: false});
    } catch (e) {}
  }
})();)js";

// The page-side measurement (see the comment at the top). Resolves to a plain object.
constexpr std::string_view k_metrics_script = R"js((() => new Promise((resolve) => {
  const describe = (el) => {
    if (!el || typeof el.tagName !== 'string') return '';
    let text = el.tagName.toLowerCase();
    if (el.id) text += '#' + el.id;
    const names = typeof el.className === 'string'
        ? el.className.trim().split(/\s+/).filter(Boolean).slice(0, 4) : [];
    if (names.length) text += '.' + names.join('.');
    return text.slice(0, 256);
  };
  const out = {url: String(location.href).slice(0, 4096), status: 0, ttfb: 0, fcp: null,
               lcp: null, lcpElement: '', lcpResource: '', cls: 0};
  const nav = performance.getEntriesByType('navigation')[0];
  if (nav) {
    out.ttfb = nav.responseStart;
    if (typeof nav.responseStatus === 'number') out.status = nav.responseStatus;
  }
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  if (paint) out.fcp = paint.startTime;
  const lcps = [], shifts = [], observers = [];
  const watch = (type, sink) => {
    try {
      const o = new PerformanceObserver((list) => { sink.push(...list.getEntries()); });
      o.observe({type: type, buffered: true});
      observers.push([o, sink]);
    } catch (e) {}
  };
  watch('largest-contentful-paint', lcps);
  watch('layout-shift', shifts);
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    for (const [o, sink] of observers) { sink.push(...o.takeRecords()); o.disconnect(); }
    if (lcps.length) {
      const last = lcps[lcps.length - 1];
      out.lcp = last.startTime;
      out.lcpElement = describe(last.element) || (last.id ? '#' + String(last.id).slice(0, 255) : '');
      out.lcpResource = String(last.url || '').slice(0, 4096);
    }
    let session = 0, first = 0, previous = 0, largest = 0;
    for (const s of shifts) {
      if (s.hadRecentInput) continue;
      if (session > 0 && s.startTime - previous < 1000 && s.startTime - first < 5000) {
        session += s.value;
      } else {
        session = s.value;
        first = s.startTime;
      }
      previous = s.startTime;
      largest = Math.max(largest, session);
    }
    out.cls = largest;
    resolve(out);
  };
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(finish, 0)));
  setTimeout(finish, 1000);
}))())js";

// Whole milliseconds left until `deadline`, rounded up: 0 only once it has passed.
std::chrono::milliseconds remaining(Clock::time_point deadline) {
  const auto left = deadline - Clock::now();
  return left.count() <= 0 ? std::chrono::milliseconds(0)
                           : std::chrono::ceil<std::chrono::milliseconds>(left);
}

double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// `j[key]` as a string, or "" when absent or of another type.
std::string str(const json& j, const char* key) {
  if (!j.is_object()) {
    return {};
  }
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// `j[key]` when it is an object, else an empty object.
const json& obj(const json& j, const char* key) {
  static const json k_empty = json::object();
  if (!j.is_object()) {
    return k_empty;
  }
  const auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : k_empty;
}

std::optional<double> number(const json& j, const char* key) {
  if (!j.is_object()) {
    return std::nullopt;
  }
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) {
    return std::nullopt;
  }
  return it->get<double>();
}

bool is_http(std::string_view url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

// Appends `url` (cut to k_max_url_chars) to `list` once, up to k_max_listed entries.
void add_unique(std::vector<std::string>& list, std::string url) {
  if (url.size() > k_max_url_chars) {
    url.resize(k_max_url_chars);
  }
  if (list.size() < k_max_listed && std::find(list.begin(), list.end(), url) == list.end()) {
    list.push_back(std::move(url));
  }
}

Error browser_gone(std::string_view what) {
  return make_error(ErrorKind::network, "chromium: " + std::string(what));
}

} // namespace

// ---------------------------------------------------------------------------------------------
// The CDP connection: numbered commands out, NUL-framed messages in, every wait bounded.

class ChromiumBrowser::Pipe {
public:
  explicit Pipe(int fd) : m_fd(fd) {}
  ~Pipe() { close(m_fd); }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;

  using EventHandler = std::function<void(const json&)>;

  bool broken() const { return !m_broken.empty(); }

  // Sends `method` with `params` (to `session` unless empty) and returns its id.
  Expected<int> send(std::string_view method, json params, const std::string& session,
                     Clock::time_point deadline) {
    if (broken()) {
      return unexpected(browser_gone(m_broken));
    }
    const int id = m_next_id++;
    json message = {{"id", id}, {"method", method}, {"params", std::move(params)}};
    if (!session.empty()) {
      message["sessionId"] = session;
    }
    std::string bytes = message.dump(-1, ' ', false, json::error_handler_t::replace);
    bytes.push_back('\0');
    size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(m_fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n > 0) {
        sent += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        const auto left = remaining(deadline);
        pollfd p{m_fd, POLLOUT, 0};
        if (left.count() > 0 && poll(&p, 1, static_cast<int>(left.count())) >= 0) {
          continue;
        }
        return unexpected(fail("it stopped reading commands"));
      }
      return unexpected(
          fail("its DevTools pipe closed (" + std::string(std::strerror(errno)) + ")"));
    }
    return id;
  }

  // The next message, or nullopt once `deadline` passed.
  Expected<std::optional<json>> next(Clock::time_point deadline) {
    for (;;) {
      if (broken()) {
        return unexpected(browser_gone(m_broken));
      }
      const auto nul = m_buffer.find('\0', m_scan);
      if (nul != std::string::npos) {
        const bool skip = m_skipping;
        m_skipping = false;
        json message;
        if (!skip) {
          message =
              json::parse(m_buffer.begin(), m_buffer.begin() + static_cast<std::ptrdiff_t>(nul),
                          nullptr, false);
        }
        m_buffer.erase(0, nul + 1);
        m_scan = 0;
        if (message.is_object()) {
          return std::optional<json>(std::move(message));
        }
        continue; // skipped, malformed or not an object
      }
      m_scan = m_buffer.size();
      if (m_buffer.size() > k_max_message_bytes) {
        m_skipping = true; // drop this message up to its NUL
        m_buffer.clear();
        m_scan = 0;
      }
      const auto left = remaining(deadline);
      if (left.count() <= 0) {
        return std::optional<json>();
      }
      pollfd p{m_fd, POLLIN, 0};
      const int ready = poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 60000)));
      if (ready < 0 && errno != EINTR) {
        return unexpected(fail("poll failed"));
      }
      if (ready <= 0) {
        continue;
      }
      const size_t old = m_buffer.size();
      m_buffer.resize(old + k_read_chunk);
      const ssize_t n = recv(m_fd, m_buffer.data() + old, k_read_chunk, 0);
      m_buffer.resize(old + (n > 0 ? static_cast<size_t>(n) : 0));
      if (n == 0) {
        return unexpected(fail("the browser exited (its DevTools pipe closed)"));
      }
      if (n < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
        return unexpected(fail("reading its DevTools pipe failed"));
      }
    }
  }

  // Sends a command and waits for its reply, handing every event that arrives meanwhile to
  // `on_event`. The reply's result, or an Error with the browser's message.
  Expected<json> call(std::string_view method, json params, const std::string& session,
                      Clock::time_point deadline, const EventHandler& on_event) {
    const int id = LG_TRY(send(method, std::move(params), session, deadline));
    for (;;) {
      auto message = LG_TRY(next(deadline));
      if (!message) {
        return unexpected(ErrorKind::network,
                          "chromium did not answer " + std::string(method) + " in time");
      }
      const auto it = message->find("id");
      if (it != message->end()) {
        if (!it->is_number_integer() || it->get<long long>() != id) {
          continue; // the reply to a command sent without waiting
        }
        const auto& error = obj(*message, "error");
        if (!error.empty()) {
          return unexpected(ErrorKind::network,
                            "chromium: " + std::string(method) + ": " + str(error, "message"));
        }
        return json(obj(*message, "result"));
      }
      if (on_event) {
        on_event(*message);
      }
    }
  }

private:
  Error fail(std::string why) {
    if (m_broken.empty()) {
      m_broken = std::move(why);
    }
    return browser_gone(m_broken);
  }

  int m_fd;
  int m_next_id = 1;
  std::string m_buffer;
  size_t m_scan = 0;
  bool m_skipping = false;
  std::string m_broken; ///< why the connection is unusable; empty while it works
};

// ---------------------------------------------------------------------------------------------
// Launch and shutdown.

namespace {

bool executable_file(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

std::optional<std::string> in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    const auto colon = dirs.find(':');
    const auto dir = dirs.substr(0, colon);
    dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
    if (dir.empty()) {
      continue;
    }
    auto candidate = std::string(dir) + "/" + name;
    if (executable_file(candidate)) {
      return candidate;
    }
  }
  return std::nullopt;
}

// Moves `fd` to a descriptor above the standard ones and 3/4 (so the child's dup2 onto 3 and 4
// never meets it), close-on-exec.
int high_fd(int fd) {
  const int moved = fcntl(fd, F_DUPFD_CLOEXEC, 10);
  close(fd);
  return moved;
}

std::string tail_of(const std::string& path, size_t bytes) {
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > bytes) {
    text.erase(0, text.size() - bytes);
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

// Kills `pid`'s process group and `pid` itself, then reaps it.
void kill_and_reap(pid_t pid) {
  kill(-pid, SIGKILL);
  kill(pid, SIGKILL);
  while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

// Waits up to `grace` for `pid` to exit; true when it was reaped.
bool wait_exit(pid_t pid, std::chrono::milliseconds grace) {
  const auto deadline = Clock::now() + grace;
  for (;;) {
    const pid_t r = waitpid(pid, nullptr, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) {
      return true;
    }
    if (Clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

} // namespace

Expected<std::string> ChromiumBrowser::find_executable(const std::string& executable) {
  std::vector<std::string> names;
  if (!executable.empty()) {
    names.push_back(executable);
  } else if (const char* env = std::getenv("LAUNCHGATE_CHROMIUM"); env != nullptr && *env) {
    names.emplace_back(env);
  } else {
    names = {"chromium", "chromium-browser"};
  }
  for (const auto& name : names) {
    if (name.find('/') != std::string::npos) {
      if (executable_file(name)) {
        return name;
      }
    } else if (auto found = in_path(name)) {
      return *found;
    }
  }
  std::string looked;
  for (const auto& name : names) {
    looked += (looked.empty() ? "" : ", ") + name;
  }
  return unexpected(ErrorKind::config,
                    "Chromium not found (looked for " + looked +
                        "; LAUNCHGATE_CHROMIUM names another): install it with "
                        "`apt-get install chromium` (Debian) to measure pages in a browser");
}

Expected<std::unique_ptr<ChromiumBrowser>> ChromiumBrowser::launch(ChromiumOptions options) {
  const auto executable = LG_TRY(find_executable(options.executable));

  std::string profile = (std::filesystem::temp_directory_path() / "launchgate-chromium-XXXXXX");
  if (mkdtemp(profile.data()) == nullptr) {
    return unexpected(ErrorKind::io, "cannot create a temporary Chromium profile: " +
                                         std::string(std::strerror(errno)));
  }
  const auto remove_profile = [&profile] {
    std::error_code ignored;
    std::filesystem::remove_all(profile, ignored);
  };
  const std::string stderr_path = profile + "/launchgate-stderr.log";
  // No preconnects or DNS prefetches (<link rel=preconnect> opens a socket that no request, and
  // so no Fetch interception, precedes): the profile's network prediction set to "never".
  {
    std::error_code ignored;
    std::filesystem::create_directories(profile + "/Default", ignored);
    std::ofstream prefs(profile + "/Default/Preferences");
    prefs << R"({"net":{"network_prediction_options":2}})";
    if (!prefs) {
      remove_profile();
      return unexpected(ErrorKind::io, "cannot write the Chromium profile's preferences");
    }
  }

  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    remove_profile();
    return unexpected(ErrorKind::internal, "socketpair failed");
  }
  const int ours = high_fd(sv[0]);
  const int theirs = high_fd(sv[1]);
  if (ours < 0 || theirs < 0) {
    close(ours);
    close(theirs);
    remove_profile();
    return unexpected(ErrorKind::internal, "fcntl failed");
  }

  std::vector<std::string> args = {
      executable,
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--no-default-browser-check",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-default-apps",
      "--disable-extensions",
      "--disable-breakpad",
      "--disable-domain-reliability",
      "--disable-client-side-phishing-detection",
      "--metrics-recording-only",
      "--password-store=basic",
      "--mute-audio",
      "--window-size=" + std::to_string(options.width) + "," + std::to_string(options.height),
      "--user-data-dir=" + profile,
      "--remote-debugging-pipe",
      "about:blank",
  };
  std::vector<char*> argv;
  for (auto& arg : args) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, theirs, 3);
  posix_spawn_file_actions_adddup2(&actions, theirs, 4);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0); // its own group: the renderers die with it
  posix_spawnattr_setflags(
      &attr,
      static_cast<short>(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF));
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, executable.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(theirs);
  if (rc != 0) {
    close(ours);
    remove_profile();
    return unexpected(ErrorKind::config,
                      "cannot start " + executable + ": " + std::string(std::strerror(rc)));
  }
  fcntl(ours, F_SETFL, fcntl(ours, F_GETFL) | O_NONBLOCK);

  std::unique_ptr<ChromiumBrowser> browser(new ChromiumBrowser());
  browser->m_options = std::move(options);
  browser->m_pipe = std::make_unique<Pipe>(ours);
  browser->m_pid = pid;
  browser->m_profile_dir = profile;

  const auto deadline = Clock::now() + browser->m_options.launch_timeout;
  auto version = browser->m_pipe->call("Browser.getVersion", json::object(), {}, deadline, {});
  if (!version) {
    auto message = version.error().message;
    browser->m_pipe.reset();
    kill_and_reap(browser->m_pid);
    browser->m_pid = -1;
    const auto log = tail_of(stderr_path, 1500);
    return unexpected(ErrorKind::network, executable + " did not start: " + message +
                                              (log.empty() ? "" : "; its stderr ends: " + log));
  }
  browser->m_product = str(*version, "product");
  return browser;
}

ChromiumBrowser::~ChromiumBrowser() {
  if (m_pid > 0) {
    bool exited = false;
    if (m_pipe && !m_pipe->broken()) {
      const auto deadline = Clock::now() + std::chrono::milliseconds(500);
      if (m_pipe->send("Browser.close", json::object(), {}, deadline)) {
        exited = wait_exit(m_pid, k_close_grace);
      }
    }
    if (!exited) {
      kill_and_reap(m_pid);
    }
    kill(-m_pid, SIGKILL); // any process of its group still alive
  }
  m_pipe.reset();
  if (!m_profile_dir.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(m_profile_dir, ignored);
  }
}

// ---------------------------------------------------------------------------------------------
// One visit.

namespace {

// The state of one visit, fed by the events of the page's session and of every session attached
// below it.
class VisitRun {
public:
  VisitRun(ChromiumBrowser::Pipe& pipe, const ChromiumOptions& options, Clock::time_point deadline)
      : m_pipe(pipe), m_options(options), m_deadline(deadline) {}

  std::string page_session;
  std::string loader_id;
  bool crashed = false;
  std::vector<std::string> scripts;
  std::vector<std::string> source_maps;
  std::vector<std::string> blocked;
  std::unordered_set<std::string> loads; ///< loader ids whose main-frame load event fired
  std::unordered_map<std::string, int> document_status; ///< by request id (= loader id)
  std::unordered_set<std::string> document_urls;
  Clock::time_point last_activity = Clock::now();

  size_t in_flight() const { return m_in_flight.size(); }

  // Prepares a frame or worker attached below the page, which waits for the debugger: scope
  // first, then the domains whose events the measurement reads, then let it run. Sent without
  // waiting (the browser handles a session's commands in order); the page's own session is
  // prepared with checked calls (visit()).
  void prepare_child(const std::string& session, const std::string& type) {
    const auto d = m_deadline;
    (void)m_pipe.send("Fetch.enable", fetch_all(), session, d);
    if (type == "iframe") {
      (void)m_pipe.send("Page.addScriptToEvaluateOnNewDocument",
                        {{"source", k_no_websockets}, {"runImmediately", true}}, session, d);
    } else {
      (void)m_pipe.send("Runtime.evaluate", {{"expression", k_no_websockets}}, session, d);
    }
    (void)m_pipe.send("Network.enable", json::object(), session, d);
    (void)m_pipe.send("Debugger.enable", json::object(), session, d);
    (void)m_pipe.send("Debugger.setSkipAllPauses", {{"skip", true}}, session, d);
    (void)m_pipe.send("Target.setAutoAttach", auto_attach(), session, d);
    (void)m_pipe.send("Runtime.runIfWaitingForDebugger", json::object(), session, d);
  }

  static json fetch_all() { return {{"patterns", json::array({{{"urlPattern", "*"}}})}}; }
  static json auto_attach() {
    return {{"autoAttach", true}, {"waitForDebuggerOnStart", true}, {"flatten", true}};
  }

  void on_event(const json& message) {
    const auto method = str(message, "method");
    const auto session = str(message, "sessionId");
    const auto& params = obj(message, "params");
    if (method == "Fetch.requestPaused") {
      const auto url = str(obj(params, "request"), "url");
      const auto id = str(params, "requestId");
      if (!m_options.in_scope || m_options.in_scope(url)) {
        (void)m_pipe.send("Fetch.continueRequest", {{"requestId", id}}, session, m_deadline);
      } else {
        add_unique(blocked, url);
        (void)m_pipe.send("Fetch.failRequest",
                          {{"requestId", id}, {"errorReason", "BlockedByClient"}}, session,
                          m_deadline);
      }
    } else if (method == "Network.requestWillBeSent") {
      // Keyed by request id alone: a worker's script is announced on the page's session and
      // finished on the worker's.
      if (m_in_flight.size() < k_max_tracked) {
        m_in_flight.emplace(str(params, "requestId"), session);
      }
      last_activity = Clock::now();
    } else if (method == "Network.loadingFinished" || method == "Network.loadingFailed") {
      m_in_flight.erase(str(params, "requestId"));
      last_activity = Clock::now();
    } else if (method == "Network.responseReceived") {
      const auto& response = obj(params, "response");
      const auto type = str(params, "type");
      const auto url = str(response, "url");
      if (type == "Document") {
        if (session == page_session && document_status.size() < k_max_listed) {
          const auto status = number(response, "status");
          document_status[str(params, "requestId")] = status ? static_cast<int>(*status) : 0;
        }
        if (document_urls.size() < k_max_listed) {
          document_urls.insert(url);
        }
      } else if (type == "Script" && is_http(url)) {
        add_unique(scripts, url);
      }
    } else if (method == "Debugger.scriptParsed") {
      const auto url = str(params, "url");
      if (is_http(url) && document_urls.count(url) == 0) {
        add_unique(scripts, url);
      }
      const auto map = str(params, "sourceMapURL");
      if (!map.empty() && map.rfind("data:", 0) != 0) {
        auto resolved = is_http(url) ? resolve_url(url, map) : Expected<std::string>(map);
        if (resolved && is_http(*resolved)) {
          add_unique(source_maps, *resolved);
        }
      }
    } else if (method == "Page.lifecycleEvent") {
      if (session == page_session && str(params, "name") == "load" && loads.size() < k_max_listed) {
        loads.insert(str(params, "loaderId"));
      }
    } else if (method == "Target.attachedToTarget") {
      const auto child = str(params, "sessionId");
      if (!child.empty()) {
        prepare_child(child, str(obj(params, "targetInfo"), "type"));
      }
    } else if (method == "Target.detachedFromTarget") {
      // A frame or worker gone: its requests will report nothing more.
      const auto child = str(params, "sessionId");
      crashed = crashed || child == page_session;
      std::erase_if(m_in_flight, [&child](const auto& entry) { return entry.second == child; });
    } else if (method == "Inspector.targetCrashed" && session == page_session) {
      crashed = true;
    }
  }

private:
  ChromiumBrowser::Pipe& m_pipe;
  const ChromiumOptions& m_options;
  Clock::time_point m_deadline;
  std::unordered_map<std::string, std::string> m_in_flight; ///< request id → its session
};

} // namespace

Expected<PageTiming> ChromiumBrowser::visit(const PageVisit& visit) {
  const std::lock_guard lock(m_mutex);
  if (!m_pipe || m_pipe->broken()) {
    return unexpected(ErrorKind::network, "chromium is not running");
  }
  if (m_options.in_scope && !m_options.in_scope(visit.url)) {
    return unexpected(ErrorKind::out_of_scope, visit.url + " is out of scope");
  }
  // Keep the browser's stderr file bounded across a long run.
  struct stat st {};
  const auto stderr_path = m_profile_dir + "/launchgate-stderr.log";
  if (stat(stderr_path.c_str(), &st) == 0 && st.st_size > k_max_stderr_bytes) {
    (void)truncate(stderr_path.c_str(), 0);
  }

  const auto started = Clock::now();
  const auto deadline = started + visit.timeout;
  // The last part of the timeout is kept for reading the metrics.
  const auto reserve =
      std::min<std::chrono::milliseconds>(std::chrono::milliseconds(2000), visit.timeout / 4);
  const auto wait_deadline = deadline - reserve;
  Pipe& pipe = *m_pipe;
  VisitRun run(pipe, m_options, deadline);
  const auto handler = [&run](const json& message) { run.on_event(message); };

  // A tab of its own, on a flattened session.
  const auto created =
      LG_TRY(pipe.call("Target.createTarget", {{"url", "about:blank"}}, {}, deadline, handler));
  const auto target = str(created, "targetId");
  auto result = [&]() -> Expected<PageTiming> {
    const auto attached = LG_TRY(pipe.call(
        "Target.attachToTarget", {{"targetId", target}, {"flatten", true}}, {}, deadline, handler));
    run.page_session = str(attached, "sessionId");
    const auto& s = run.page_session;
    LG_TRY(pipe.call("Page.enable", json::object(), s, deadline, handler));
    LG_TRY(pipe.call("Page.setLifecycleEventsEnabled", {{"enabled", true}}, s, deadline, handler));
    LG_TRY(pipe.call("Fetch.enable", VisitRun::fetch_all(), s, deadline, handler));
    LG_TRY(pipe.call("Network.enable", json::object(), s, deadline, handler));
    LG_TRY(pipe.call("Page.addScriptToEvaluateOnNewDocument",
                     {{"source", k_no_websockets}, {"runImmediately", true}}, s, deadline,
                     handler));
    LG_TRY(pipe.call("Debugger.enable", json::object(), s, deadline, handler));
    LG_TRY(pipe.call("Debugger.setSkipAllPauses", {{"skip", true}}, s, deadline, handler));
    LG_TRY(pipe.call("Target.setAutoAttach", VisitRun::auto_attach(), s, deadline, handler));
    LG_TRY(pipe.call("Network.setBypassServiceWorker", {{"bypass", true}}, s, deadline, handler));
    if (visit.cold) {
      LG_TRY(pipe.call("Network.clearBrowserCache", json::object(), s, deadline, handler));
      LG_TRY(pipe.call("Network.clearBrowserCookies", json::object(), s, deadline, handler));
    }
    if (!visit.cookies.empty()) {
      json cookies = json::array();
      for (const auto& c : visit.cookies) {
        json cookie = {{"name", c.name},
                       {"value", c.value},
                       {"path", c.path},
                       {"secure", c.secure},
                       {"httpOnly", c.http_only}};
        if (c.domain.empty()) {
          cookie["url"] = visit.url;
        } else {
          cookie["domain"] = c.domain;
        }
        cookies.push_back(std::move(cookie));
      }
      LG_TRY(pipe.call("Network.setCookies", {{"cookies", cookies}}, s, deadline, handler));
    }
    if (visit.cpu_slowdown > 1) {
      LG_TRY(pipe.call("Emulation.setCPUThrottlingRate", {{"rate", visit.cpu_slowdown}}, s,
                       deadline, handler));
    }
    const auto& net = visit.network;
    if (net.latency_ms > 0 || net.download_bytes_per_s > 0 || net.upload_bytes_per_s > 0) {
      LG_TRY(pipe.call(
          "Network.emulateNetworkConditions",
          {{"offline", false},
           {"latency", net.latency_ms},
           {"downloadThroughput", net.download_bytes_per_s > 0 ? net.download_bytes_per_s : -1.0},
           {"uploadThroughput", net.upload_bytes_per_s > 0 ? net.upload_bytes_per_s : -1.0}},
          s, deadline, handler));
    }

    // Navigate, then wait for the load event and a quiet network.
    const auto navigation_started = Clock::now();
    auto navigation = pipe.call("Page.navigate", {{"url", visit.url}}, s, deadline, handler);
    if (!navigation && !pipe.broken() && Clock::now() >= deadline) {
      return unexpected(ErrorKind::network, visit.url + ": no response within " +
                                                std::to_string(visit.timeout.count()) + " ms");
    }
    const auto navigated = LG_TRY(std::move(navigation));
    const auto error_text = str(navigated, "errorText");
    if (!error_text.empty()) {
      if (std::find(run.blocked.begin(), run.blocked.end(), visit.url) != run.blocked.end()) {
        return unexpected(ErrorKind::out_of_scope, visit.url + " is out of scope");
      }
      return unexpected(ErrorKind::network, visit.url + ": " + error_text);
    }
    run.loader_id = str(navigated, "loaderId");
    PageTiming timing;
    run.last_activity = Clock::now();
    for (;;) {
      if (run.crashed) {
        return unexpected(ErrorKind::network, visit.url + ": the page crashed");
      }
      timing.loaded = run.loads.count(run.loader_id) > 0;
      const auto now = Clock::now();
      const bool idle = run.in_flight() == 0;
      if (timing.loaded && idle && now - run.last_activity >= visit.quiet) {
        timing.network_quiet = true;
        break;
      }
      if (now >= wait_deadline) {
        break;
      }
      auto until = wait_deadline;
      if (timing.loaded && idle) {
        until = std::min(until, run.last_activity + visit.quiet);
      }
      const auto message = LG_TRY(pipe.next(until));
      if (message) {
        run.on_event(*message);
      }
    }

    // Read the metrics from the page.
    const auto evaluated = LG_TRY(pipe.call(
        "Runtime.evaluate",
        {{"expression", k_metrics_script}, {"awaitPromise", true}, {"returnByValue", true}}, s,
        deadline, handler));
    timing.elapsed_ms = ms_between(navigation_started, Clock::now());
    const auto& exception = obj(evaluated, "exceptionDetails");
    const auto& value = obj(obj(evaluated, "result"), "value");
    if (!exception.empty() || value.empty()) {
      return unexpected(ErrorKind::internal, visit.url +
                                                 ": the page's metrics could not be read: " +
                                                 str(obj(exception, "exception"), "description") +
                                                 str(exception, "text"));
    }
    timing.url = str(value, "url");
    timing.status = static_cast<int>(number(value, "status").value_or(0));
    if (timing.status == 0) {
      const auto it = run.document_status.find(run.loader_id);
      timing.status = it != run.document_status.end() ? it->second : 0;
    }
    timing.ttfb_ms = number(value, "ttfb").value_or(0);
    timing.fcp_ms = number(value, "fcp");
    timing.lcp_ms = number(value, "lcp");
    timing.lcp_element = str(value, "lcpElement");
    timing.lcp_resource = str(value, "lcpResource");
    timing.cls = number(value, "cls").value_or(0);
    timing.scripts = run.scripts;
    timing.source_maps = run.source_maps;
    timing.blocked = run.blocked;
    return timing;
  }();

  // Close the tab whatever happened (unless the browser itself is gone).
  if (!target.empty() && !pipe.broken()) {
    auto closed = pipe.call("Target.closeTarget", {{"targetId", target}}, {},
                            Clock::now() + k_close_tab_timeout, handler);
    (void)closed;
  }
  return result;
}

} // namespace lg::net
