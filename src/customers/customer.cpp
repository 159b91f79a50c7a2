#include "mobilelink/customers/customer.hpp"

#include <charconv>

namespace mobilelink::customers {

std::string_view ToString(TransactionKind kind) {
  switch (kind) {
    case TransactionKind::kOrder:
      return "order";
    case TransactionKind::kPayment:
      return "payment";
    case TransactionKind::kSubscription:
      return "subscription";
  }
  return "order";
}

std::optional<TransactionKind> ParseTransactionKind(std::string_view text) {
  if (text == "order") {
    return TransactionKind::kOrder;
  }
  if (text == "payment") {
    return TransactionKind::kPayment;
  }
  if (text == "subscription") {
    return TransactionKind::kSubscription;
  }
  return std::nullopt;
}

std::string FormatCents(std::int64_t cents) {
  const bool negative = cents < 0;
  const std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(-(cents + 1)) + 1 : static_cast<std::uint64_t>(cents);
  std::string fraction = std::to_string(magnitude % 100);
  if (fraction.size() < 2) {
    fraction.insert(0, "0");
  }
  return (negative ? "-" : "") + std::to_string(magnitude / 100) + "." + fraction;
}

std::optional<std::int64_t> ParseCents(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || fraction.size() > 2 || (dot != std::string_view::npos && fraction.empty())) {
    return std::nullopt;
  }
  // Twelve digits of whole units keep the result far inside int64.
  if (whole.size() > 12 || whole.find_first_not_of("0123456789") != std::string_view::npos ||
      fraction.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  std::int64_t units = 0;
  std::from_chars(whole.data(), whole.data() + whole.size(), units);
  std::int64_t minor = 0;
  if (!fraction.empty()) {
    std::from_chars(fraction.data(), fraction.data() + fraction.size(), minor);
    if (fraction.size() == 1) {
      minor *= 10;
    }
  }
  const std::int64_t cents = units * 100 + minor;
  return negative ? -cents : cents;
}

}  // namespace mobilelink::customers
