#include "mobilelink/customers/crm_connector.hpp"

#include <mutex>
#include <vector>

#include <gtest/gtest.h>

#include "mobilelink/http/server.hpp"

namespace mobilelink::customers {
namespace {

// A CRM on 127.0.0.1 that responds with plain JSON from a table of paths and records each
// request. Responses to /slow/ paths wait until the test releases them.
class FakeCrm final {
 public:
  FakeCrm() {
    auto router = std::make_shared<http::Router>();
    auto handler = [this](http::HttpRequest&& request, http::Responder respond) {
      std::unique_lock lock(mutex_);
      requests_.push_back(request.path);
      authorizations_.push_back(request.headers.Get("Authorization").value_or(""));
      if (request.path.rfind("/slow/", 0) == 0) {
        held_.push_back(std::move(respond));
        return;
      }
      const auto found = answers_.find(request.path);
      lock.unlock();
      if (found == answers_.end()) {
        respond(http::HttpResponse::Json(404, R"({"error":"not found"})"));
        return;
      }
      respond(http::HttpResponse::Json(200, found->second));
    };
    router->Add("GET", "/{kind}/{id}", handler);
    router->Add("GET", "/{kind}/{id}/transactions", handler);
    server_ = std::make_unique<http::Server>(http::ServerOptions{}, router);
    server_->Start();
  }

  ~FakeCrm() {
    Release();
    server_->Stop(std::chrono::milliseconds(500));
  }

  void Answer(const std::string& path, const std::string& body) {
    std::lock_guard lock(mutex_);
    answers_[path] = body;
  }

  void Release() {
    std::vector<http::Responder> held;
    {
      std::lock_guard lock(mutex_);
      held.swap(held_);
    }
    for (auto& respond : held) {
      respond(http::HttpResponse::Json(200, "{}"));
    }
  }

  [[nodiscard]] std::string BaseUrl() const {
    return "http://127.0.0.1:" + std::to_string(server_->Port());
  }

  [[nodiscard]] std::vector<std::string> Requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

  [[nodiscard]] std::vector<std::string> Authorizations() {
    std::lock_guard lock(mutex_);
    return authorizations_;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::string> answers_;
  std::vector<std::string> requests_;
  std::vector<std::string> authorizations_;
  std::vector<http::Responder> held_;
  std::unique_ptr<http::Server> server_;
};

constexpr char kProfile[] = R"({"id": "crm-42", "contact": {"mobile": "+12025550177"},
  "fullName": "Robin Park", "level": "silver", "balance": {"value": 15.5, "currency": "EUR"}})";
constexpr char kTransactions[] = R"({"items": [
  {"ref": "O-1", "type": "order", "state": "shipped", "total": "20.00", "at": "2026-11-02"},
  {"ref": "P-1", "type": "payment", "state": "completed", "total": 5, "at": "2026-11-01"}]})";

class CrmConnectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.base_url = crm_.BaseUrl();
    config_.profile_path = "/customers/{phone}";
    config_.transactions_path = "/accounts/{customer_id}/transactions";
    config_.timeout = std::chrono::milliseconds(300);
    config_.auth_header = "Bearer crm-test-token";
    config_.profile_fields = {{"customer_id", "/id"},
                              {"phone", "/contact/mobile"},
                              {"name", "/fullName"},
                              {"tier", "/level"},
                              {"balance", "/balance/value"},
                              {"currency", "/balance/currency"}};
    config_.transactions_list = "/items";
    config_.transaction_fields = {{"id", "/ref"},
                                  {"kind", "/type"},
                                  {"status", "/state"},
                                  {"amount", "/total"},
                                  {"occurred_at", "/at"}};
    client_ = http::MakeHttpClient(http::ClientOptions{true});
  }

  FakeCrm crm_;
  CrmConfig config_;
  std::unique_ptr<http::HttpClient> client_;
};

TEST_F(CrmConnectorTest, MapsProfileAndTransactions) {
  crm_.Answer("/customers/%2B12025550177", kProfile);
  crm_.Answer("/accounts/crm-42/transactions", kTransactions);
  CrmConnector connector(config_, *client_);
  const auto lookup = connector.Fetch("phone", "+12025550177");
  ASSERT_EQ(lookup.outcome, CrmOutcome::kFound) << lookup.error;
  EXPECT_EQ(lookup.profile.external_id, "crm-42");
  EXPECT_EQ(lookup.profile.name, "Robin Park");
  EXPECT_EQ(lookup.profile.balance_cents, 1550);
  EXPECT_EQ(lookup.profile.currency, "EUR");
  ASSERT_EQ(lookup.transactions.size(), 2u);
  EXPECT_EQ(lookup.transactions[0].external_id, "O-1");
  EXPECT_EQ(lookup.transactions[0].kind, TransactionKind::kOrder);
  EXPECT_EQ(lookup.transactions[1].amount_cents, 500);
  EXPECT_EQ(lookup.transactions[1].customer_external_id, "crm-42");
  ASSERT_EQ(crm_.Authorizations().size(), 2u);
  EXPECT_EQ(crm_.Authorizations()[0], "Bearer crm-test-token");
}

TEST_F(CrmConnectorTest, NotFoundOn404) {
  CrmConnector connector(config_, *client_);
  const auto lookup = connector.Fetch("phone", "+12025550100");
  EXPECT_EQ(lookup.outcome, CrmOutcome::kNotFound);
  EXPECT_EQ(crm_.Requests().size(), 1u);
}

TEST_F(CrmConnectorTest, TimeoutWhenCrmIsSlow) {
  config_.profile_path = "/slow/{phone}";
  CrmConnector connector(config_, *client_);
  const auto lookup = connector.Fetch("phone", "+12025550177");
  EXPECT_EQ(lookup.outcome, CrmOutcome::kTimeout);
  EXPECT_NE(lookup.error.find("300 ms"), std::string::npos);
}

TEST_F(CrmConnectorTest, BadMappingNamesField) {
  config_.profile_fields["email"] = "/contact/email";
  crm_.Answer("/customers/%2B12025550177", kProfile);
  CrmConnector connector(config_, *client_);
  const auto lookup = connector.Fetch("phone", "+12025550177");
  EXPECT_EQ(lookup.outcome, CrmOutcome::kFailed);
  EXPECT_NE(lookup.error.find("email"), std::string::npos);
  EXPECT_NE(lookup.error.find("/contact/email"), std::string::npos);
}

TEST_F(CrmConnectorTest, InvalidTransactionValueFails) {
  crm_.Answer("/customers/%2B12025550177", kProfile);
  crm_.Answer("/accounts/crm-42/transactions",
              R"({"items": [{"ref": "O-1", "type": "gift", "state": "new", "at": "2026-11-02"}]})");
  CrmConnector connector(config_, *client_);
  const auto lookup = connector.Fetch("phone", "+12025550177");
  EXPECT_EQ(lookup.outcome, CrmOutcome::kFailed);
  EXPECT_NE(lookup.error.find("kind"), std::string::npos);
}

TEST(CrmPath, ExpandsAndEncodes) {
  EXPECT_EQ(ExpandPath("/c/{phone}/x", {{"phone", "+1 202"}}), "/c/%2B1%20202/x");
  EXPECT_EQ(ExpandPath("/c/{missing}", {}), "/c/");
}

}  // namespace
}  // namespace mobilelink::customers
