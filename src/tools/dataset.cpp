#include "mobilelink/tools/dataset.hpp"

#include "mobilelink/core/text.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

namespace mobilelink::tools {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::string_view StripBom(std::string_view text) {
  if (text.starts_with(kUtf8Bom)) {
    text.remove_prefix(kUtf8Bom.size());
  }
  return text;
}

std::string FormatError(std::size_t line, const std::string& message) {
  if (line == 0) {
    return message;
  }
  return "line " + std::to_string(line) + ": " + message;
}

// Parses the pair at `index` of one split: ["text", "label"].
Utterance ParseClincItem(const boost::json::value& item, const std::string& split,
                         std::size_t index) {
  const auto where = split + "[" + std::to_string(index) + "]";
  const auto* pair = item.if_array();
  if (pair == nullptr || pair->size() != 2) {
    throw DatasetError(0, where + " is not a [text, label] pair");
  }
  const auto* text = (*pair)[0].if_string();
  const auto* label = (*pair)[1].if_string();
  if (text == nullptr || label == nullptr) {
    throw DatasetError(0, where + " must contain two strings");
  }
  return Utterance{std::string(*text), std::string(*label)};
}

// Walks CSV text byte by byte. Quoted fields may span lines, so the parser tracks the line of
// the current row's start separately from the current line.
class CsvParser final {
 public:
  explicit CsvParser(std::string_view text) : text_(StripBom(text)) {}

  std::vector<CsvRow> Parse() {
    while (pos_ < text_.size()) {
      ParseRow();
    }
    return std::move(rows_);
  }

 private:
  void ParseRow() {
    CsvRow row{line_, {}};
    while (true) {
      row.fields.push_back(ParseField());
      if (pos_ >= text_.size()) {
        break;
      }
      const char c = text_[pos_++];
      if (c == ',') {
        continue;
      }
      // ParseField stops only at a comma or a line end, so c starts a line end here.
      if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') {
        ++pos_;
      }
      ++line_;
      break;
    }
    rows_.push_back(std::move(row));
  }

  std::string ParseField() {
    if (pos_ < text_.size() && text_[pos_] == '"') {
      return ParseQuotedField();
    }
    std::string field;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ',' || c == '\n' || c == '\r') {
        break;
      }
      if (c == '"') {
        throw DatasetError(line_,
                           "quote inside an unquoted field; quote the whole field and "
                           "double the quote (\"\")");
      }
      field += c;
      ++pos_;
    }
    return field;
  }

  std::string ParseQuotedField() {
    const std::size_t opened_on = line_;
    ++pos_;
    std::string field;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c != '"') {
        if (c == '\n' || (c == '\r' && (pos_ >= text_.size() || text_[pos_] != '\n'))) {
          ++line_;
        }
        field += c;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '"') {
        field += '"';
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') {
        throw DatasetError(line_, "unexpected text after a closing quote");
      }
      return field;
    }
    throw DatasetError(opened_on, "quoted field is not closed before the end of the input");
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::vector<CsvRow> rows_;
};

bool IsBlankRow(const CsvRow& row) { return row.fields.size() == 1 && row.fields[0].empty(); }

std::size_t FindColumn(const CsvRow& header, std::string_view name) {
  const auto it = std::find(header.fields.begin(), header.fields.end(), name);
  if (it == header.fields.end()) {
    throw DatasetError(header.line, "header has no '" + std::string(name) +
                                        "' column; expected a header such as text,label");
  }
  return static_cast<std::size_t>(it - header.fields.begin());
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw DatasetError(0, "cannot open dataset file " + path.string());
  }
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

DatasetError::DatasetError(std::size_t line, const std::string& message)
    : std::runtime_error(FormatError(line, message)), line_(line), reason_(message) {}

const std::vector<std::string>& DefaultClincSplits() {
  static const std::vector<std::string> splits = {"test", "oos_test"};
  return splits;
}

std::vector<Utterance> ParseClincJson(std::string_view json,
                                      const std::vector<std::string>& splits) {
  boost::system::error_code ec;
  const auto root = boost::json::parse(StripBom(json), ec);
  if (ec) {
    throw DatasetError(0, "invalid JSON: " + ec.message());
  }
  const auto* object = root.if_object();
  if (object == nullptr) {
    throw DatasetError(0, "the JSON root must be an object of splits such as \"test\"");
  }
  std::vector<Utterance> utterances;
  for (const auto& split : splits) {
    const auto* items = object->if_contains(split);
    if (items == nullptr || !items->is_array()) {
      throw DatasetError(0, "split '" + split + "' is missing or not a list");
    }
    const auto& list = items->get_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      utterances.push_back(ParseClincItem(list[i], split, i));
    }
  }
  return utterances;
}

std::vector<CsvRow> ParseCsv(std::string_view text) { return CsvParser(text).Parse(); }

std::vector<Utterance> ParseUtteranceCsv(std::string_view text) {
  const auto rows = ParseCsv(text);
  auto row = rows.begin();
  while (row != rows.end() && IsBlankRow(*row)) {
    ++row;
  }
  if (row == rows.end()) {
    throw DatasetError(1, "missing header row; expected text,label");
  }
  const CsvRow& header = *row++;
  const std::size_t text_column = FindColumn(header, "text");
  const std::size_t label_column = FindColumn(header, "label");

  std::vector<Utterance> utterances;
  for (; row != rows.end(); ++row) {
    if (IsBlankRow(*row)) {
      continue;
    }
    if (row->fields.size() != header.fields.size()) {
      throw DatasetError(row->line, "expected " + std::to_string(header.fields.size()) +
                                        " fields as in the header, found " +
                                        std::to_string(row->fields.size()));
    }
    const std::string& text = row->fields[text_column];
    const std::string& label = row->fields[label_column];
    for (const std::string* field : {&text, &label}) {
      if (const auto invalid = core::FindInvalidUtf8(*field)) {
        throw DatasetError(row->line, std::string(field == &text ? "text" : "label") +
                                          " is not valid UTF-8 at byte " +
                                          std::to_string(*invalid) + "; save the file as UTF-8");
      }
    }
    if (core::IsBlank(text)) {
      throw DatasetError(row->line, "text is empty; remove the row or write the message");
    }
    if (core::IsBlank(label)) {
      throw DatasetError(row->line, "label is empty; every example needs its intent");
    }
    utterances.push_back(Utterance{text, label});
  }
  if (utterances.empty()) {
    throw DatasetError(header.line, "no examples after the header row");
  }
  return utterances;
}

std::vector<Utterance> ReadUtterances(const std::filesystem::path& path,
                                      const std::vector<std::string>& splits) {
  const std::string content = ReadFile(path);
  const std::string_view body = StripBom(content);
  const auto first = body.find_first_not_of(" \t\r\n");
  try {
    if (first != std::string_view::npos && body[first] == '{') {
      return ParseClincJson(body, splits.empty() ? DefaultClincSplits() : splits);
    }
    return ParseUtteranceCsv(content);
  } catch (const DatasetError& error) {
    throw DatasetError(error.Line(), path.string() + ": " + error.Reason());
  }
}

}  // namespace mobilelink::tools
