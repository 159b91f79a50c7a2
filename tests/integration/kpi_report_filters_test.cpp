// Filters and rows of the KPI report that the consistency tests do not cover: a filter value
// that names no inbox, team or agent, and the CSV of a report with period=total.

#include <sstream>

#include "server_fixture.hpp"

namespace mobilelink::integration {
namespace {

constexpr char kReport[] = "/api/v1/analytics/report";

class KpiReportFilters : public ServerFixture {};

// The report documents that anything but a known dimension value is rejected with 400, because a
// misspelled filter would otherwise return zero figures.
TEST_F(KpiReportFilters, UnknownValuesRejected) {
  const std::string token = Login("bob", kSupervisorPassword);
  const char* const bad_queries[] = {"?inbox=smss", "?team=no-such-team", "?agent=999999"};
  for (const char* query : bad_queries) {
    const auto report = Api("GET", std::string(kReport) + query, token);
    EXPECT_EQ(report.status, 400) << query << " " << report.body.substr(0, 200);
  }
}

TEST_F(KpiReportFilters, TotalCsvHasOneTotalRow) {
  const std::string token = Login("bob", kSupervisorPassword);
  const auto csv = Api("GET", std::string(kReport) + ".csv?period=total", token);
  ASSERT_EQ(csv.status, 200) << csv.body;

  std::istringstream lines(csv.body);
  std::string line;
  int total_rows = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("total,", 0) == 0) {
      ++total_rows;
    }
  }
  EXPECT_EQ(total_rows, 1) << csv.body;
}

}  // namespace
}  // namespace mobilelink::integration
