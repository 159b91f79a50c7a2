#include "mobilelink/channels/registry.hpp"

#include <gtest/gtest.h>

namespace mobilelink::channels {
namespace {

TEST(ChannelRegistry, FindsEachAdapterByName) {
  for (std::string_view channel : {"twilio_sms", "whatsapp", "webchat"}) {
    const ChannelAdapter* adapter = FindAdapter(channel);
    ASSERT_NE(adapter, nullptr) << channel;
    EXPECT_EQ(adapter->Channel(), channel);
  }
}

TEST(ChannelRegistry, ReturnsNullForUnknownChannel) { EXPECT_EQ(FindAdapter("fax"), nullptr); }

TEST(ChannelRegistry, ListsAdaptersInOrder) {
  const auto& adapters = AllAdapters();
  ASSERT_EQ(adapters.size(), 3u);
  EXPECT_EQ(adapters[0]->Channel(), "twilio_sms");
  EXPECT_EQ(adapters[1]->Channel(), "whatsapp");
  EXPECT_EQ(adapters[2]->Channel(), "webchat");
}

TEST(SendFailure, RetriesOnlyTransientKinds) {
  EXPECT_TRUE(IsRetryable(SendFailure::kConnectionFailed));
  EXPECT_TRUE(IsRetryable(SendFailure::kTimeout));
  EXPECT_TRUE(IsRetryable(SendFailure::kThrottled));
  EXPECT_FALSE(IsRetryable(SendFailure::kProviderError));
  EXPECT_FALSE(IsRetryable(SendFailure::kResponseStatus));
  EXPECT_EQ(ToString(SendFailure::kContactOptedOut), "contact_opted_out");
}

TEST(InboxConfig, GetReturnsEmptyForMissingKey) {
  InboxConfig inbox{"inbox-1", "twilio_sms", {{"from", "+12025550145"}}};
  EXPECT_EQ(inbox.Get("from"), "+12025550145");
  EXPECT_EQ(inbox.Get("auth_token"), "");
}

}  // namespace
}  // namespace mobilelink::channels
