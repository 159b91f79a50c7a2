#include "mobilelink/nlu/word_vectors.hpp"

#include <fstream>
#include <iomanip>
#include <sstream>
#include <stdexcept>

#include <boost/json/basic_parser_impl.hpp>

namespace mobilelink::nlu {

namespace {

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
  bool on_int64(std::int64_t value, boost::json::string_view, boost::json::error_code&) {
    return Number(static_cast<double>(value));
  }
  bool on_uint64(std::uint64_t value, boost::json::string_view, boost::json::error_code&) {
    return Number(static_cast<double>(value));
  }
  bool on_double(double value, boost::json::string_view, boost::json::error_code&) {
    return Number(value);
  }
  bool on_bool(bool, boost::json::error_code&) { return true; }
  bool on_null(boost::json::error_code&) { return true; }
  bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }

 private:
  bool Number(double value) {
    if (depth_ == 1 && top_key_ == "dimensions") {
      result_.dim = static_cast<int>(value);
    } else if (collecting_) {
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
  if (!(header_in >> count >> result.dim) || result.dim <= 0) {
    throw std::runtime_error("invalid word vector file " + path.string() +
                             ": the first line must be \"<word count> <size>\"");
  }
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
    for (auto& value : vector) {
      if (!(values >> value)) {
        throw std::runtime_error("invalid word vector file " + path.string() + ": line " +
                                 std::to_string(line_number) + " has fewer than " +
                                 std::to_string(result.dim) + " numbers");
      }
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
