// Access rules of GET /api/v1/conversations/{id}/suggestions for agents without the supervisor
// role: the response carries the customer's newest message as "query", so an agent may read it
// only for conversations that the other conversation routes also let them read.

#include "server_fixture.hpp"

namespace mobilelink::integration {
namespace {

constexpr char kCustomer[] = "+12025550166";

class SuggestionsAccess : public ServerFixture {};

// A conversation that the bot still handles is not in the queue, so GET /conversations/{id}
// returns 403 to an agent. The suggestions route must return 403 too, without the customer's
// text.
TEST_F(SuggestionsAccess, BotConversationHiddenFromAgent) {
  ASSERT_EQ(PostSms("SM-suggest-1", kCustomer, "my new address is 1 Secret Road").status, 200);
  const std::int64_t conversation = Store().Integer(
      "SELECT conversation_id FROM messages WHERE provider_message_id = 'SM-suggest-1'");
  const std::string token = Login("alice", kAgentPassword);
  const std::string base = "/api/v1/conversations/" + std::to_string(conversation);

  const auto conversation_read = Api("GET", base, token);
  ASSERT_EQ(conversation_read.status, 403) << conversation_read.body;

  const auto suggestions = Api("GET", base + "/suggestions", token);
  EXPECT_EQ(suggestions.status, 403) << suggestions.body;
  EXPECT_EQ(suggestions.body.find("Secret Road"), std::string::npos) << suggestions.body;
}

}  // namespace
}  // namespace mobilelink::integration
