// portal-load: an open-loop HTTP load generator for the sample portal. Requests leave on a fixed
// arrival schedule (RATE per second, for SECONDS) through one libcurl multi handle, whatever the
// server's speed, and each latency is measured from its scheduled start, so a stalled server
// shows up as latency instead of as a lower send rate (no coordinated omission). Prints
// p50/p90/p95/p99/max per action: list, read, save (PUT) and search.

#include <curl/curl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Config {
  std::string url;
  std::string token;
  int rate = 100;
  int seconds = 20;
  std::vector<std::string> actions{"list", "read", "save", "search"};
};

struct MultiCleanup {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};
struct EasyCleanup {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct ListCleanup {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// One request in flight: owns everything libcurl points into until it completes.
struct InFlight {
  std::unique_ptr<CURL, EasyCleanup> easy;
  std::unique_ptr<curl_slist, ListCleanup> headers;
  std::string url;
  std::string body;
  std::string response;
  Clock::time_point scheduled;
};

std::size_t sink(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

constexpr std::string_view k_queries[] = {"invoice", "shipment", "northwind", "delayed", "renewal"};

std::unique_ptr<InFlight> make_request(const Config& cfg, std::string_view action, std::size_t n,
                                       const std::vector<std::int64_t>& ids) {
  auto req = std::make_unique<InFlight>();
  req->easy.reset(curl_easy_init());
  const auto id = ids[n % ids.size()];
  curl_slist* headers = curl_slist_append(nullptr, ("Authorization: Bearer " + cfg.token).c_str());
  if (action == "list") {
    req->url = cfg.url + "/api/records?limit=50";
  } else if (action == "read") {
    req->url = fmt::format("{}/api/records/{}", cfg.url, id);
  } else if (action == "search") {
    req->url = fmt::format("{}/api/records?q={}", cfg.url, k_queries[n % std::size(k_queries)]);
  } else {
    req->url = fmt::format("{}/api/records/{}", cfg.url, id);
    req->body = nlohmann::json{{"title", fmt::format("Benchmark save #{}", n)},
                               {"body", "Updated by portal-load: confirm delivery window, "
                                        "check the invoice total and notify the customer."}}
                    .dump();
    headers = curl_slist_append(headers, "Content-Type: application/json");
  }
  req->headers.reset(headers);
  CURL* h = req->easy.get();
  curl_easy_setopt(h, CURLOPT_URL, req->url.c_str());
  curl_easy_setopt(h, CURLOPT_PROXY, "");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, req->headers.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &sink);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &req->response);
  curl_easy_setopt(h, CURLOPT_PRIVATE, req.get());
  if (!req->body.empty()) {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PUT");
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req->body.size()));
  }
  return req;
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) {
    return 0.0;
  }
  // Nearest-rank percentile.
  const auto rank =
      static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size()) + 0.999999);
  return sorted[std::min(sorted.size(), std::max<std::size_t>(rank, 1)) - 1];
}

