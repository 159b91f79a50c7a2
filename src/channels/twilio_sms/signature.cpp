#include "mobilelink/channels/twilio_sms/signature.hpp"

#include <algorithm>
#include <optional>

#include "mobilelink/channels/common/hmac.hpp"

namespace mobilelink::channels::twilio_sms {
namespace {

// The parts of an absolute URL around its port, as offsets into the original string.
struct Authority {
  std::string_view scheme;
  std::size_t host_end = 0;  // Offset just past the host, where ":port" starts if present.
  std::size_t port_end = 0;  // Offset just past the port; equals host_end without a port.
};

std::optional<Authority> FindAuthority(std::string_view url) {
  std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return std::nullopt;
  }
  Authority authority;
  authority.scheme = url.substr(0, scheme_end);
  std::size_t start = scheme_end + 3;
  std::size_t end = url.find_first_of("/?#", start);
  if (end == std::string_view::npos) {
    end = url.size();
  }
  std::string_view host_port = url.substr(start, end - start);
  std::size_t at = host_port.rfind('@');
  std::size_t host_start = at == std::string_view::npos ? 0 : at + 1;
  // A ':' after the last ']' (IPv6 literal) and after the user info starts the port.
  std::size_t bracket = host_port.rfind(']');
  std::size_t colon = host_port.rfind(':');
  bool has_port = colon != std::string_view::npos && colon >= host_start &&
                  (bracket == std::string_view::npos || colon > bracket);
  authority.host_end = start + (has_port ? colon : host_port.size());
  authority.port_end = start + host_port.size();
  return authority;
}

}  // namespace

std::string ComputeSignature(std::string_view auth_token, std::string_view url,
                             const common::FormPairs& params) {
  common::FormPairs sorted = params;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());

  std::string data(url);
  for (const auto& [name, value] : sorted) {
    data += name;
    data += value;
  }
  return common::Base64Encode(common::HmacSha1(auth_token, data));
}

std::vector<std::string> PortVariants(std::string_view url) {
  std::vector<std::string> variants{std::string(url)};
  auto authority = FindAuthority(url);
  if (!authority) {
    return variants;
  }
  std::string prefix(url.substr(0, authority->host_end));
  std::string suffix(url.substr(authority->port_end));
  if (authority->port_end > authority->host_end) {
    variants.push_back(prefix + suffix);
    return variants;
  }
  if (authority->scheme == "https") {
    variants.push_back(prefix + ":443" + suffix);
  } else if (authority->scheme == "http") {
    variants.push_back(prefix + ":80" + suffix);
  }
  return variants;
}

bool VerifySignature(std::string_view auth_token, const std::vector<std::string>& candidate_urls,
                     const common::FormPairs& params, std::string_view header) {
  if (header.empty()) {
    return false;
  }
  bool matched = false;
  // Every variant is checked even after a match, so timing does not reveal which one matched.
  for (const std::string& candidate : candidate_urls) {
    for (const std::string& variant : PortVariants(candidate)) {
      std::string expected = ComputeSignature(auth_token, variant, params);
      matched = common::ConstantTimeEquals(expected, header) || matched;
    }
  }
  return matched;
}

bool VerifyBodySha256(std::string_view url, std::string_view body) {
  std::size_t query_start = url.find('?');
  if (query_start == std::string_view::npos) {
    return false;
  }
  std::string_view query = url.substr(query_start + 1);
  query = query.substr(0, query.find('#'));
  auto params = common::ParseForm(query);
  if (!params) {
    return false;
  }
  const std::string* claimed = common::FindFormValue(*params, "bodySHA256");
  if (claimed == nullptr) {
    return false;
  }
  return common::ConstantTimeEquals(common::HexEncode(common::Sha256(body)), *claimed);
}

}  // namespace mobilelink::channels::twilio_sms
