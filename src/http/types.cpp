#include "mobilelink/http/types.hpp"

#include <boost/json.hpp>

namespace mobilelink::http {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower_a = static_cast<unsigned char>(a[i]) | 0x20;
    auto lower_b = static_cast<unsigned char>(b[i]) | 0x20;
    // Folding with 0x20 is only a case fold for letters, so other bytes compare exactly.
    bool letter = (a[i] >= 'A' && a[i] <= 'Z') || (a[i] >= 'a' && a[i] <= 'z');
    if (letter ? lower_a != lower_b : a[i] != b[i]) {
      return false;
    }
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// Decodes %XX escapes; `plus_is_space` selects the form rule for '+'.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && plus_is_space) {
      decoded += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) {
        return std::nullopt;
      }
      int high = HexValue(text[i + 1]);
      int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) {
        return std::nullopt;
      }
      decoded += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      decoded += c;
    }
  }
  return decoded;
}

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> segments;
  if (path.starts_with('/')) {
    path.remove_prefix(1);
  }
  while (true) {
    std::size_t slash = path.find('/');
    segments.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) {
      break;
    }
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool IsParamSegment(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::optional<std::string> Headers::Get(std::string_view name) const {
  for (const auto& [line_name, value] : lines_) {
    if (EqualsIgnoreCase(line_name, name)) {
      return value;
    }
  }
  return std::nullopt;
}

void Headers::Add(std::string name, std::string value) {
  lines_.emplace_back(std::move(name), std::move(value));
}

void Headers::Set(std::string name, std::string value) {
  std::erase_if(lines_, [&](const auto& line) { return EqualsIgnoreCase(line.first, name); });
  lines_.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string> HttpRequest::QueryParam(std::string_view name) const {
  auto pairs = ParseForm(query);
  if (!pairs) {
    return std::nullopt;
  }
  for (auto& [key, value] : *pairs) {
    if (key == name) {
      return std::move(value);
    }
  }
  return std::nullopt;
}

HttpResponse HttpResponse::Json(int status, std::string body) {
  HttpResponse response{status, {}, std::move(body)};
  response.headers.Set("Content-Type", "application/json");
  return response;
}

HttpResponse HttpResponse::Text(int status, std::string body) {
  HttpResponse response{status, {}, std::move(body)};
  response.headers.Set("Content-Type", "text/plain; charset=utf-8");
  return response;
}

HttpResponse HttpResponse::Error(int status, std::string_view code, std::string_view message,
                                 std::string_view field) {
  boost::json::object error;
  error["code"] = code;
  error["message"] = message;
  if (!field.empty()) {
    error["field"] = field;
  }
  boost::json::object body;
  body["error"] = std::move(error);
  return Json(status, boost::json::serialize(body));
}

void Router::Add(std::string method, std::string pattern, Handler handler, RouteLimits limits) {
  routes_.push_back(
      Route{std::move(method), SplitPath(pattern), std::move(handler), nullptr, limits});
}

void Router::AddWebSocket(std::string pattern, std::shared_ptr<WebSocketHandler> handler) {
  routes_.push_back(Route{"GET", SplitPath(pattern), nullptr, std::move(handler), RouteLimits{}});
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  std::vector<std::string> segments = SplitPath(path);
  Match best;
  int best_literals = -1;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) {
      continue;
    }

    std::map<std::string, std::string> params;
    int literals = 0;
    bool matched = true;
    for (std::size_t i = 0; i < segments.size() && matched; ++i) {
      const std::string& expected = route.segments[i];
      if (IsParamSegment(expected)) {
        auto value = PercentDecode(segments[i], false);
        matched = value.has_value() && !value->empty();
        if (matched) {
          params[expected.substr(1, expected.size() - 2)] = std::move(*value);
        }
      } else {
        matched = expected == segments[i];
        ++literals;
      }
    }
    if (!matched) {
      continue;
    }

    best.path_known = true;
    // The route with the most literal segments wins, so `/items/search` beats `/items/{id}`
    // whatever the registration order; ties go to the route registered first.
    if (route.method != method || literals <= best_literals) {
      continue;
    }
    best_literals = literals;
    best.handler = route.handler ? &route.handler : nullptr;
    best.websocket = route.websocket;
    best.limits = route.limits;
    best.path_params = std::move(params);
  }
  return best;
}

std::optional<std::string> DecodeFormComponent(std::string_view text) {
  return PercentDecode(text, true);
}

std::optional<std::vector<std::pair<std::string, std::string>>> ParseForm(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!text.empty()) {
    std::size_t amp = text.find('&');
    std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }

    std::size_t equals = pair.find('=');
    auto name = DecodeFormComponent(pair.substr(0, equals));
    auto value = DecodeFormComponent(equals == std::string_view::npos ? std::string_view{}
                                                                      : pair.substr(equals + 1));
    if (!name || !value) {
      return std::nullopt;
    }
    pairs.emplace_back(std::move(*name), std::move(*value));
  }
  return pairs;
}

std::string EncodeFormComponent(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(text.size());
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      encoded += c;
    } else if (c == ' ') {
      encoded += '+';
    } else {
      encoded += '%';
      encoded += kHex[byte >> 4];
      encoded += kHex[byte & 0x0F];
    }
  }
  return encoded;
}

}  // namespace mobilelink::http
