// URL parsing and reference resolution on libcurl's CURLU handle, so that the scope guard decides
// on exactly the host that libcurl will connect to.

#include "util/url.hpp"

#include "util/text.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <memory>

namespace lg {
namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

struct CurlString {
  char* p = nullptr;
  CurlString() = default;
  ~CurlString() { curl_free(p); }
  // Owns `p`: a copy would free it twice.
  CurlString(const CurlString&) = delete;
  CurlString& operator=(const CurlString&) = delete;
  CurlString(CurlString&&) = delete;
  CurlString& operator=(CurlString&&) = delete;
};

Expected<std::string> get_part(CURLU* u, CURLUPart part, unsigned flags) {
  CurlString s;
  CURLUcode rc = curl_url_get(u, part, &s.p, flags);
  if (rc != CURLUE_OK)
    return unexpected(ErrorKind::parse, curl_url_strerror(rc));
  return std::string(s.p != nullptr ? s.p : "");
}

} // namespace

std::string Url::origin() const {
  bool v6 = host.find(':') != std::string::npos;
  bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  return fmt::format("{}://{}{}{}{}", scheme, v6 ? "[" : "", host, v6 ? "]" : "",
                     default_port ? "" : fmt::format(":{}", port));
}

Expected<Url> parse_url(std::string_view text) {
  UrlHandle u(curl_url());
  if (!u)
    return unexpected(ErrorKind::internal, "out of memory");
  std::string s(text);
  CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, s.c_str(), 0);
  if (rc != CURLUE_OK)
    return unexpected(ErrorKind::parse, "'" + s + "' is not a valid URL: " + curl_url_strerror(rc));
  Url out;
  out.scheme = to_lower(LG_TRY(get_part(u.get(), CURLUPART_SCHEME, 0)));
  std::string host = LG_TRY(get_part(u.get(), CURLUPART_HOST, 0));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  out.host = to_lower(host);
  std::string port = LG_TRY(get_part(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT));
  out.port = std::stoi(port);
  std::string path = LG_TRY(get_part(u.get(), CURLUPART_PATH, 0));
  CurlString query;
  if (curl_url_get(u.get(), CURLUPART_QUERY, &query.p, 0) == CURLUE_OK && query.p != nullptr)
    path += std::string("?") + query.p;
  out.path = path.empty() ? "/" : path;
  return out;
}

Expected<std::string> resolve_url(std::string_view base, std::string_view ref) {
  UrlHandle u(curl_url());
  if (!u)
    return unexpected(ErrorKind::internal, "out of memory");
  std::string b(base);
  std::string r(ref);
  if (curl_url_set(u.get(), CURLUPART_URL, b.c_str(), 0) != CURLUE_OK)
    return unexpected(ErrorKind::parse, "'" + b + "' is not a valid URL");
  CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, r.c_str(), 0);
  if (rc != CURLUE_OK)
    return unexpected(ErrorKind::parse, "cannot resolve '" + r + "': " + curl_url_strerror(rc));
  return get_part(u.get(), CURLUPART_URL, 0);
}

std::string url_encode(std::string_view text) {
  char* e = curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size()));
  std::string out = e != nullptr ? e : "";
  curl_free(e);
  return out;
}

} // namespace lg
