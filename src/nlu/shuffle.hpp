#pragma once

// A Fisher-Yates shuffle over std::mt19937. The standard fixes mt19937's output but not
// std::shuffle's algorithm, so this order is the same with every standard library.

#include <cstddef>
#include <random>
#include <utility>
#include <vector>

namespace mobilelink::nlu {

/// Shuffles `items` in place with numbers drawn from `random`.
template <typename T>
void Shuffle(std::vector<T>& items, std::mt19937& random) {
  for (std::size_t i = items.size(); i > 1; --i) {
    std::swap(items[i - 1], items[random() % i]);
  }
}

}  // namespace mobilelink::nlu
