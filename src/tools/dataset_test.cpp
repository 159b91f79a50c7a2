#include "mobilelink/tools/dataset.hpp"

#include <filesystem>
#include <fstream>
#include <stdlib.h>
#include <string>

#include <gtest/gtest.h>

namespace mobilelink::tools {
namespace {

std::size_t ErrorLine(std::string_view csv) {
  try {
    ParseUtteranceCsv(csv);
  } catch (const DatasetError& error) {
    return error.Line();
  }
  ADD_FAILURE() << "no DatasetError for: " << csv;
  return 0;
}

TEST(Csv, ParsesHeaderAndRows) {
  const auto rows = ParseUtteranceCsv("text,label\nhello,greeting\nbye,farewell\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].text, "hello");
  EXPECT_EQ(rows[0].label, "greeting");
  EXPECT_EQ(rows[1].text, "bye");
  EXPECT_EQ(rows[1].label, "farewell");
}

TEST(Csv, AcceptsCrlfAndMissingFinalNewline) {
  const auto rows = ParseUtteranceCsv("text,label\r\na,x\r\nb,y");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].label, "x");
  EXPECT_EQ(rows[1].text, "b");
  EXPECT_EQ(rows[1].label, "y");
}

TEST(Csv, UnescapesDoubledQuotes) {
  const auto rows = ParseUtteranceCsv("text,label\n\"say \"\"hi\"\", ok\",greeting\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].text, "say \"hi\", ok");
}

TEST(Csv, KeepsNewlinesInsideQuotes) {
  const auto rows = ParseUtteranceCsv("text,label\n\"line one\r\nline two\",multi\nnext,x\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].text, "line one\r\nline two");
  EXPECT_EQ(rows[1].text, "next");
}

TEST(Csv, SkipsUtf8Bom) {
  const auto rows = ParseUtteranceCsv("\xEF\xBB\xBFtext,label\nhi,greeting\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].text, "hi");
}

TEST(Csv, FindsColumnsInAnyOrder) {
  const auto rows = ParseUtteranceCsv("id,label,text\n1,greeting,hello\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].text, "hello");
  EXPECT_EQ(rows[0].label, "greeting");
}

TEST(Csv, KeepsEmptyFields) {
  const auto rows = ParseCsv("text,label\n,oos\n\"\",oos\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].fields.at(0), "");
  EXPECT_EQ(rows[2].fields.at(0), "");
}

TEST(Csv, RejectsBlankTextOrLabel) {
  EXPECT_EQ(ErrorLine("text,label\na,x\n,oos\n"), 3u);
  EXPECT_EQ(ErrorLine("text,label\n\"  \",oos\n"), 2u);
  EXPECT_EQ(ErrorLine("text,label\na,\n"), 2u);
}

TEST(Csv, RejectsInvalidUtf8) {
  EXPECT_EQ(ErrorLine("text,label\na,x\n\"b\xFF\",x\n"), 3u);
  EXPECT_EQ(ErrorLine("text,label\na,\xFE\n"), 2u);
}

TEST(Csv, RejectsHeaderWithoutExamples) {
  EXPECT_EQ(ErrorLine("text,label\n"), 1u);
  EXPECT_EQ(ErrorLine("text,label\r\n\r\n"), 1u);
}

TEST(Csv, SkipsBlankLines) {
  const auto rows = ParseUtteranceCsv("\ntext,label\n\na,x\n\n");
  EXPECT_EQ(rows.size(), 1u);
}

TEST(Csv, KeepsUtf8Text) {
  const auto rows = ParseUtteranceCsv("text,label\n\"¿Dónde está mi pedido? 📦\",order\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].text, "¿Dónde está mi pedido? 📦");
}

TEST(Csv, RejectsMissingHeader) {
  EXPECT_EQ(ErrorLine(""), 1u);
  EXPECT_EQ(ErrorLine("hello,greeting\n"), 1u);
}

TEST(Csv, ReportsLineOfWrongFieldCount) { EXPECT_EQ(ErrorLine("text,label\na,x\nb,y,z\n"), 3u); }

TEST(Csv, CountsLinesInsideQuotedFields) {
  EXPECT_EQ(ErrorLine("text,label\n\"a\nb\",x\nc\n"), 4u);
}

TEST(Csv, ReportsUnclosedQuoteWhereItOpened) {
  EXPECT_EQ(ErrorLine("text,label\na,x\n\"never closed,x\nmore\n"), 3u);
}

TEST(Csv, RejectsTextAfterClosingQuote) { EXPECT_EQ(ErrorLine("text,label\n\"a\"b,x\n"), 2u); }

TEST(Csv, RejectsQuoteInsideUnquotedField) {
  EXPECT_EQ(ErrorLine("text,label\nsay \"hi\",x\n"), 2u);
}

TEST(Csv, ErrorMessageNamesLineAndReason) {
  try {
    ParseUtteranceCsv("text,label\na,x,y\n");
    FAIL() << "no DatasetError";
  } catch (const DatasetError& error) {
    EXPECT_EQ(std::string(error.what()), "line 2: expected 2 fields as in the header, found 3");
  }
}

TEST(ClincJson, ReadsDefaultSplitsInOrder) {
  const auto rows = ParseClincJson(
      R"({"train":[["t","a"]],"test":[["hello","greeting"]],"oos_test":[["sing","oos"]]})",
      DefaultClincSplits());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].text, "hello");
  EXPECT_EQ(rows[0].label, "greeting");
  EXPECT_EQ(rows[1].label, "oos");
}

TEST(ClincJson, ReadsNamedSplit) {
  const auto rows = ParseClincJson(R"({"train":[["t","a"],["u","b"]]})", {"train"});
  EXPECT_EQ(rows.size(), 2u);
}

TEST(ClincJson, RejectsMissingSplit) {
  EXPECT_THROW(ParseClincJson(R"({"train":[]})", {"test"}), DatasetError);
}

TEST(ClincJson, RejectsItemThatIsNotPair) {
  EXPECT_THROW(ParseClincJson(R"({"test":[["only text"]]})", {"test"}), DatasetError);
  EXPECT_THROW(ParseClincJson(R"({"test":[["text",3]]})", {"test"}), DatasetError);
}

TEST(ClincJson, RejectsInvalidJson) {
  EXPECT_THROW(ParseClincJson("{\"test\":[", {"test"}), DatasetError);
}

TEST(ReadUtterances, DetectsFormatFromContent) {
  std::string dir_template = (std::filesystem::temp_directory_path() / "dataset_XXXXXX").string();
  ASSERT_NE(mkdtemp(dir_template.data()), nullptr);
  const std::filesystem::path dir = dir_template;
  {
    std::ofstream(dir / "data.json") << "\xEF\xBB\xBF  {\"test\":[[\"a\",\"x\"]],\"oos_test\":[]}";
    std::ofstream(dir / "data.csv") << "text,label\nb,y\n";
  }
  EXPECT_EQ(ReadUtterances(dir / "data.json").size(), 1u);
  const auto csv = ReadUtterances(dir / "data.csv");
  ASSERT_EQ(csv.size(), 1u);
  EXPECT_EQ(csv[0].text, "b");
  EXPECT_THROW(ReadUtterances(dir / "missing.csv"), DatasetError);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mobilelink::tools
