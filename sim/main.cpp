// mtasts-sim: the command-line tool. Dispatches to the sub-commands in sim/cli/.
#include "sim/cli/cli.hpp"

#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view usage_text =
    "usage: mtasts-sim <command> [options]\n"
    "\n"
    "commands:\n"
    "  check txt RECORD          validate an _mta-sts TXT record (RFC 8461 §3.1)\n"
    "  check policy FILE|-       validate a policy file (RFC 8461 §3.2)\n"
    "  check mx PATTERN HOST     does an mx pattern match an MX host (RFC 8461 §4.1)\n"
    "  requirements [ID...]      the requirement catalogue compiled into the tool\n"
    "  serve WORLD.toml          run a mock world on loopback until SIGINT/SIGTERM\n"
    "        [--ready-file FILE] [--port-base N] [--ca-file FILE]\n"
    "  cache list|show DOMAIN|purge DOMAIN|purge-expired --at TIME --file FILE\n"
    "                            inspect or purge a persisted policy cache\n"
    "  run [PATH...] [--filter GLOB] [--shard K/N] [--seed N] [--jobs N]\n"
    "      [--network simulated|loopback] [--log-level info|debug]\n"
    "      [--check-determinism] [--report-dir DIR]\n"
    "                            run scenario files (default scenarios/)\n"
    "  explain SCENARIO.toml [--recipient ADDR]\n"
    "                            why each MX was used or skipped, in words\n"
    "  certify [--out DIR] [PATH...]\n"
    "                            run the suite, write reports and certificate.json\n"
    "  replay TRACE.log [--write-scenario FILE] [--domain D] [--set KEY=VALUE]\n"
    "                            reproduce a customer's mail-log trace and compare\n"
    "  send WORLD.toml --from A --to B [--log-level debug] [--loopback]\n"
    "                            deliver one message with the engine in a world\n"
    "  send --nameserver ADDR:PORT --trust-store CA.pem --from A --to B [--config WORLD.toml]\n"
    "                            deliver one message to a running world (serve)\n"
    "  version                   print the version\n"
    "\n"
    "`check`, `cache` and `requirements` take --json. Exit status: 0 ok/valid, 1 invalid,\n"
    "failed or not found, 2 usage error.\n";

}  // namespace

int main(int argc, char** argv) {
    namespace cli = sts::sim::cli;
    std::vector<std::string> args(argv + 1, argv + argc);
    cli::streams io{std::cin, std::cout, std::cerr};
    if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
        (args.empty() ? std::cerr : std::cout) << usage_text;
        return args.empty() ? cli::exit_status::usage : cli::exit_status::ok;
    }
    const std::string command = args[0];
    const cli::arguments rest{args.data() + 1, args.size() - 1};
    try {
        if (command == "check") return cli::run_check(rest, io);
        if (command == "requirements") return cli::run_requirements(rest, io);
        if (command == "serve") return cli::run_serve(rest, io);
        if (command == "send") return cli::run_send(rest, io);
        if (command == "cache") return cli::run_cache(rest, io);
        if (command == "run") return cli::run_run(rest, io);
        if (command == "certify") return cli::run_certify(rest, io);
        if (command == "explain") return cli::run_explain(rest, io);
        if (command == "replay") return cli::run_replay(rest, io);
        if (command == "version" || command == "--version") {
            std::cout << "mtasts-sim " << STS_VERSION << '\n';
            return cli::exit_status::ok;
        }
    } catch (const std::exception& e) {
        // Bad input is reported by the commands as values; this is the last line of defence
        // against a bug (for example std::bad_alloc), so the process never dies silently.
        std::cerr << "mtasts-sim " << command << ": internal error: " << e.what() << '\n';
        return cli::exit_status::usage;
    }
    std::cerr << "mtasts-sim: unknown command '" << command << "'\n\n" << usage_text;
    return cli::exit_status::usage;
}
