// stateproof: a model checker for protocol state machines.
// main only parses and dispatches; exit codes come back as values, and every
// error becomes an exit code here (DESIGN.md: 0 holds, 1 violated, 2 bad
// input, 3 limit).

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <new>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/cmd_check.h"
#include "cli/cmd_explore.h"
#include "cli/cmd_replay.h"
#include "cli/cmd_conform.h"
#include "cli/cmd_diff.h"
#include "spec/diagnostics.h"

using namespace stateproof;

int main(int argc, char** argv) {
    CLI::App app{"stateproof: a model checker for protocol state machines"};
    app.require_subcommand(1);
    app.set_help_all_flag("--help-all", "Help for every command");

    cli::CheckCommand check;
    cli::ExploreCommand explore;
    CLI::App* check_cmd = cli::setup_check(app, check);
    CLI::App* explore_cmd = cli::setup_explore(app, explore);
    cli::ReplayCommand replay;
    CLI::App* replay_cmd = cli::setup_replay(app, replay);
    cli::ConformCommand conform;
    CLI::App* conform_cmd = cli::setup_conform(app, conform);
    cli::DiffCommand diff;
    CLI::App* diff_cmd = cli::setup_diff(app, diff);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // CLI11 uses exit codes 105-109 for usage errors; ours is 2.
        return app.exit(e) == 0 ? 0 : spec::exit_code::bad_input;
    }

    // A limit reached before a report exists (while the spec is read,
    // checked or compiled, or the scenarios made): with --json, stdout still
    // gets a JSON report, so a CI job that parses it learns why.
    const bool json = (*check_cmd && check.json) || (*explore_cmd && explore.json) || (*replay_cmd && replay.json) ||
                      (*conform_cmd && conform.json) || (*diff_cmd && diff.json);
    auto stopped = [json](const std::string& why) {
        std::cout.flush();
        std::cerr << "stateproof: stopped: " << why << "\n";
        if (json) std::cout << nlohmann::json{{"stopped_early", why}, {"exit_code", spec::exit_code::limit}}.dump(2) << "\n";
        return spec::exit_code::limit;
    };

    try {
        if (*check_cmd) return cli::run_check(check);
        if (*explore_cmd) return cli::run_explore(explore);
        if (*replay_cmd) return cli::run_replay(replay);
        if (*conform_cmd) return cli::run_conform(conform);
        if (*diff_cmd) return cli::run_diff(diff);
    } catch (const spec::SpecError& e) {
        std::cout.flush();
        std::cerr << e.render();
        return spec::exit_code::bad_input;
    } catch (const spec::UsageError& e) {
        std::cout.flush();
        std::cerr << "stateproof: error: " << e.what() << "\n";
        return spec::exit_code::bad_input;
    } catch (const spec::LimitReached& e) {
        return stopped(e.what());
    } catch (const std::bad_alloc&) {
        return stopped("out of memory (lower --max-memory or --max-states)");
    } catch (const spec::InternalError& e) {
        std::cout.flush();
        std::cerr << "stateproof: internal error (a bug in stateproof, please report it): " << e.what() << "\n";
        return spec::exit_code::bad_input;
    } catch (const std::exception& e) {
        std::cout.flush();
        std::cerr << "stateproof: error: " << e.what() << "\n";
        return spec::exit_code::bad_input;
    }
    return spec::exit_code::bad_input;
}
