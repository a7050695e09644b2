// observability.error-logging (ASVS 7.1, OWASP A09:2021): each request the gate made fail (an
// unknown route, a request without a session, a malformed body, logs.error_request, and the
// log-leaks canaries' refused requests) must be in the logs — found by the X-Request-Id it
// carried — with a timestamp, its method, its path and its status. A failure logged without the
// request id, a line missing one of those, and a failure not logged at all are findings.

#include "checks/observability/probes.hpp"
#include "checks/registry.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <set>

namespace lg::checks {

namespace {

using observability::Probe;

/// What a log line says about one request.
struct Fields {
  bool timestamp = false, method = false, path = false, status = false;
};

bool is_time_key(std::string key) {
  key = to_lower(key);
  return key == "ts" || key == "time" || key == "timestamp" || key == "@timestamp" ||
         key == "date" || key == "datetime" || key == "t" || key.ends_with("_time") ||
         key.ends_with("_at");
}

void collect(const nlohmann::json& value, const std::string& key, const Probe& probe, Fields& f,
             int depth) {
  if (depth > 4)
    return;
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it)
      collect(it.value(), it.key(), probe, f, depth + 1);
    return;
  }
  if (value.is_array()) {
    for (const auto& item : value)
      collect(item, key, probe, f, depth + 1);
    return;
  }
  if (is_time_key(key) && (value.is_string() || value.is_number()))
    f.timestamp = true;
  if (value.is_number_integer() && value.get<long long>() == probe.status)
    f.status = true;
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    f.method = f.method || iequals(s, probe.method);
    f.path = f.path || s.find(probe.path) != std::string::npos;
    f.status = f.status || s == std::to_string(probe.status);
  }
}

/// Whether `text` holds `word` between non-alphanumeric characters.
bool has_word(std::string_view text, std::string_view word) {
  for (size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
    bool left = at == 0 || std::isalnum(static_cast<unsigned char>(text[at - 1])) == 0;
    size_t end = at + word.size();
    bool right = end == text.size() || std::isalnum(static_cast<unsigned char>(text[end])) == 0;
    if (left && right)
      return true;
  }
  return false;
}

/// A date and time in the line: 2026-11-29T22:15:03, 2026-11-29 22:15:03, 29/Nov/2026:22:15:03
/// (common log format) or a syslog "Nov 29 22:15:03".
bool text_timestamp(std::string_view text) {
  const auto digit = [&](size_t i) {
    return i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0;
  };
  for (size_t i = 0; i + 8 <= text.size(); ++i) {
    // hh:mm:ss
    if (digit(i) && digit(i + 1) && text[i + 2] == ':' && digit(i + 3) && digit(i + 4) &&
        i + 5 < text.size() && text[i + 5] == ':' && digit(i + 6) && digit(i + 7) && i >= 3) {
      // preceded by a date: "YYYY-MM-DD[T ]", "YYYY:" (CLF) or "Mon DD "
      char before = text[i - 1];
      if (before == 'T' || before == ' ' || before == ':')
        return true;
    }
  }
  return false;
}

Fields fields_of(const std::string& line, const Probe& probe) {
  Fields f;
  auto start = line.find('{');
  if (start != std::string::npos) {
    auto doc = nlohmann::json::parse(line.substr(start), nullptr, false);
    if (!doc.is_discarded() && doc.is_object()) {
      collect(doc, "", probe, f, 0);
      if (!f.timestamp) // a timestamp before the JSON (journald, docker prefixes)
        f.timestamp = text_timestamp(std::string_view(line).substr(0, start));
      return f;
    }
  }
  f.timestamp = text_timestamp(line);
  f.method = has_word(line, probe.method);
  f.path = line.find(probe.path) != std::string::npos;
  f.status = has_word(line, std::to_string(probe.status));
  return f;
}

} // namespace

CheckResult run_observability_error_logging(engine::Context& context, const CheckMeta& meta) {
  const auto& sent = observability::probes(context);
  if (sent.sources.empty())
    return observability::no_logs(meta);
  const auto& written = sent.written;
  std::vector<Finding> findings;
  std::vector<std::string> judged, unjudged = sent.notes;
  std::set<const engine::LogLine*> claimed; // a line found without an id stands for one probe
  for (const auto& probe : sent.probes) {
    if (probe.status == 0) {
      unjudged.push_back(fmt::format("{} got no answer ({})", probe.what, probe.error));
      continue;
    }
    if (probe.status < 400) {
      unjudged.push_back(fmt::format("{} ({} {}) was answered {}: not a failure", probe.what,
                                     probe.method, probe.path, probe.status));
      continue;
    }
    judged.push_back(fmt::format("{} ({})", probe.what, probe.status));
    nlohmann::json evidence = {{"method", probe.method},
                               {"path", probe.path},
                               {"status", probe.status},
                               {"request_id", probe.request_id}};
    Finding f;
    auto lines = observability::lines_with(written, probe.request_id);
    if (!lines.empty()) {
      const auto& line = *lines.front();
      Fields got = fields_of(line.text, probe);
      std::vector<std::string> missing;
      if (!got.timestamp)
        missing.push_back("a timestamp");
      if (!got.method)
        missing.push_back("the method");
      if (!got.path)
        missing.push_back("the path");
      if (!got.status)
        missing.push_back("the status");
      if (missing.empty())
        continue;
      f.message = fmt::format("{} ({} {}, {}) is logged without {}", probe.what, probe.method,
                              probe.path, probe.status, join(missing, ", "));
      f.location = Location{line.source, static_cast<int>(line.line), ""};
      evidence["line"] = observability::scrubbed(sent, context.config(), line.text);
      f.fingerprint = make_fingerprint(meta.id, {probe.what, "fields"});
    } else {
      // Not by its id: a line with its path and status is the failure logged without the id.
      const engine::LogLine* bare = nullptr;
      for (const auto* line : observability::lines_with(written, probe.path))
        if (bare == nullptr && !claimed.contains(line) &&
            has_word(line->text, std::to_string(probe.status)))
          bare = line;
      if (bare != nullptr) {
        claimed.insert(bare);
        f.message =
            fmt::format("{} ({} {}, {}) is logged without the request id it carried "
                        "(X-Request-Id: {}): nothing ties a user's report to the line",
                        probe.what, probe.method, probe.path, probe.status, probe.request_id);
        f.location = Location{bare->source, static_cast<int>(bare->line), ""};
        evidence["line"] = observability::scrubbed(sent, context.config(), bare->text);
        f.fingerprint = make_fingerprint(meta.id, {probe.what, "request-id"});
      } else {
        f.message = fmt::format("{} ({} {}, answered {}) is not in the logs within {:g} s of "
                                "being sent",
                                probe.what, probe.method, probe.path, probe.status,
                                static_cast<double>(context.config().logs.wait_ms) / 1000.0);
        f.fingerprint = make_fingerprint(meta.id, {probe.what, "missing"});
      }
    }
    f.evidence = std::move(evidence);
    findings.push_back(std::move(f));
  }
  std::string summary =
      fmt::format("{} failure(s) sent ({}); {} log line(s) written meanwhile in {} file(s){}",
                  judged.size(), join(judged, ", "), written.lines.size(), written.files,
                  sent.sources.command.empty() ? "" : " and logs.command");
  if (!unjudged.empty())
    summary += "; not judged: " + join(unjudged, "; ");
  if (!written.notes.empty())
    summary += "; " + join(written.notes, "; ");
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), true, summary);
  if (judged.empty())
    return engine::errored(meta, "no request failed, so no failure's logging could be judged: " +
                                     summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
