#pragma once
// The perf gate's browser for an audit: headless Chromium started on the first visit (an audit
// that never measures a page never starts it), limited to the run's scope. A failed launch is
// kept and returned by every visit: ErrorKind::config when Chromium is not installed.

#include "net/browser.hpp"
#include "net/impl/chromium_browser.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string_view>

namespace lg::app {

class LazyBrowser final : public net::Browser {
public:
  explicit LazyBrowser(std::function<bool(std::string_view url)> in_scope)
      : m_in_scope(std::move(in_scope)) {}

  Expected<net::PageTiming> visit(const net::PageVisit& visit) override {
    if (!m_browser && !m_failure) {
      net::ChromiumOptions options;
      options.in_scope = m_in_scope;
      auto launched = net::ChromiumBrowser::launch(std::move(options));
      if (launched)
        m_browser = std::move(*launched);
      else
        m_failure = launched.error();
    }
    if (m_failure)
      return unexpected(*m_failure);
    return m_browser->visit(visit);
  }

private:
  std::function<bool(std::string_view url)> m_in_scope;
  std::unique_ptr<net::ChromiumBrowser> m_browser;
  std::optional<Error> m_failure;
};

} // namespace lg::app
