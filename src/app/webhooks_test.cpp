#include "mobilelink/app/webhooks.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace mobilelink::app {
namespace {

http::HttpRequest MakeRequest(std::string remote, std::string target) {
  http::HttpRequest request;
  request.method = "POST";
  request.target = target;
  const auto question = target.find('?');
  request.path = target.substr(0, question);
  request.query = question == std::string::npos ? "" : target.substr(question + 1);
  request.remote_address = std::move(remote);
  return request;
}

bool Contains(const std::vector<std::string>& urls, const std::string& url) {
  return std::find(urls.begin(), urls.end(), url) != urls.end();
}

TEST(PublicUrlCandidates, UsesServerPublicUrlWithTarget) {
  config::ServerConfig server;
  server.public_url = "https://hooks.example.com";
  channels::InboxConfig inbox{"sms", "twilio_sms", {}};
  const auto urls =
      PublicUrlCandidates(MakeRequest("10.0.0.5", "/webhooks/twilio/sms"), server, inbox, false);
  EXPECT_TRUE(Contains(urls, "https://hooks.example.com/webhooks/twilio/sms"));
}

TEST(PublicUrlCandidates, PrefersInboxPublicUrlAndKeepsQuery) {
  config::ServerConfig server;
  channels::InboxConfig inbox{"sms", "twilio_sms", {{"public_url", "https://edge.example.com/sms"}}};
  const auto urls = PublicUrlCandidates(MakeRequest("127.0.0.1", "/webhooks/twilio/sms/status?x=1"),
                                        server, inbox, true);
  ASSERT_FALSE(urls.empty());
  EXPECT_EQ(urls.front(), "https://edge.example.com/sms/status?x=1");
}

TEST(PublicUrlCandidates, RebuildsFromTrustedProxyHeaders) {
  config::ServerConfig server;
  server.trusted_proxies = {"10.0.0.2"};
  channels::InboxConfig inbox{"sms", "twilio_sms", {}};
  auto request = MakeRequest("10.0.0.2", "/webhooks/twilio/sms");
  request.headers.Add("X-Forwarded-Proto", "https");
  request.headers.Add("X-Forwarded-Host", "support.example.com");
  const auto urls = PublicUrlCandidates(request, server, inbox, false);
  EXPECT_TRUE(Contains(urls, "https://support.example.com/webhooks/twilio/sms"));
}

TEST(PublicUrlCandidates, IgnoresForwardedHeadersFromUntrustedPeer) {
  config::ServerConfig server;
  server.trusted_proxies = {"10.0.0.2"};
  channels::InboxConfig inbox{"sms", "twilio_sms", {}};
  auto request = MakeRequest("10.0.0.9", "/webhooks/twilio/sms");
  request.headers.Add("X-Forwarded-Proto", "https");
  request.headers.Add("X-Forwarded-Host", "attacker.example.com");
  const auto urls = PublicUrlCandidates(request, server, inbox, false);
  EXPECT_FALSE(Contains(urls, "https://attacker.example.com/webhooks/twilio/sms"));
}

}  // namespace
}  // namespace mobilelink::app
