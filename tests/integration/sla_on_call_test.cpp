// A critical SLA breach pages the on-call person by SMS through the fake provider, the next
// person when the first does not acknowledge, and an ACK reply over the Twilio webhook stops
// the paging. The server runs on a manual clock, and the timer worker polls it every 10 ms.

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "server_fixture.hpp"

namespace mobilelink::integration {
namespace {

using std::chrono::minutes;

constexpr char kCustomerPhone[] = "+12025550177";
constexpr char kPagerAna[] = "+4915112345601";
constexpr char kPagerBen[] = "+4915112345602";

class SlaOnCallTest : public ServerFixture {
 protected:
  SlaOnCallTest() {
    use_manual_clock_ = true;
    timer_idle_poll_ = std::chrono::milliseconds(10);
    extra_config_yaml_ =
        "sla:\n"
        "  on_call_team: payments\n"
        "  rules:\n"
        "    - priority: critical\n"
        "      keywords: [outage]\n"
        "on_call:\n"
        "  - team: payments\n"
        "    inbox: sms\n"
        "    ack_window_s: 300\n"
        "    runbook: \"Check the gateway dashboard.\"\n"
        "    rotation:\n"
        "      - name: Ana\n"
        "        phone: \"" +
        std::string(kPagerAna) +
        "\"\n"
        "      - name: Ben\n"
        "        phone: \"" +
        std::string(kPagerBen) + "\"\n";
  }

  // Returns how many successful sends to `phone` contain "Reply ACK".
  std::size_t PagesTo(const std::string& phone) const {
    std::size_t count = 0;
    for (const auto& send : fake_->Messages()) {
      if (send.to == phone && send.text.find("Reply ACK") != std::string::npos &&
          http::IsSuccess(send.http_status)) {
        ++count;
      }
    }
    return count;
  }

  std::int64_t CountEvents(const std::string& type) const {
    return Store().Integer("SELECT COUNT(*) FROM events WHERE type = '" + type + "'");
  }

  // Stops the application and starts a new one on the same port, store and clock.
  void RestartApp() {
    const std::uint16_t port = app_->Port();
    app_->Stop(std::chrono::milliseconds(2000));
    app_.reset();
    app::ApplicationOptions options;
    options.host = "127.0.0.1";
    options.port = port;
    options.client.loopback_only = true;
    options.clock = &manual_clock_;
    options.timer_idle_poll = timer_idle_poll_;
    app_ = std::make_unique<app::Application>(config::ParseConfig(config_yaml_, "itest"), options);
    app_->Start();
  }
};

TEST_F(SlaOnCallTest, CriticalBreachPagesNextPersonUntilAck) {
  ASSERT_EQ(PostSms("SMsla00000000000000000000000000001", kCustomerPhone,
                    "Payment outage, I need a human")
                .status,
            200);
  ASSERT_TRUE(WaitForSends(kHandoffMessage));
  EXPECT_EQ(Store().Text("SELECT priority FROM conversations"), "critical");

  // The week decides who is paged first. The manual clock starts on Thursday 1 January 2026,
  // in rotation week 2921, so Ben (index 1) is on call.
  manual_clock_.Advance(minutes(15));
  ASSERT_TRUE(WaitUntil([&] { return PagesTo(kPagerBen) == 1; }));
  EXPECT_EQ(PagesTo(kPagerAna), 0u);
  EXPECT_EQ(CountEvents("sla.breached"), 1);

  manual_clock_.Advance(minutes(5));
  ASSERT_TRUE(WaitUntil([&] { return PagesTo(kPagerAna) == 1; }));
  EXPECT_EQ(Store().Integer("SELECT MAX(attempt) FROM oncall_pages"), 2);

  ASSERT_EQ(PostSms("SMsla00000000000000000000000000002", kPagerAna, "ACK").status, 200);
  ASSERT_TRUE(WaitUntil([&] { return CountEvents("oncall.acknowledged") == 1; }));
  // The ACK is no customer message: no conversation was opened for the pager.
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM conversations"), 1);

  // After the acknowledgement the window passes without another page.
  manual_clock_.Advance(minutes(10));
  ASSERT_TRUE(WaitForOutboxIdle());
  ASSERT_TRUE(WaitUntil([&] {
    return Store().Integer(
               "SELECT COUNT(*) FROM timers WHERE kind = 'oncall.ack_timeout' "
               "AND state = 'pending'") == 0;
  }));
  EXPECT_EQ(PagesTo(kPagerBen), 1u);
  EXPECT_EQ(PagesTo(kPagerAna), 1u);
  EXPECT_EQ(CountEvents("oncall.paged"), 2);
}

TEST_F(SlaOnCallTest, BreachTimerSurvivesRestart) {
  ASSERT_EQ(PostSms("SMsla00000000000000000000000000003", kCustomerPhone,
                    "Payment outage, I need a human")
                .status,
            200);
  ASSERT_TRUE(WaitForSends(kHandoffMessage));
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM timers WHERE kind = 'sla.due' "
                            "AND state = 'pending'"),
            2);

  // The due time passes while no server runs; the next one fires the breach once.
  app_->Stop(std::chrono::milliseconds(2000));
  manual_clock_.Advance(minutes(20));
  RestartApp();
  ASSERT_TRUE(WaitUntil([&] { return PagesTo(kPagerBen) == 1; }));
  EXPECT_EQ(CountEvents("sla.breached"), 1);

  RestartApp();
  manual_clock_.Advance(minutes(1));
  ASSERT_TRUE(WaitUntil([&] {
    return Store().Integer(
               "SELECT COUNT(*) FROM timers WHERE kind = 'sla.due' AND "
               "state = 'fired'") == 1;
  }));
  ASSERT_TRUE(WaitForOutboxIdle());
  EXPECT_EQ(CountEvents("sla.breached"), 1);
  EXPECT_EQ(PagesTo(kPagerBen), 1u);
}

}  // namespace
}  // namespace mobilelink::integration
