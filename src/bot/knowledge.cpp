#include "mobilelink/bot/knowledge.hpp"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include <sodium.h>
#include <yaml-cpp/yaml.h>

#include "mobilelink/bot/tier_zero_bot.hpp"

namespace mobilelink::bot {

namespace {

const std::set<std::string, std::less<>>& StopWords() {
  static const std::set<std::string, std::less<>> words{
      "a",    "an",   "and",   "are", "can",  "do",   "does", "for",   "how",  "i",
      "in",   "is",   "it",    "me",  "my",   "of",   "on",   "or",    "the",  "to",
      "what", "when", "where", "you", "your", "with", "be",   "there", "this", "that",
      "was",  "will", "we",    "our", "have", "has",  "get",  "at",    "from", "about",
      "no",   "not",  "yes",   "ok",  "okay", "he",   "she",  "they",  "its",  "up"};
  return words;
}

std::string Trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) {
    return {};
  }
  const auto end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

// Parses YYYY-MM-DD as midnight UTC.
core::TimePoint ParseDate(const std::string& text) {
  std::tm parts{};
  std::istringstream input(text);
  input >> std::get_time(&parts, "%Y-%m-%d");
  if (input.fail() || text.size() != 10) {
    throw std::invalid_argument("updated: '" + text + "' is not a date in the form YYYY-MM-DD");
  }
  const std::chrono::year_month_day day{std::chrono::year(parts.tm_year + 1900),
                                        std::chrono::month(parts.tm_mon + 1),
                                        std::chrono::day(parts.tm_mday)};
  if (!day.ok()) {
    throw std::invalid_argument("updated: '" + text + "' is not a valid calendar date");
  }
  return std::chrono::sys_days(day);
}

std::vector<std::string> ReadTags(const YAML::Node& node) {
  std::vector<std::string> tags;
  if (!node.IsDefined() || node.IsNull()) {
    return tags;
  }
  if (node.IsSequence()) {
    for (const auto& item : node) {
      tags.push_back(Trim(item.as<std::string>()));
    }
    return tags;
  }
  // A comma-separated string is accepted too: "tags: card, freeze".
  std::stringstream list(node.as<std::string>());
  for (std::string tag; std::getline(list, tag, ',');) {
    if (!Trim(tag).empty()) {
      tags.push_back(Trim(tag));
    }
  }
  return tags;
}

std::string ContentHashOf(const ArticleSource& source) {
  std::string content = source.title + '\0' + source.locale + '\0' + source.body + '\0';
  for (const auto& tag : source.tags) {
    content += tag + ',';
  }
  if (source.updated_at) {
    content += std::to_string(source.updated_at->time_since_epoch().count());
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(content.data()),
                     content.size());
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

}  // namespace

std::vector<std::string> ContentTerms(std::string_view text) {
  std::vector<std::string> terms;
  for (auto& word : Words(text)) {
    // One character is left of "it's" or "can't" once the apostrophe splits them, and it
    // would match any article with such a word.
    if (word.size() > 1 && !StopWords().contains(word)) {
      terms.push_back(std::move(word));
    }
  }
  return terms;
}

std::string FtsQuery(std::string_view text) {
  auto terms = ContentTerms(text);
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  std::string query;
  for (const auto& term : terms) {
    // Words() keeps only ASCII letters and digits, so a term never contains a quote.
    query += query.empty() ? "" : " OR ";
    query += "\"" + term + "\"";
  }
  return query;
}

ArticleSource ParseMarkdownArticle(std::string_view text, std::string slug) {
  ArticleSource article;
  article.slug = std::move(slug);
  std::string body(text);
  if (body.starts_with("---\n") || body.starts_with("---\r\n")) {
    const auto first_line_end = body.find('\n');
    const auto close = body.find("\n---", first_line_end);
    if (close == std::string::npos) {
      throw std::invalid_argument("front matter starts with --- but has no closing --- line");
    }
    const std::string front = body.substr(first_line_end + 1, close - first_line_end - 1);
    const auto after = body.find('\n', close + 4);
    body = after == std::string::npos ? std::string() : body.substr(after + 1);
    YAML::Node meta;
    try {
      meta = YAML::Load(front);
    } catch (const YAML::Exception& error) {
      throw std::invalid_argument("front matter is not valid YAML: " + error.msg);
    }
    if (meta.IsDefined() && !meta.IsNull() && !meta.IsMap()) {
      throw std::invalid_argument("front matter must be a map of keys");
    }
    for (const auto& entry : meta) {
      const std::string key = entry.first.as<std::string>();
      if (key != "title" && key != "tags" && key != "locale" && key != "updated") {
        throw std::invalid_argument("unknown front matter key '" + key +
                                    "'; expected title, tags, locale or updated");
      }
    }
    try {
      if (meta["title"]) {
        article.title = Trim(meta["title"].as<std::string>());
      }
      article.tags = ReadTags(meta["tags"]);
      if (meta["locale"]) {
        article.locale = Trim(meta["locale"].as<std::string>());
      }
      if (meta["updated"]) {
        article.updated_at = ParseDate(Trim(meta["updated"].as<std::string>()));
      }
    } catch (const YAML::Exception& error) {
      throw std::invalid_argument("front matter value is not text: " + error.msg);
    }
  }
  if (article.title.empty()) {
    std::istringstream lines(body);
    for (std::string line; std::getline(lines, line);) {
      if (line.starts_with("# ")) {
        article.title = Trim(line.substr(2));
        break;
      }
    }
  }
  article.body = Trim(body);
  if (article.title.empty()) {
    throw std::invalid_argument("no title: add title: to the front matter or a '# ' heading");
  }
  if (article.body.empty()) {
    throw std::invalid_argument("the article has no body");
  }
  return article;
}

std::vector<ArticleSource> ReadArticleFolder(const std::filesystem::path& folder,
                                             std::vector<std::string>& errors) {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (std::filesystem::recursive_directory_iterator it(folder, error), end; !error && it != end;
       it.increment(error)) {
    if (it->is_regular_file() && it->path().extension() == ".md") {
      files.push_back(it->path());
    }
  }
  if (error) {
    errors.push_back(folder.string() + ": cannot read the folder: " + error.message());
    return {};
  }
  std::sort(files.begin(), files.end());
  std::vector<ArticleSource> articles;
  for (const auto& file : files) {
    std::ifstream input(file, std::ios::binary);
    std::stringstream text;
    text << input.rdbuf();
    const std::string slug = std::filesystem::relative(file, folder).generic_string();
    try {
      articles.push_back(ParseMarkdownArticle(text.str(), slug));
    } catch (const std::invalid_argument& failure) {
      errors.push_back(slug + ": " + failure.what());
    }
  }
  return articles;
}

std::vector<ArticleSource> ConfigArticles(const std::vector<Article>& articles) {
  std::vector<ArticleSource> sources;
  for (const auto& article : articles) {
    sources.push_back({"config/" + article.title, article.title, article.tags, article.locale,
                       article.body, std::nullopt});
  }
  return sources;
}

ImportReport SyncArticles(core::Repository& unit, const std::vector<ArticleSource>& sources,
                          core::TimePoint now) {
  auto knowledge = OpenKnowledgeRepository(unit);
  ImportReport report;
  std::set<std::string, std::less<>> slugs;
  for (const auto& source : sources) {
    if (!slugs.insert(source.slug).second) {
      report.errors.push_back(source.slug + ": the same article appears twice; the first is kept");
      continue;
    }
    // A date after the import would count the article as fresh until that date.
    if (source.updated_at && *source.updated_at > now) {
      report.errors.push_back(source.slug +
                              ": updated is a future date; use the date of the last real "
                              "change (YYYY-MM-DD) or leave it out");
      continue;
    }
    const std::string hash = ContentHashOf(source);
    const auto stored = knowledge->ContentHash(source.slug);
    if (stored && *stored == hash) {
      ++report.unchanged;
      continue;
    }
    knowledge->Upsert(source, hash, source.updated_at.value_or(now));
    ++(stored ? report.updated : report.added);
  }
  for (const auto& article : knowledge->List()) {
    if (!slugs.contains(article.slug)) {
      knowledge->Remove(article.slug);
      ++report.removed;
    }
  }
  return report;
}

}  // namespace mobilelink::bot
