#pragma once

// Pretrained word vectors, read from a file for a given vocabulary only, so that a large
// vector file never has to fit in memory whole.

#include <filesystem>
#include <iosfwd>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace mobilelink::nlu {

struct WordVectors {
  int dim = 0;
  std::map<std::string, std::vector<float>> vectors;  // Sorted, so output order is fixed.
};

/// Reads the vectors of `words` from `path`, which is in either of two formats:
/// - fastText's text format: a "count dim" line, then one "word v1 ... vdim" line per word;
/// - the JSON layout of the wink-embeddings npm packages: an object whose `dimensions` is the
///   size and whose `vectors` maps each word to an array of at least that many numbers. The
///   packages append the vector's norm and the word's index, and those are ignored.
/// Words of `words` that the file lacks are left out. Throws std::runtime_error when the file is
/// missing, cannot be parsed, or has a vector shorter than its size.
WordVectors ReadWordVectors(const std::filesystem::path& path, const std::set<std::string>& words);

/// Writes `vectors` in fastText's text format, the words in sorted order.
void WriteWordVectors(const WordVectors& vectors, std::ostream& out);

}  // namespace mobilelink::nlu
