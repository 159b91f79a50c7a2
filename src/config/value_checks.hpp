#pragma once

// Checks of config values that several sections share: URLs, placeholder templates, folders, IP
// addresses and references to inboxes. Each throws ConfigError naming the key path, the reason
// and the fix.

#include <set>
#include <string>
#include <vector>

#include "mobilelink/channels/adapter.hpp"

namespace mobilelink::config {

enum class UrlKind {
  kBase,  // Paths are appended to it, so it has no query and no fragment.
  kFull,  // Sent as written, so a query is allowed.
};

/// Fails unless `url` is an absolute http:// or https:// URL with a host that the HTTP client
/// can send to: no user name or password, a port from 1 to 65535 when one is written, and no
/// fragment. Errors quote `written` when it is set, such as the template that `url` came from.
void CheckHttpUrl(const std::string& path, const std::string& url, UrlKind kind,
                  const std::string& written = {});

/// The delimiters of one placeholder syntax, such as {{name}} or {name}.
struct PlaceholderSyntax {
  std::string open;
  std::string close;
};

inline const PlaceholderSyntax kDoubleBraces{"{{", "}}"};
inline const PlaceholderSyntax kSingleBraces{"{", "}"};

/// One placeholder of a template: the name, and the filter after '|' when there is one.
struct Placeholder {
  std::string name;
  std::string filter;
};

/// Returns the placeholders of `text` with names and filters trimmed. Fails on an opening
/// delimiter without its closing one and on a placeholder without a name.
std::vector<Placeholder> FindPlaceholders(const std::string& path, const std::string& text,
                                          const PlaceholderSyntax& syntax);

/// Fails unless every placeholder of `text` names one of `allowed` and has no filter, or one of
/// `filters`. The error lists the allowed names.
void CheckTemplate(const std::string& path, const std::string& text,
                   const PlaceholderSyntax& syntax, const std::set<std::string>& allowed,
                   const std::set<std::string>& filters = {});

/// Returns `text` with every placeholder replaced by `stand_in`, so the rest can be parsed.
std::string ReplacePlaceholders(const std::string& text, const PlaceholderSyntax& syntax,
                                const std::string& stand_in);

/// Fails unless `address` is an IPv4 or IPv6 address in the form that Boost.Asio writes it, the
/// form in which peer addresses are compared.
void CheckIpAddress(const std::string& path, const std::string& address);

/// Fails unless `folder` is an existing directory that this process can list. Relative paths
/// start at the working directory.
void CheckReadableDirectory(const std::string& path, const std::string& folder);

/// Fails unless `inboxes` has an inbox `id` of channel `channel`. `use` is the reason that the
/// key needs that channel, such as "pages go out by SMS", and appears in the error.
void RequireInboxOfChannel(const std::vector<channels::InboxConfig>& inboxes,
                           const std::string& path, const std::string& id,
                           const std::string& channel, const std::string& use);

}  // namespace mobilelink::config
