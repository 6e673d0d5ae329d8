// sim/cli/cli.hpp
//
// The sub-commands of `mtasts-sim`. Each takes its own arguments (without the
// sub-command name) and the process's streams, and returns the exit status:
//   0  success (valid input, all scenarios passed)
//   1  the input is invalid or a check failed
//   2  usage error or unreadable input
#pragma once

#include <iosfwd>
#include <span>
#include <string>

namespace sts::sim::cli {

namespace exit_status {
inline constexpr int ok = 0;
inline constexpr int failed = 1;
inline constexpr int usage = 2;
}  // namespace exit_status

struct streams {
    std::istream& in;
    std::ostream& out;
    std::ostream& err;
};

using arguments = std::span<const std::string>;

// `mtasts-sim requirements [--json] [ID...]`: the catalogue compiled into the tool.
int run_requirements(arguments args, streams io);

// `mtasts-sim check txt|policy|mx ...`: the operator's pre-flight check (check_command.cpp).
int run_check(arguments args, streams io);

// `mtasts-sim serve WORLD.toml [--ready-file FILE] [--port-base N] [--ca-file FILE]`: the
// world on loopback until SIGINT/SIGTERM (serve_command.cpp).
int run_serve(arguments args, streams io);

// `mtasts-sim cache list|show|purge|purge-expired --file FILE ...`: the persisted policy
// cache (cache_command.cpp). Exit 1 means the domain is not cached.
int run_cache(arguments args, streams io);

// `mtasts-sim send ...`: deliver one message with the engine, in a world or against a
// running one (send_command.cpp).
int run_send(arguments args, streams io);
// `mtasts-sim run [PATH...] [--filter GLOB] [--shard K/N] [--seed N] [--jobs N] [--network
// simulated|loopback] [--log-level info|debug] [--check-determinism] [--report-dir DIR]
// [--plant BUG]`: scenario files (run_command.cpp).
int run_run(arguments args, streams io);

// `mtasts-sim explain SCENARIO [--recipient R]`: the decision trace of one scenario in
// words (explain_command.cpp).
int run_explain(arguments args, streams io);
// `mtasts-sim certify [--out DIR] [PATH...]`: run the suite and certify this engine build
// (certify_command.cpp). Exit 1 means not certified.
int run_certify(arguments args, streams io);

// `mtasts-sim replay TRACE.log [--write-scenario FILE] [--domain D]... [--set KEY=VALUE]...`:
// reproduce a customer's mail-log trace (replay_command.cpp). Exit 1 means the engine's
// trace diverged from the customer's.
int run_replay(arguments args, streams io);
}  // namespace sts::sim::cli
