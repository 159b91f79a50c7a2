#pragma once

// The built web bundle (console, chat widget, SDK, embed launcher), compiled into the binary by
// cmake/embed_web.cmake, and the security headers of every page the server renders.
//
// Assets are served from memory at /assets/{file}. A request names a file of the bundle or gets
// 404, so no path can reach the file system. Files with a content hash in their name are cached
// for a year as immutable. embed.js keeps its name because third-party pages link to it, so it
// is revalidated with its ETag on each load.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mobilelink/http/types.hpp"

namespace mobilelink::app {

/// One file of the built bundle as compiled in.
struct EmbeddedFile {
  std::string_view name;
  std::string_view content_type;
  std::string_view body;
};

/// Returns the files that cmake/embed_web.cmake compiled in (generated code).
const std::vector<EmbeddedFile>& EmbeddedWebFiles();

/// An index of the bundle's files by name, with their ETags and the manifest of hashed names.
class WebAssets final {
 public:
  /// Indexes `files`. Throws std::runtime_error when manifest.json is missing or names a file
  /// that is not among them.
  explicit WebAssets(const std::vector<EmbeddedFile>& files);

  /// Returns the index of the compiled-in bundle, built on first use. Thread safe.
  static const WebAssets& Embedded();

  /// Returns the URL path of a logical asset such as "console.js": "/assets/console-HASH.js".
  /// Throws std::out_of_range for a name the manifest lacks.
  [[nodiscard]] std::string Url(std::string_view logical_name) const;

  /// Builds the response to GET /assets/{file}: 200 with caching headers, 304 when
  /// If-None-Match matches, or 404 for any name that is not a file of the bundle.
  [[nodiscard]] http::HttpResponse Serve(const http::HttpRequest& request,
                                         std::string_view file_name) const;

  /// Returns the body of a file of the bundle, or an empty view.
  [[nodiscard]] std::string_view Body(std::string_view file_name) const;

 private:
  struct Entry {
    EmbeddedFile file;
    std::string etag;
    bool immutable = false;
  };
  std::map<std::string, Entry, std::less<>> files_;
  std::map<std::string, std::string, std::less<>> manifest_;
};

/// Sets the security headers of an HTML page. The Content-Security-Policy allows only the
/// server's own scripts, styles and sockets, and uses `frame_ancestors` as its frame-ancestors
/// source list. "'none'" marks a page that is never framed, which also gets X-Frame-Options and
/// Cross-Origin-Opener-Policy. X-Content-Type-Options, Referrer-Policy and Permissions-Policy
/// are always set.
void SetPageSecurityHeaders(http::HttpResponse& response, std::string_view frame_ancestors);

/// Escapes text for an HTML text node or a double-quoted attribute value.
std::string EscapeHtml(std::string_view text);

}  // namespace mobilelink::app
