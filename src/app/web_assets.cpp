#include "mobilelink/app/web_assets.hpp"

#include <stdexcept>

#include <boost/json.hpp>

#include "mobilelink/security/credentials.hpp"

namespace mobilelink::app {

namespace {

constexpr std::string_view kManifestName = "manifest.json";

// Matches the names that web/build.mjs writes: letters, digits, '-', '_' and one dot before the
// extension. Anything else, such as a '/', '%' or "..", is rejected before the lookup.
bool IsPlainFileName(std::string_view name) {
  if (name.empty() || name.size() > 128 || name.front() == '.') {
    return false;
  }
  for (char c : name) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!allowed) {
      return false;
    }
  }
  return name.find("..") == std::string_view::npos;
}

}  // namespace

WebAssets::WebAssets(const std::vector<EmbeddedFile>& files) {
  for (const auto& file : files) {
    Entry entry{file, "\"" + security::HashToken(file.body).substr(0, 32) + "\"", false};
    files_.emplace(std::string(file.name), std::move(entry));
  }
  const auto manifest = files_.find(kManifestName);
  if (manifest == files_.end()) {
    throw std::runtime_error("the web bundle has no manifest.json; rebuild it with web/build.sh");
  }
  const boost::json::value parsed = boost::json::parse(manifest->second.file.body);
  for (const auto& [logical, hashed] : parsed.as_object()) {
    const std::string file_name(hashed.as_string());
    auto found = files_.find(file_name);
    if (found == files_.end()) {
      throw std::runtime_error("the web manifest names " + file_name +
                               ", which is not in the bundle; rebuild it with web/build.sh");
    }
    // A name that differs from its logical name carries the content hash.
    found->second.immutable = file_name != std::string(logical);
    manifest_.emplace(std::string(logical), file_name);
  }
}

const WebAssets& WebAssets::Embedded() {
  static const WebAssets assets(EmbeddedWebFiles());
  return assets;
}

std::string WebAssets::Url(std::string_view logical_name) const {
  const auto found = manifest_.find(logical_name);
  if (found == manifest_.end()) {
    throw std::out_of_range("the web manifest has no asset " + std::string(logical_name));
  }
  return "/assets/" + found->second;
}

std::string_view WebAssets::Body(std::string_view file_name) const {
  const auto found = files_.find(file_name);
  return found == files_.end() ? std::string_view() : found->second.file.body;
}

http::HttpResponse WebAssets::Serve(const http::HttpRequest& request,
                                    std::string_view file_name) const {
  const auto found = IsPlainFileName(file_name) ? files_.find(file_name) : files_.end();
  if (found == files_.end() || file_name == kManifestName) {
    return http::HttpResponse::Error(404, "asset_not_found", "no such web asset", "file");
  }
  const Entry& entry = found->second;
  const std::string cache_control =
      entry.immutable ? "public, max-age=31536000, immutable" : "no-cache";
  http::HttpResponse response(200);
  response.headers.Set("ETag", entry.etag);
  response.headers.Set("Cache-Control", cache_control);
  response.headers.Set("X-Content-Type-Options", "nosniff");
  // Other sites load embed.js and the SDK bundle, and no asset holds anything private.
  response.headers.Set("Cross-Origin-Resource-Policy", "cross-origin");
  if (request.headers.Get("If-None-Match") == entry.etag) {
    response.status = 304;
    return response;
  }
  response.headers.Set("Content-Type", std::string(entry.file.content_type));
  response.body = std::string(entry.file.body);
  return response;
}

void SetPageSecurityHeaders(http::HttpResponse& response, std::string_view frame_ancestors) {
  response.headers.Set(
      "Content-Security-Policy",
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
      "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors " +
          std::string(frame_ancestors));
  response.headers.Set("X-Content-Type-Options", "nosniff");
  response.headers.Set("Referrer-Policy", "no-referrer");
  response.headers.Set("Permissions-Policy",
                       "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
  if (frame_ancestors == "'none'") {
    response.headers.Set("X-Frame-Options", "DENY");
    response.headers.Set("Cross-Origin-Opener-Policy", "same-origin");
  }
  response.headers.Set("Cache-Control", "no-store");
}

std::string EscapeHtml(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&#39;";
        break;
      default:
        escaped.push_back(c);
    }
  }
  return escaped;
}

}  // namespace mobilelink::app
