#pragma once

// Queries of the SQLite outbox repository that tests check the query plan of.

#include "mobilelink/store/sqlite_connection.hpp"

namespace mobilelink::store {

/// Finds `unknown` outbox rows named by the callback data of kept statuses. ?1 is the callback
/// data prefix and ?2 the maximum number of pairs.
extern const Query kFindStatusMatches;

}  // namespace mobilelink::store
