#include "cli/progress.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace stateproof::cli {

std::function<void(const explorer::Progress&)> progress_printer(bool json) {
    return [json](const explorer::Progress& p) {
        if (json) {
            nlohmann::json j = {{"progress",
                                 {{"states", p.states},
                                  {"queue", p.queue},
                                  {"transitions", p.transitions},
                                  {"depth", p.depth},
                                  {"seconds", p.seconds},
                                  {"states_per_second", p.states_per_second},
                                  {"memory_bytes", p.memory_bytes}}}};
            std::fprintf(stderr, "%s\n", j.dump().c_str());
        } else {
            std::fprintf(stderr, "progress: %llu states, %llu queued, depth %u, %.0f states/s, %.1f MiB, %.1f s\n",
                         (unsigned long long)p.states, (unsigned long long)p.queue, p.depth, p.states_per_second,
                         double(p.memory_bytes) / 1048576.0, p.seconds);
        }
        std::fflush(stderr);
    };
}

}  // namespace stateproof::cli
