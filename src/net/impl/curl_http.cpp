// net::HttpClient on a libcurl easy handle: timeouts, a body size cap enforced while receiving
// (decoded bytes, so a compressed bomb is cut too), HTTP/HTTPS only, no redirects, no proxies.

#include "net/impl/curl_http.hpp"

#include "core/guard.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

#include <curl/curl.h>

#include <fmt/format.h>
#include <mutex>

namespace lg::net {
namespace {

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

struct Sink {
  HttpResponse* response = nullptr;
  long long cap = 0;
  bool in_headers_of_final = true;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t len = size * n;
  auto room = static_cast<size_t>(sink->cap) -
              std::min(sink->response->body.size(), static_cast<size_t>(sink->cap));
  if (len > room) {
    sink->response->body.append(data, room);
    sink->response->truncated = true;
    return 0; // aborts the transfer with CURLE_WRITE_ERROR
  }
  sink->response->body.append(data, len);
  return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t len = size * n;
  std::string_view line(data, len);
  if (line.starts_with("HTTP/")) {
    sink->response->headers.clear(); // a new response (after 100 Continue)
    return len;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos && sink->response->headers.size() < 500)
    sink->response->headers.push_back(
        {std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1)))});
  return len;
}

} // namespace

struct CurlHttpClient::Impl {
  CurlOptions options;
  std::unique_ptr<CURL, EasyDeleter> easy;
};

CurlHttpClient::CurlHttpClient(CurlOptions options) : m_impl(std::make_unique<Impl>()) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  m_impl->options = std::move(options);
}

CurlHttpClient::~CurlHttpClient() = default;

Expected<HttpResponse> CurlHttpClient::send(const HttpRequest& request) {
  if (!m_impl->easy)
    m_impl->easy.reset(curl_easy_init());
  CURL* c = m_impl->easy.get();
  if (c == nullptr)
    return unexpected(ErrorKind::internal, "curl_easy_init failed");
  curl_easy_reset(c);
  const auto& o = m_impl->options;

  HttpResponse response;
  Sink sink{&response, o.max_body_bytes};
  std::unique_ptr<curl_slist, ListDeleter> headers;
  for (const auto& h : request.headers) {
    std::string line = h.value.empty() ? h.name + ";" : h.name + ": " + h.value;
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  }

  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROXY, "");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(o.timeout_ms));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout_ms));
  curl_easy_setopt(c, CURLOPT_USERAGENT, o.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  if (!o.ca_file.empty()) {
    // With OpenSSL, libcurl trusts CAINFO and CAPATH together: the extra file and the system's.
    curl_easy_setopt(c, CURLOPT_CAINFO, o.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_CAPATH, "/etc/ssl/certs");
  }
  std::unique_ptr<curl_slist, ListDeleter> connect_to;
  if (!request.connect_address.empty()) {
    auto url = parse_url(request.url);
    if (!url)
      return unexpected(url.error());
    bool v6 = request.connect_address.find(':') != std::string::npos;
    std::string entry =
        fmt::format("{}:{}:{}:{}", url->host, url->port,
                    v6 ? "[" + request.connect_address + "]" : request.connect_address, url->port);
    connect_to.reset(curl_slist_append(nullptr, entry.c_str()));
    curl_easy_setopt(c, CURLOPT_CONNECT_TO, connect_to.get());
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
  if (request.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET" || !request.body.empty()) {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    // A body (even an empty one) only where the method carries one: DELETE and OPTIONS without
    // a body go without Content-Type and Content-Length.
    bool has_body = !request.body.empty() || request.method == "POST" || request.method == "PUT" ||
                    request.method == "PATCH";
    if (has_body) {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
  }

  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && response.truncated))
    return unexpected(
        ErrorKind::network,
        fmt::format("{} {}: {}", request.method, redact_url(request.url), curl_easy_strerror(rc)));
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  double total = 0;
  curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &total);
  response.elapsed_ms = total * 1000.0;
  response.url = request.url;
  return response;
}

} // namespace lg::net
