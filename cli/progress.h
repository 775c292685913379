#pragma once
#include <functional>

#include "explorer/bfs.h"

namespace stateproof::cli {

/// A progress callback that prints one line to stderr per call (JSON lines
/// with `json`).
std::function<void(const explorer::Progress&)> progress_printer(bool json);

}  // namespace stateproof::cli
