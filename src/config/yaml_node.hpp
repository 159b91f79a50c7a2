#pragma once

// Reading YAML config nodes with their key paths, shared by the parsers of every config
// section. Each reader throws ConfigError naming the key path and the reason.

#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "mobilelink/config/config.hpp"

namespace mobilelink::config {

// A YAML node with the path that leads to it, for error messages.
struct Node {
  YAML::Node node;
  std::string path;
};

[[noreturn]] void Fail(const std::string& path, const std::string& reason);

/// Joins keys with ", " for messages.
std::string Join(const std::set<std::string>& keys);

/// Returns the child `key` of `parent`, with its dotted path.
Node Child(const Node& parent, const std::string& key);

/// Fails unless `node` is present and a map.
void RequireMap(const Node& node);

/// Fails unless `node` is a map whose keys are all in `allowed`.
void CheckKeys(const Node& node, const std::set<std::string>& allowed);

/// Reads a text value. A required key must be present and, after ${NAME} expansion, not empty.
std::string Text(const Node& node, bool required, const std::string& fallback = {});

/// Reads an integer in [min, max]; an absent key gives `fallback`.
int Integer(const Node& node, int fallback, int min, int max);

/// Reads a list of non-empty text values; an absent key gives an empty list.
std::vector<std::string> TextList(const Node& node);

/// Calls `function` with each item of a list, with the item's path; an absent key does nothing.
template <typename Function>
void ForEachItem(const Node& node, Function function) {
  if (!node.node.IsDefined()) {
    return;
  }
  if (!node.node.IsSequence()) {
    Fail(node.path, "expected a list");
  }
  for (std::size_t i = 0; i < node.node.size(); ++i) {
    function(Node{node.node[i], node.path + "[" + std::to_string(i) + "]"});
  }
}


}  // namespace mobilelink::config
