#include "mobilelink/app/web_assets.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

namespace mobilelink::app {
namespace {

const std::vector<EmbeddedFile>& TestFiles() {
  static const std::vector<EmbeddedFile> files = {
      {"manifest.json", "application/json",
       R"({"console.js": "console-ABC123.js", "embed.js": "embed.js"})"},
      {"console-ABC123.js", "text/javascript; charset=utf-8", "console();"},
      {"embed.js", "text/javascript; charset=utf-8", "embed();"},
  };
  return files;
}

http::HttpRequest Get() {
  http::HttpRequest request;
  request.method = "GET";
  return request;
}

TEST(WebAssets, ServesHashedFileAsImmutable) {
  const WebAssets assets(TestFiles());
  const auto response = assets.Serve(Get(), "console-ABC123.js");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "console();");
  EXPECT_EQ(response.headers.Get("Content-Type").value_or(""), "text/javascript; charset=utf-8");
  EXPECT_EQ(response.headers.Get("Cache-Control").value_or(""),
            "public, max-age=31536000, immutable");
  EXPECT_EQ(response.headers.Get("X-Content-Type-Options").value_or(""), "nosniff");
  EXPECT_FALSE(response.headers.Get("ETag").value_or("").empty());
}

TEST(WebAssets, UnhashedFileIsRevalidated) {
  const WebAssets assets(TestFiles());
  const auto response = assets.Serve(Get(), "embed.js");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.headers.Get("Cache-Control").value_or(""), "no-cache");
}

TEST(WebAssets, MatchingEtagGives304) {
  const WebAssets assets(TestFiles());
  const auto first = assets.Serve(Get(), "embed.js");
  auto request = Get();
  request.headers.Set("If-None-Match", first.headers.Get("ETag").value_or(""));
  const auto second = assets.Serve(request, "embed.js");
  EXPECT_EQ(second.status, 304);
  EXPECT_TRUE(second.body.empty());
}

TEST(WebAssets, OtherNamesAre404) {
  const WebAssets assets(TestFiles());
  for (const char* name : {"../manifest.json", "manifest.json", "%2e%2e%2fetc%2fpasswd", "a/b.js",
                           "..", ".hidden", "missing.js", ""}) {
    EXPECT_EQ(assets.Serve(Get(), name).status, 404) << name;
  }
}

TEST(WebAssets, UrlUsesHashedName) {
  const WebAssets assets(TestFiles());
  EXPECT_EQ(assets.Url("console.js"), "/assets/console-ABC123.js");
  EXPECT_THROW((void)assets.Url("missing.js"), std::out_of_range);
}

TEST(WebAssets, MissingManifestThrows) {
  const std::vector<EmbeddedFile> files = {{"embed.js", "text/javascript", "x"}};
  EXPECT_THROW(WebAssets assets(files), std::runtime_error);
}

TEST(WebAssets, ManifestNamingAbsentFileThrows) {
  const std::vector<EmbeddedFile> files = {
      {"manifest.json", "application/json", R"({"console.js": "console-GONE.js"})"}};
  EXPECT_THROW(WebAssets assets(files), std::runtime_error);
}

TEST(WebAssets, EmbeddedBundleServesEveryManifestEntry) {
  const WebAssets& assets = WebAssets::Embedded();
  for (const char* logical :
       {"console.js", "console.css", "widget.js", "widget.css", "sdk.js", "embed.js"}) {
    const std::string url = assets.Url(logical);
    const auto response = assets.Serve(Get(), url.substr(url.rfind('/') + 1));
    EXPECT_EQ(response.status, 200) << logical;
    EXPECT_FALSE(response.body.empty()) << logical;
  }
}

TEST(WebAssets, PageHeadersForbidFramingByDefault) {
  http::HttpResponse response{200};
  SetPageSecurityHeaders(response, "'none'");
  const auto csp = response.headers.Get("Content-Security-Policy").value_or("");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(response.headers.Get("X-Frame-Options").value_or(""), "DENY");
  EXPECT_EQ(response.headers.Get("Referrer-Policy").value_or(""), "no-referrer");
  EXPECT_FALSE(response.headers.Get("Permissions-Policy").value_or("").empty());
  EXPECT_EQ(response.headers.Get("X-Content-Type-Options").value_or(""), "nosniff");
}

TEST(WebAssets, EscapeHtmlEscapesMarkup) {
  EXPECT_EQ(EscapeHtml("<img src=x onerror=\"a('1')\">&"),
            "&lt;img src=x onerror=&quot;a(&#39;1&#39;)&quot;&gt;&amp;");
}

}  // namespace
}  // namespace mobilelink::app
