#include "mobilelink/config/value_checks.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>

#include "mobilelink/config/yaml_node.hpp"

namespace mobilelink::config {

namespace {

constexpr char kUrlExample[] = "write it as https://host[:port][/path]";

bool IsValidPort(std::string_view port) {
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  const int number = std::stoi(std::string(port));
  return number >= 1 && number <= 65535;
}

std::string Trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

}  // namespace

void CheckHttpUrl(const std::string& path, const std::string& url, UrlKind kind,
                  const std::string& written) {
  const std::string quoted = "'" + (written.empty() ? url : written) + "'";
  const auto scheme_end = url.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    Fail(path, quoted + " must start with http:// or https://; " + kUrlExample);
  }
  // parse_uri, unlike parse_absolute_uri, accepts a fragment, so the error can name it.
  const auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    Fail(path, quoted + " is not a valid URL (" + parsed.error().message() + "); " + kUrlExample +
                   ", with spaces and other reserved characters percent-encoded");
  }
  if (parsed->encoded_host().empty()) {
    Fail(path, quoted + " has no host; " + kUrlExample);
  }
  if (parsed->has_userinfo()) {
    Fail(path, quoted +
                   " contains a user name or password, which requests do not send; remove it "
                   "and configure the credentials in their own key");
  }
  if (parsed->has_port() && !IsValidPort(parsed->port())) {
    Fail(path, quoted + " has an invalid port; write a number from 1 to 65535 after the host");
  }
  if (parsed->has_fragment()) {
    Fail(path, quoted + " has a fragment (#...), which requests do not send; remove it");
  }
  if (kind == UrlKind::kBase && parsed->has_query()) {
    Fail(path, quoted + " has a query (?...), but paths are appended to this URL; remove it");
  }
}

std::vector<Placeholder> FindPlaceholders(const std::string& path, const std::string& text,
                                          const PlaceholderSyntax& syntax) {
  std::vector<Placeholder> placeholders;
  std::size_t at = 0;
  while (true) {
    const auto open = text.find(syntax.open, at);
    if (open == std::string::npos) {
      return placeholders;
    }
    const auto close = text.find(syntax.close, open + syntax.open.size());
    if (close == std::string::npos) {
      Fail(path, "'" + syntax.open + "' at character " + std::to_string(open + 1) +
                     " is not closed; write " + syntax.open + "name" + syntax.close);
    }
    const std::string inner =
        text.substr(open + syntax.open.size(), close - open - syntax.open.size());
    Placeholder placeholder;
    const auto bar = inner.find('|');
    placeholder.name = Trim(inner.substr(0, bar));
    if (bar != std::string::npos) {
      placeholder.filter = Trim(inner.substr(bar + 1));
    }
    if (placeholder.name.empty()) {
      Fail(path, "placeholder " + syntax.open + inner + syntax.close + " has no name; write " +
                     syntax.open + "name" + syntax.close);
    }
    placeholders.push_back(std::move(placeholder));
    at = close + syntax.close.size();
  }
}

void CheckTemplate(const std::string& path, const std::string& text,
                   const PlaceholderSyntax& syntax, const std::set<std::string>& allowed,
                   const std::set<std::string>& filters) {
  for (const auto& placeholder : FindPlaceholders(path, text, syntax)) {
    const std::string written = syntax.open + placeholder.name + syntax.close;
    if (!allowed.contains(placeholder.name)) {
      Fail(path, "unknown placeholder " + written + "; this template can use: " +
                     (allowed.empty() ? std::string("no placeholders") : Join(allowed)));
    }
    if (!placeholder.filter.empty() && !filters.contains(placeholder.filter)) {
      Fail(path, "unknown filter '" + placeholder.filter + "' in " + written + "; " +
                     (filters.empty() ? std::string("this template takes no filters")
                                      : "expected one of: " + Join(filters)));
    }
  }
}

std::string ReplacePlaceholders(const std::string& text, const PlaceholderSyntax& syntax,
                                const std::string& stand_in) {
  std::string replaced;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto open = text.find(syntax.open, at);
    const auto close = open == std::string::npos
                           ? std::string::npos
                           : text.find(syntax.close, open + syntax.open.size());
    if (close == std::string::npos) {
      replaced += text.substr(at);
      break;
    }
    replaced += text.substr(at, open - at) + stand_in;
    at = close + syntax.close.size();
  }
  return replaced;
}

void CheckIpAddress(const std::string& path, const std::string& address) {
  boost::system::error_code error;
  const auto parsed = boost::asio::ip::make_address(address, error);
  if (error) {
    Fail(path, "'" + address +
                   "' is not an IP address; list each peer address, such as 10.0.0.5, because "
                   "host names and CIDR ranges never match");
  }
  if (parsed.is_v6() && parsed.to_v6().is_v4_mapped()) {
    Fail(path, "write '" + address + "' as " +
                   boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, parsed.to_v6())
                       .to_string() +
                   ", because IPv4 peers are compared in IPv4 form");
  }
  if (parsed.is_v6() && parsed.to_v6().scope_id() != 0) {
    Fail(path, "'" + address + "' has a zone index, which peer addresses never carry; remove "
                   "the part from %");
  }
  if (parsed.to_string() != address) {
    Fail(path, "write '" + address + "' as " + parsed.to_string() +
                   ", the form in which peer addresses are compared");
  }
}

void CheckReadableDirectory(const std::string& path, const std::string& folder) {
  namespace fs = std::filesystem;
  const std::string where =
      fs::path(folder).is_relative()
          ? " (relative to the working directory " + fs::current_path().string() + ")"
          : "";
  std::error_code error;
  const fs::file_status status = fs::status(folder, error);
  if (!fs::exists(status)) {
    Fail(path,
         "directory '" + folder + "'" + where + " does not exist; create it, or fix the path");
  }
  if (!fs::is_directory(status)) {
    Fail(path, "'" + folder + "'" + where + " is not a directory; name a directory");
  }
  fs::directory_iterator listing(folder, error);
  if (error) {
    Fail(path, "cannot read directory '" + folder + "'" + where + ": " + error.message() +
                   "; give the server's user read and execute permission on it");
  }
}

void RequireInboxOfChannel(const std::vector<channels::InboxConfig>& inboxes,
                           const std::string& path, const std::string& id,
                           const std::string& channel, const std::string& use) {
  const auto inbox = std::find_if(inboxes.begin(), inboxes.end(),
                                  [&](const channels::InboxConfig& item) { return item.id == id; });
  if (inbox == inboxes.end()) {
    Fail(path, "inbox '" + id + "' is not configured under inboxes; name a " + channel +
                   " inbox, because " + use);
  }
  if (inbox->channel != channel) {
    Fail(path, "inbox '" + id + "' is a " + inbox->channel + " inbox, but " + use + "; name a " +
                   channel + " inbox");
  }
}

}  // namespace mobilelink::config
