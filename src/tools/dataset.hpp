#pragma once

// Readers for labelled utterance files: the CLINC150 JSON layout and `text,label` CSV. The
// replay tool and intent training both read their data through these.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mobilelink::tools {

/// One labelled customer message.
struct Utterance {
  std::string text;
  std::string label;
};

/// Invalid dataset input. `line` is 1-based, or 0 when the error has no line (a JSON layout
/// error, an unreadable file). The message reads "FILE: line N: REASON", leaving out the file
/// or the line when there is none.
class DatasetError final : public std::runtime_error {
 public:
  DatasetError(std::size_t line, const std::string& reason);
  DatasetError(const std::filesystem::path& file, std::size_t line, const std::string& reason);
  [[nodiscard]] std::size_t Line() const { return line_; }
  /// Returns the message without the file and line prefix.
  [[nodiscard]] const std::string& Reason() const { return reason_; }

 private:
  std::size_t line_;
  std::string reason_;
};

/// Returns "a directory", "a FIFO", "a socket", "a device" or "not a regular file", for
/// messages about a path that must be a regular file.
std::string FileTypeName(std::filesystem::file_type type);

/// Largest dataset file that the readers accept, so that a wrong path cannot exhaust memory.
inline constexpr std::uintmax_t kMaxDatasetBytes = std::uintmax_t{256} << 20;

/// The CLINC150 splits that `ParseClincJson` reads when the caller names none.
const std::vector<std::string>& DefaultClincSplits();

/// Parses the CLINC150 JSON layout: an object whose keys (train, val, test, oos_train, oos_val,
/// oos_test) each map to a list of [text, label] pairs. Reads `splits` in the given order.
/// Throws DatasetError when the JSON is invalid, a split is missing or an item is not a pair
/// of strings.
std::vector<Utterance> ParseClincJson(std::string_view json,
                                      const std::vector<std::string>& splits);

/// One CSV record and the 1-based line on which it starts.
struct CsvRow {
  std::size_t line = 0;
  std::vector<std::string> fields;
};

/// Parses RFC 4180 CSV into rows of fields. Accepts LF or CRLF line ends, a final line without
/// a line end, quoted fields with "" escapes and line ends inside quotes, and skips a leading
/// UTF-8 BOM. Throws DatasetError with the line number for an unterminated quote or text after
/// a closing quote, and for a quote inside an unquoted field, and on line 1 for text that
/// starts with a UTF-16 byte order mark. An empty line is a row with one
/// empty field.
std::vector<CsvRow> ParseCsv(std::string_view text);

/// Parses CSV with a header row that names a `text` and a `label` column, in any order, among
/// others. Throws DatasetError for a missing header or column, a `text` or `label` column named
/// twice, a row with a different field
/// count than the header, a text or label that is blank or not valid UTF-8, and a file with no
/// example rows. Blank lines are skipped.
std::vector<Utterance> ParseUtteranceCsv(std::string_view text);

/// Reads a dataset file: JSON when the first non-space byte after an optional BOM is '{',
/// CSV otherwise. `splits` applies to JSON only; empty means DefaultClincSplits(). Throws
/// DatasetError, with the path in the message, for a file that is missing, not a regular file
/// (after following symbolic links), larger than kMaxDatasetBytes or invalid.
std::vector<Utterance> ReadUtterances(const std::filesystem::path& path,
                                      const std::vector<std::string>& splits = {});

/// As ReadUtterances, but the file must be CSV: JSON is rejected.
std::vector<Utterance> ReadUtteranceCsv(const std::filesystem::path& path);

/// As ReadUtterances, but the file must be in the CLINC150 JSON layout: CSV is rejected.
std::vector<Utterance> ReadClincJson(const std::filesystem::path& path,
                                     const std::vector<std::string>& splits);

}  // namespace mobilelink::tools
