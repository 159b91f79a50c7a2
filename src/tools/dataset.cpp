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

std::string FormatError(const std::filesystem::path& file, std::size_t line,
                        const std::string& reason) {
  std::string message;
  if (!file.empty()) {
    message += file.string() + ": ";
  }
  if (line != 0) {
    message += "line " + std::to_string(line) + ": ";
  }
  return message + reason;
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
    if (text_.starts_with("\xFF\xFE") || text_.starts_with("\xFE\xFF")) {
      throw DatasetError(1, std::string("the file is UTF-16 (it starts with the byte order mark ") +
                                (text_[0] == '\xFF' ? "FF FE" : "FE FF") +
                                "); save it as UTF-8");
    }
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
  const auto again = std::find(it + 1, header.fields.end(), name);
  if (again != header.fields.end()) {
    throw DatasetError(header.line, "header names the '" + std::string(name) +
                                        "' column twice (columns " +
                                        std::to_string(it - header.fields.begin() + 1) + " and " +
                                        std::to_string(again - header.fields.begin() + 1) +
                                        "); keep one of them");
  }
  return static_cast<std::size_t>(it - header.fields.begin());
}

// Reads a whole regular file of at most kMaxDatasetBytes. Special files are rejected before
// they are opened, because a FIFO blocks and a device such as /dev/zero never ends.
std::string ReadFile(const std::filesystem::path& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status)) {
    throw DatasetError(path, 0, "file not found");
  }
  if (!std::filesystem::is_regular_file(status)) {
    throw DatasetError(path, 0, "the path is " + FileTypeName(status.type()) +
                                    "; a dataset must be a regular file");
  }
  const auto size = std::filesystem::file_size(path, error);
  if (!error && size > kMaxDatasetBytes) {
    throw DatasetError(path, 0, "the file has " + std::to_string(size) +
                                    " bytes, more than the limit of " +
                                    std::to_string(kMaxDatasetBytes) + "; split it");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw DatasetError(path, 0, "cannot open the file for reading");
  }
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

bool LooksLikeJson(std::string_view content) {
  const std::string_view body = StripBom(content);
  const auto first = body.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && body[first] == '{';
}

enum class Format { kDetect, kCsv, kClincJson };

std::vector<Utterance> ReadDataset(const std::filesystem::path& path,
                                   const std::vector<std::string>& splits, Format format) {
  const std::string content = ReadFile(path);
  const bool json = LooksLikeJson(content);
  if (format == Format::kCsv && json) {
    throw DatasetError(path, 0,
                       "the file is JSON, but CSV with a header such as text,label is expected");
  }
  if (format == Format::kClincJson && !json) {
    throw DatasetError(path, 0,
                       "the file is not JSON (it does not start with '{'), but the CLINC150 JSON "
                       "layout is expected");
  }
  try {
    if (json) {
      return ParseClincJson(StripBom(content), splits.empty() ? DefaultClincSplits() : splits);
    }
    return ParseUtteranceCsv(content);
  } catch (const DatasetError& error) {
    throw DatasetError(path, error.Line(), error.Reason());
  }
}

}  // namespace

std::string FileTypeName(std::filesystem::file_type type) {
  switch (type) {
    case std::filesystem::file_type::directory:
      return "a directory";
    case std::filesystem::file_type::fifo:
      return "a FIFO";
    case std::filesystem::file_type::socket:
      return "a socket";
    case std::filesystem::file_type::block:
    case std::filesystem::file_type::character:
      return "a device";
    default:
      return "not a regular file";
  }
}

DatasetError::DatasetError(std::size_t line, const std::string& reason)
    : DatasetError({}, line, reason) {}

DatasetError::DatasetError(const std::filesystem::path& file, std::size_t line,
                           const std::string& reason)
    : std::runtime_error(FormatError(file, line, reason)), line_(line), reason_(reason) {}

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
  return ReadDataset(path, splits, Format::kDetect);
}

std::vector<Utterance> ReadUtteranceCsv(const std::filesystem::path& path) {
  return ReadDataset(path, {}, Format::kCsv);
}

std::vector<Utterance> ReadClincJson(const std::filesystem::path& path,
                                     const std::vector<std::string>& splits) {
  return ReadDataset(path, splits, Format::kClincJson);
}

}  // namespace mobilelink::tools
