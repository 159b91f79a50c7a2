#include "mobilelink/customers/customer_import.hpp"

#include <gtest/gtest.h>

#include "mobilelink/common/testing/temp_dir.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::customers {
namespace {

class CustomerImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions options;
    options.path = (dir_.Path() / "customers.db").string();
    options.synchronous = "NORMAL";
    store_ = store::OpenSqliteStore(options);
  }
  void TearDown() override { store_->Stop(); }

  std::vector<ImportError> Apply(const ImportBatch& batch) {
    std::vector<ImportError> errors;
    const auto result = store_->WriteAndWait([&](core::Repository& repository) {
      errors = ApplyImport(*OpenCustomerRepository(repository), batch, core::Clock::now());
    });
    EXPECT_TRUE(result.ok) << result.error;
    return errors;
  }

  std::optional<CustomerProfile> Find(const std::string& id) {
    std::optional<CustomerProfile> profile;
    store_->Read([&](core::Repository& repository) {
      profile = OpenCustomerRepository(repository)->FindByExternalId(id);
    });
    return profile;
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(CustomerImportTest, CsvWithQuotedFields) {
  const auto parsed = ParseImportCsv(
      "customer_id,phone,name,address,balance,currency\r\n"
      "C-1,+12025550101,Ann,\"1 Main St, Apt \"\"B\"\"\",12.5,USD\r\n");
  ASSERT_TRUE(parsed.errors.empty()) << DescribeErrors(parsed.errors);
  ASSERT_TRUE(Apply(parsed.batch).empty());
  const auto profile = Find("C-1");
  ASSERT_TRUE(profile.has_value());
  EXPECT_EQ(profile->address, "1 Main St, Apt \"B\"");
  EXPECT_EQ(profile->balance_cents, 1250);
  EXPECT_EQ(profile->phone, "+12025550101");
}

TEST_F(CustomerImportTest, CsvErrorsNameLineAndField) {
  const auto parsed = ParseImportCsv(
      "customer_id,phone,email,balance\n"
      "C-1,+12025550101,ann@example.com,1.00\n"
      "C-2,5550102,bob@example.com,2.00\n"
      ",+12025550103,not-an-email,3.999\n");
  ASSERT_EQ(parsed.errors.size(), 4u) << DescribeErrors(parsed.errors);
  EXPECT_EQ(parsed.errors[0].location, "line 3");
  EXPECT_EQ(parsed.errors[0].field, "phone");
  EXPECT_EQ(parsed.errors[1].location, "line 4");
  EXPECT_EQ(parsed.errors[1].field, "customer_id");
  EXPECT_EQ(parsed.errors[2].field, "email");
  EXPECT_EQ(parsed.errors[3].field, "balance");
}

TEST_F(CustomerImportTest, CsvUnterminatedQuoteNamesLine) {
  const auto parsed = ParseImportCsv("customer_id,name\nC-1,\"Ann\n");
  ASSERT_EQ(parsed.errors.size(), 1u);
  EXPECT_EQ(parsed.errors[0].location, "line 2");
}

TEST_F(CustomerImportTest, CsvFieldCountMismatch) {
  const auto parsed = ParseImportCsv("customer_id,name\nC-1,Ann,extra\n");
  ASSERT_EQ(parsed.errors.size(), 1u);
  EXPECT_EQ(parsed.errors[0].location, "line 2");
  EXPECT_NE(parsed.errors[0].reason.find("3 fields"), std::string::npos);
}

TEST_F(CustomerImportTest, UnknownCustomerWritesNothing) {
  auto parsed = ParseImportJson(R"({
    "customers": [{"customer_id": "C-1", "name": "Ann"}],
    "transactions": [
      {"customer_id": "C-1", "id": "O-1", "kind": "order", "status": "new", "occurred_at": "2026-11-01"},
      {"customer_id": "C-9", "id": "O-2", "kind": "order", "status": "new", "occurred_at": "2026-11-01"}]})");
  ASSERT_TRUE(parsed.errors.empty()) << DescribeErrors(parsed.errors);
  const auto errors = Apply(parsed.batch);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].location, "transactions[1]");
  EXPECT_EQ(errors[0].field, "customer_id");
  EXPECT_FALSE(Find("C-1").has_value());
}

TEST_F(CustomerImportTest, JsonErrorsNameRecordAndField) {
  const auto parsed = ParseImportJson(R"({
    "customers": [{"customer_id": "C-1", "tier": ["gold"], "colour": "red"}],
    "transactions": [{"customer_id": "C-1", "id": "O-1", "kind": "gift", "status": "new",
                      "occurred_at": "2026-13-01"}]})");
  ASSERT_EQ(parsed.errors.size(), 4u) << DescribeErrors(parsed.errors);
  EXPECT_EQ(parsed.errors[0].location, "customers[0]");
  EXPECT_EQ(parsed.errors[0].field, "tier");
  EXPECT_EQ(parsed.errors[1].field, "colour");
  EXPECT_EQ(parsed.errors[2].location, "transactions[0]");
  EXPECT_EQ(parsed.errors[2].field, "kind");
  EXPECT_EQ(parsed.errors[3].field, "occurred_at");
}

TEST_F(CustomerImportTest, TransactionsNewestFirst) {
  const auto parsed = ParseImportJson(R"({
    "customers": [{"customer_id": "C-1"}],
    "transactions": [
      {"customer_id": "C-1", "id": "O-1", "kind": "order", "status": "old", "occurred_at": "2026-11-01"},
      {"customer_id": "C-1", "id": "O-2", "kind": "order", "status": "new", "occurred_at": "2026-11-02T08:00:00Z"},
      {"customer_id": "C-1", "id": "P-1", "kind": "payment", "status": "done", "amount": 7, "occurred_at": "2026-11-03"}]})");
  ASSERT_TRUE(parsed.errors.empty()) << DescribeErrors(parsed.errors);
  ASSERT_TRUE(Apply(parsed.batch).empty());
  std::vector<Transaction> orders;
  store_->Read([&](core::Repository& repository) {
    orders = OpenCustomerRepository(repository)->ListTransactions("C-1", TransactionKind::kOrder, 10);
  });
  ASSERT_EQ(orders.size(), 2u);
  EXPECT_EQ(orders[0].external_id, "O-2");
}

TEST(CustomerMoney, ParsesAndFormatsCents) {
  EXPECT_EQ(ParseCents("12"), 1200);
  EXPECT_EQ(ParseCents("-3.5"), -350);
  EXPECT_EQ(ParseCents("0.07"), 7);
  EXPECT_FALSE(ParseCents("1.234").has_value());
  EXPECT_FALSE(ParseCents("1e3").has_value());
  EXPECT_FALSE(ParseCents("").has_value());
  EXPECT_EQ(FormatCents(1250), "12.50");
  EXPECT_EQ(FormatCents(-5), "-0.05");
}

}  // namespace
}  // namespace mobilelink::customers