// Runs one action for cfg.seconds at cfg.rate; prints one result line. False on any failure.
bool run_action(const Config& cfg, std::string_view action, const std::vector<std::int64_t>& ids) {
  const std::unique_ptr<CURLM, MultiCleanup> multi(curl_multi_init());
  curl_multi_setopt(multi.get(), CURLMOPT_MAX_HOST_CONNECTIONS, 8L);
  const auto total = static_cast<std::size_t>(cfg.rate) * static_cast<std::size_t>(cfg.seconds);
  const auto interval = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(1.0 / static_cast<double>(cfg.rate)));
  std::vector<std::unique_ptr<InFlight>> in_flight;
  std::vector<double> latencies_ms;
  latencies_ms.reserve(total);
  std::size_t sent = 0;
  std::size_t errors = 0;
  const auto start = Clock::now();
  // Bounded: every request is scheduled within cfg.seconds and has a 10 s timeout.
  while (sent < total || !in_flight.empty()) {
    const auto now = Clock::now();
    while (sent < total && start + interval * static_cast<long>(sent) <= now) {
      auto req = make_request(cfg, action, sent, ids);
      req->scheduled = start + interval * static_cast<long>(sent);
      curl_multi_add_handle(multi.get(), req->easy.get());
      in_flight.push_back(std::move(req));
      ++sent;
    }
    int running = 0;
    curl_multi_perform(multi.get(), &running);
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi.get(), &queued)) {
      if (msg->msg != CURLMSG_DONE) {
        continue;
      }
      const auto done = Clock::now();
      InFlight* req = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &req);
      long status = 0;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
      if (msg->data.result != CURLE_OK || status < 200 || status >= 300) {
        ++errors;
      }
      latencies_ms.push_back(
          std::chrono::duration<double, std::milli>(done - req->scheduled).count());
      curl_multi_remove_handle(multi.get(), msg->easy_handle);
      std::erase_if(in_flight, [req](const auto& p) { return p.get() == req; });
    }
    const auto next = start + interval * static_cast<long>(sent);
    const auto wait =
        sent < total ? std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now())
                     : std::chrono::milliseconds(5);
    curl_multi_poll(multi.get(), nullptr, 0, static_cast<int>(std::clamp<long>(wait.count(), 0, 5)),
                    nullptr);
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(latencies_ms.begin(), latencies_ms.end());
  const double p95 = percentile(latencies_ms, 95);
  fmt::print(
      "{:<7} {:>6} {:>6} {:>8.1f} {:>7.2f} {:>7.2f} {:>7.2f} {:>7.2f} {:>8.2f}  {}\n", action,
      latencies_ms.size(), errors, static_cast<double>(latencies_ms.size()) / elapsed,
      percentile(latencies_ms, 50), percentile(latencies_ms, 90), p95, percentile(latencies_ms, 99),
      latencies_ms.empty() ? 0.0 : latencies_ms.back(), p95 < 50.0 && errors == 0 ? "ok" : "FAIL");
  return errors == 0;
}

// The ids of the records visible to the token (the first 200), for read and save.
std::vector<std::int64_t> fetch_ids(const Config& cfg) {
  std::vector<std::int64_t> ids;
  const std::unique_ptr<CURL, EasyCleanup> easy(curl_easy_init());
  const std::unique_ptr<curl_slist, ListCleanup> headers(
      curl_slist_append(nullptr, ("Authorization: Bearer " + cfg.token).c_str()));
  std::string body;
  const auto url = cfg.url + "/api/records?limit=200";
  curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy.get(), CURLOPT_PROXY, "");
  curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &sink);
  curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &body);
  if (curl_easy_perform(easy.get()) != CURLE_OK) {
    return ids;
  }
  const auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_object() && doc.contains("records")) {
    for (const auto& record : doc["records"]) {
      ids.push_back(record["id"].get<std::int64_t>());
    }
  }
  return ids;
}

int usage() {
  fmt::print(stderr, "usage: portal-load --url http://127.0.0.1:PORT [--rate N] [--seconds N] "
                     "[--action list|read|save|search]...\n"
                     "The session token is read from $PORTAL_TOKEN.\n");
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  Config cfg;
  bool custom_actions = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) {
      return usage();
    }
    const std::string value = argv[++i];
    if (arg == "--url") {
      cfg.url = value;
    } else if (arg == "--rate") {
      cfg.rate = std::atoi(value.c_str());
    } else if (arg == "--seconds") {
      cfg.seconds = std::atoi(value.c_str());
    } else if (arg == "--action") {
      if (!custom_actions) {
        cfg.actions.clear();
        custom_actions = true;
      }
      cfg.actions.push_back(value);
    } else {
      return usage();
    }
  }
  const char* token = std::getenv("PORTAL_TOKEN");
  if (cfg.url.empty() || token == nullptr || cfg.rate < 1 || cfg.rate > 10000 || cfg.seconds < 1 ||
      cfg.seconds > 3600) {
    return usage();
  }
  cfg.token = token;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const auto ids = fetch_ids(cfg);
  if (ids.empty()) {
    fmt::print(stderr, "portal-load: could not list records at {} (bad token?)\n", cfg.url);
    return 1;
  }
  fmt::print("# {} req/s for {} s per action against {}; latency in ms from scheduled start\n",
             cfg.rate, cfg.seconds, cfg.url);
  fmt::print("{:<7} {:>6} {:>6} {:>8} {:>7} {:>7} {:>7} {:>7} {:>8}  {}\n", "action", "reqs",
             "errors", "rate/s", "p50", "p90", "p95", "p99", "max", "p95<50");
  bool ok = true;
  for (const auto& action : cfg.actions) {
    if (action != "list" && action != "read" && action != "save" && action != "search") {
      return usage();
    }
    ok = run_action(cfg, action, ids) && ok;
  }
  curl_global_cleanup();
  return ok ? 0 : 1;
}
