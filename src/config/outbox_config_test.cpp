// The outbox section's status wait for WhatsApp sends with an unknown outcome.

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "mobilelink/config/config.hpp"
#include "mobilelink/config/testing/config_error.hpp"

namespace mobilelink::config {
namespace {

TEST(OutboxConfig, StatusWaitDefaultsTo120s) {
  const Config config = ParseConfig(MinimalConfig(kSmsInbox), "test.yaml");
  EXPECT_EQ(config.outbox.whatsapp_status_wait, std::chrono::milliseconds(120000));
}

TEST(OutboxConfig, StatusWaitIsRead) {
  const Config config = ParseConfig(
      MinimalConfig(kSmsInbox) + "outbox:\n  whatsapp_status_wait_ms: 30000\n", "test.yaml");
  EXPECT_EQ(config.outbox.whatsapp_status_wait, std::chrono::milliseconds(30000));
}

TEST(OutboxConfig, NegativeStatusWaitIsError) {
  const std::string error =
      ErrorOf(MinimalConfig(kSmsInbox) + "outbox:\n  whatsapp_status_wait_ms: -1\n");
  EXPECT_NE(error.find("outbox.whatsapp_status_wait_ms: must be between 0 and 86400000"),
            std::string::npos)
      << error;
}

}  // namespace
}  // namespace mobilelink::config
