#include "mobilelink/tools/dataset.hpp"

#include <filesystem>
#include <fstream>
#include <functional>
#include <stdlib.h>
#include <sys/stat.h>
#include <string>

#include <gtest/gtest.h>

namespace mobilelink::tools {
namespace {

DatasetError ErrorOf(std::string_view csv) {
  try {
    ParseUtteranceCsv(csv);
  } catch (const DatasetError& error) {
    return error;
  }
  ADD_FAILURE() << "no DatasetError for: " << csv;
  return DatasetError(0, "no error");
}

std::size_t ErrorLine(std::string_view csv) { return ErrorOf(csv).Line(); }

std::string ErrorMessage(std::string_view csv) { return ErrorOf(csv).what(); }

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

TEST(Csv, NamesUtf16ByteOrderMark) {
  const std::string little("\xFF\xFEt\0e\0x\0t\0", 10);
  const std::string big("\xFE\xFF\0t\0e\0x\0t", 10);
  EXPECT_EQ(ErrorMessage(little),
            "line 1: the file is UTF-16 (it starts with the byte order mark FF FE); save it as "
            "UTF-8");
  EXPECT_EQ(ErrorMessage(big),
            "line 1: the file is UTF-16 (it starts with the byte order mark FE FF); save it as "
            "UTF-8");
}

TEST(Csv, RejectsDuplicateColumn) {
  EXPECT_EQ(ErrorMessage("text,label,text\na,x,b\n"),
            "line 1: header names the 'text' column twice (columns 1 and 3); keep one of them");
  EXPECT_EQ(ErrorLine("id,label,text,label\n1,x,a,y\n"), 1u);
  // Other columns are not read, so their names may repeat.
  EXPECT_EQ(ParseUtteranceCsv("id,text,id,label\n1,a,2,x\n").size(), 1u);
}

class DatasetFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "dataset_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path Write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary) << content;
    return dir_ / name;
  }

  static std::string Message(const std::function<void()>& read) {
    try {
      read();
    } catch (const DatasetError& error) {
      return error.what();
    }
    ADD_FAILURE() << "no DatasetError";
    return {};
  }

  std::filesystem::path dir_;
};

TEST_F(DatasetFiles, MessageStartsWithFileThenLine) {
  const auto path = Write("c.csv", "text,label\na,x\nb,y,z\n");
  EXPECT_EQ(Message([&] { ReadUtterances(path); }),
            path.string() + ": line 3: expected 2 fields as in the header, found 3");
  const auto json = Write("c.json", "{\"test\":[[\"a\"]]}");
  EXPECT_EQ(Message([&] { ReadUtterances(json); }),
            json.string() + ": test[0] is not a [text, label] pair");
}

TEST_F(DatasetFiles, RejectsDirectoryFifoAndDevice) {
  EXPECT_EQ(Message([&] { ReadUtterances(dir_); }),
            dir_.string() + ": the path is a directory; a dataset must be a regular file");
  const auto fifo = dir_ / "fifo.csv";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  // Opening a FIFO with no writer would block, so an accepted FIFO hangs this test.
  EXPECT_EQ(Message([&] { ReadUtterances(fifo); }),
            fifo.string() + ": the path is a FIFO; a dataset must be a regular file");
  EXPECT_EQ(Message([&] { ReadUtterances("/dev/zero"); }),
            "/dev/zero: the path is a device; a dataset must be a regular file");
  EXPECT_EQ(Message([&] { ReadUtterances(dir_ / "missing.csv"); }),
            (dir_ / "missing.csv").string() + ": file not found");
}

TEST_F(DatasetFiles, FollowsSymbolicLinkToRegularFile) {
  const auto target = Write("data.csv", "text,label\na,x\n");
  std::filesystem::create_symlink(target, dir_ / "link.csv");
  EXPECT_EQ(ReadUtterances(dir_ / "link.csv").size(), 1u);
  std::filesystem::create_symlink("/dev/zero", dir_ / "zero.csv");
  EXPECT_THROW(ReadUtterances(dir_ / "zero.csv"), DatasetError);
}

TEST_F(DatasetFiles, RejectsFileOverSizeLimit) {
  const auto path = Write("big.csv", "text,label\na,x\n");
  std::filesystem::resize_file(path, kMaxDatasetBytes + 1);
  EXPECT_EQ(Message([&] { ReadUtterances(path); }),
            path.string() + ": the file has " + std::to_string(kMaxDatasetBytes + 1) +
                " bytes, more than the limit of " + std::to_string(kMaxDatasetBytes) +
                "; split it");
}

TEST_F(DatasetFiles, FormatSpecificReadersRejectOtherFormat) {
  const auto csv = Write("data.csv", "text,label\na,x\n");
  const auto json = Write("data.json", "{\"train\":[[\"a\",\"x\"]]}");
  EXPECT_EQ(ReadUtteranceCsv(csv).size(), 1u);
  EXPECT_EQ(ReadClincJson(json, {"train"}).size(), 1u);
  EXPECT_EQ(Message([&] { ReadUtteranceCsv(json); }),
            json.string() + ": the file is JSON, but CSV with a header such as text,label is "
                            "expected");
  EXPECT_EQ(Message([&] { ReadClincJson(csv, {"train"}); }),
            csv.string() + ": the file is not JSON (it does not start with '{'), but the "
                           "CLINC150 JSON layout is expected");
}

}  // namespace
}  // namespace mobilelink::tools
