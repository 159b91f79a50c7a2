// Removing an agent from the config's agents list and restarting the server must end that
// agent's access: no new login with the old password, and no use of a token issued before.

#include "server_fixture.hpp"

namespace mobilelink::integration {
namespace {

class AgentRemoval : public ServerFixture {
 protected:
  // Drops alice's entry from the agents list once `remove_alice_` is set.
  [[nodiscard]] std::string AdjustConfigYaml(std::string yaml) const override {
    if (!remove_alice_) {
      return yaml;
    }
    const auto begin = yaml.find("  - login: alice\n");
    const auto end = yaml.find("  - login: bob\n");
    if (begin != std::string::npos && end != std::string::npos && begin < end) {
      yaml.erase(begin, end - begin);
    }
    return yaml;
  }

  void RestartServers() {
    const std::uint16_t port = app_->Port();
    StopServers();
    tools::FakeProviderOptions fake_options;
    fake_options.loopback_callbacks_only = true;
    StartServers(fake_options, port);
  }

  http::ClientResponse PasswordLogin(const std::string& login, const std::string& password) {
    http::Headers form;
    form.Set("Content-Type", "application/x-www-form-urlencoded");
    return Request("POST", "/oauth/token",
                   "grant_type=password&username=" + login + "&password=" + password, form);
  }

  bool remove_alice_ = false;
};

TEST_F(AgentRemoval, EndsLoginAndTokens) {
  const std::string token = Login("alice", kAgentPassword);
  ASSERT_FALSE(token.empty());
  ASSERT_EQ(Api("GET", "/api/v1/me", token).status, 200);

  remove_alice_ = true;
  RestartServers();
  ASSERT_EQ(config_yaml_.find("login: alice"), std::string::npos);

  EXPECT_EQ(PasswordLogin("alice", kAgentPassword).status, 401);
  EXPECT_EQ(Api("GET", "/api/v1/me", token).status, 401);
  EXPECT_EQ(Api("GET", "/api/v1/conversations?view=queue", token).status, 401);
}

}  // namespace
}  // namespace mobilelink::integration
