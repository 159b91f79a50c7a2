// The KPI report as JSON and as CSV must give the same figure under the same name, and a filter
// that matches nothing because of a typo must be rejected instead of returning a report.

#include <algorithm>
#include <sstream>

#include "server_fixture.hpp"

namespace mobilelink::integration {
namespace {

constexpr char kCustomer[] = "+12025550155";
constexpr char kReport[] = "/api/v1/analytics/report";

class KpiReportConsistency : public ServerFixture {
 protected:
  // Returns the cells of the first CSV row whose first cell is `label`, split at commas. The
  // rows compared here contain numbers only, so no cell is quoted. A trailing empty cell is
  // kept, so every row has as many cells as the header.
  static std::vector<std::string> CsvRow(const std::string& csv, const std::string& label) {
    std::istringstream lines(csv);
    std::string line;
    while (std::getline(lines, line)) {
      if (!line.empty() && line.back() == '\r') {
        line.pop_back();
      }
      std::vector<std::string> cells;
      std::size_t start = 0;
      while (true) {
        const std::size_t comma = line.find(',', start);
        cells.push_back(line.substr(start, comma - start));
        if (comma == std::string::npos) {
          break;
        }
        start = comma + 1;
      }
      if (cells[0] == label) {
        return cells;
      }
    }
    return {};
  }
};

TEST_F(KpiReportConsistency, CsvEscalationsMatchJson) {
  ASSERT_EQ(PostSms("SM-kpi-handoff-1", kCustomer, "agent").status, 200);
  const std::string token = Login("bob", kSupervisorPassword);
  std::int64_t handoffs = 0;
  std::int64_t json_escalations = -1;
  ASSERT_TRUE(WaitUntil([&] {
    const auto report = Api("GET", std::string(kReport) + "?period=total", token);
    if (report.status != 200) {
      return false;
    }
    const auto body = ParseJson(report.body);
    const auto& periods = body.as_object().at("periods").as_array();
    const auto& kpis = periods[0].as_object().at("kpis").as_object();
    handoffs = kpis.at("handoffs").as_int64();
    json_escalations = kpis.at("escalations").as_int64();
    return handoffs == 1;
  }));

  const auto csv = Api("GET", std::string(kReport) + ".csv?period=total", token);
  ASSERT_EQ(csv.status, 200) << csv.body;
  const auto header = CsvRow(csv.body, "period");
  const auto total = CsvRow(csv.body, "total");
  ASSERT_EQ(header.size(), total.size()) << csv.body;
  const auto column = std::find(header.begin(), header.end(), "escalations");
  ASSERT_NE(column, header.end()) << csv.body;
  const auto index = static_cast<std::size_t>(column - header.begin());
  EXPECT_EQ(total[index], std::to_string(json_escalations)) << csv.body;
}

TEST_F(KpiReportConsistency, UnknownFiltersRejected) {
  const std::string token = Login("bob", kSupervisorPassword);
  struct BadQuery {
    const char* query;
    const char* field;
    const char* accepted;  // One accepted value that the message must list.
  };
  const BadQuery bad_queries[] = {
      {"?agent_id=1", "agent_id", "priority"},
      {"?chanel=webchat", "chanel", "channel"},
      {"?channel=telegram", "channel", "webchat"},
  };
  for (const auto& bad : bad_queries) {
    for (const char* suffix : {"", ".csv"}) {
      const std::string target = std::string(kReport) + suffix + bad.query;
      const auto report = Api("GET", target, token);
      EXPECT_EQ(report.status, 400) << target << " " << report.body.substr(0, 200);
      if (report.status != 400) {
        continue;
      }
      const auto body = ParseJson(report.body);
      const auto& error = body.as_object().at("error").as_object();
      EXPECT_EQ(error.at("field").as_string(), bad.field) << target;
      const std::string message(error.at("message").as_string());
      EXPECT_NE(message.find(bad.accepted), std::string::npos) << target << " " << message;
    }
  }
}

}  // namespace
}  // namespace mobilelink::integration
