#pragma once
// The input gate's probes, sent once per run and judged by its four checks: bad values for every
// parameter of every operation (query and path parameters always; JSON bodies of writes only
// with --allow-writes), and the injection comparisons that need several answers.

#include "engine/context.hpp"

#include <deque>
#include <string>
#include <vector>

namespace lg::checks::input {

/// What a probe tries, and so which check judges its answer.
enum class ProbeKind { malformed, oversize, injection };

/// One probe and its answer.
struct ProbeResult {
  const analyze::Operation* op = nullptr;
  std::string param; ///< "q", "{id}", "body.title", "body"
  ProbeKind kind = ProbeKind::malformed;
  std::string what;         ///< "malformed JSON", "a 1 MiB string", "a single quote" ...
  bool must_refuse = false; ///< only a 4xx is right (malformed JSON, wrong types, missing fields)
  std::string account;      ///< who sent it ("" anonymous)
  net::HttpRequest request;
  bool answered = false;
  std::string failure; ///< why there was no answer (timeout, connection dropped)
  int status = 0;
  std::string body;
  std::string content_type;
  double elapsed_ms = 0;
};

/// A sign of injection found by comparing answers.
struct InjectionSign {
  const analyze::Operation* op = nullptr;
  std::string param;
  std::string technique; ///< "boolean", "error", "time", "nosql operator", "reflected html"
  std::string detail;    ///< what differed, in a sentence
  std::string account;
  net::HttpRequest request; ///< the probe that shows it
  int status = 0;
  std::string body;
};

struct InputRun {
  std::deque<ProbeResult> results; ///< a deque: a probe's answer stays put while more are added
  std::vector<InjectionSign> signs;
  int sent = 0;
  int operations = 0;
  int writes_skipped = 0;
  bool stopped = false; ///< the budget ran out (or the scope refused): some probes were not sent
  std::vector<std::string> notes;
};

/// Sends every probe once (memoised in the context) and returns the answers.
const InputRun& input_run(engine::Context& context);

/// How a replay carries `account`'s credential (see access::auth_hint).
std::string input_auth_hint(engine::Context& context, const std::string& account);

} // namespace lg::checks::input
