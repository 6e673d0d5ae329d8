// `mtasts-sim run [PATH...] [--filter GLOB] [--check-determinism]`: runs scenario files
// (docs/scenario-format.md) on the simulated network and prints one line per scenario and
// a summary. PATH is a scenario file or a folder searched recursively for *.toml; the
// default is scenarios/. Scenarios run in sorted path order, so two runs print the same.
// Every file is loaded before anything runs: a broken file is reported with all its
// mistakes and nothing runs (exit 2). A failing scenario prints its first unmet
// expectation, the engine log around it and the command that reruns it alone (exit 1).
//
// Not yet here (issue 5): --network loopback, --shard, --seed, --jobs, --log-level,
// --report-dir, progress line on terminals.
#include "sim/cli/cli.hpp"

#include "sim/scenario/scenario_loader.hpp"
#include "sim/scenario/scenario_runner.hpp"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <system_error>
#include <vector>

namespace sts::sim::cli {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view run_usage =
    "usage: mtasts-sim run [PATH...] [--filter GLOB] [--check-determinism]\n"
    "  PATH                 a scenario file or a folder of them (default: scenarios/)\n"
    "  --filter GLOB        only scenarios whose name or path matches GLOB\n"
    "  --check-determinism  run each scenario twice and compare logs and transcripts\n";

struct run_options {
    std::vector<std::string> paths;
    std::optional<std::string> filter;
    bool check_determinism = false;
};

std::optional<run_options> parse(arguments args, streams io) {
    run_options o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        if (a == "--filter") {
            if (i + 1 == args.size()) {
                io.err << "mtasts-sim run: --filter needs a GLOB\n" << run_usage;
                return std::nullopt;
            }
            o.filter = args[++i];
        } else if (a == "--check-determinism") {
            o.check_determinism = true;
        } else if (a == "--help" || a == "-h") {
            io.out << run_usage;
            return std::nullopt;
        } else if (a.starts_with("-")) {
            io.err << "mtasts-sim run: unknown option '" << a << "'\n" << run_usage;
            return std::nullopt;
        } else {
            o.paths.push_back(a);
        }
    }
    if (o.paths.empty()) o.paths.emplace_back("scenarios");
    return o;
}

// The scenario files named by `paths`, sorted and without duplicates; an error names a
// path that is neither a file nor a folder.
std::optional<std::vector<std::string>> collect(const std::vector<std::string>& paths, streams io) {
    std::vector<std::string> files;
    for (const auto& p : paths) {
        std::error_code ec;
        if (fs::is_regular_file(p, ec)) {
            files.push_back(fs::path(p).lexically_normal().string());
        } else if (fs::is_directory(p, ec)) {
            for (fs::recursive_directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec))
                if (it->is_regular_file(ec) && it->path().extension() == ".toml")
                    files.push_back(it->path().lexically_normal().string());
            if (ec) {
                io.err << "mtasts-sim run: cannot read folder " << p << ": " << ec.message() << '\n';
                return std::nullopt;
            }
        } else {
            io.err << "mtasts-sim run: " << p << ": no such scenario file or folder\n";
            return std::nullopt;
        }
    }
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
    return files;
}

bool matches(const std::string& glob, const scenario_spec& s) {
    return ::fnmatch(glob.c_str(), s.name.c_str(), 0) == 0 || ::fnmatch(glob.c_str(), s.file.c_str(), 0) == 0;
}

void print_failure(const scenario_result& r, std::ostream& out) {
    if (!r.error.empty()) {
        out << "  error: " << r.error << '\n';
    } else if (r.first_failure) {
        const auto& e = r.expectations[*r.first_failure];
        out << "  first unmet expectation"
            << (e.line != 0 ? fmt::format(" ({}:{})", r.file, e.line) : std::string(" (implicit)")) << ": "
            << e.description << '\n';
        out << "    " << e.detail << '\n';
        out << "  engine log around it:\n";
        for (const auto& line : r.failure_log) out << "    " << line << '\n';
    }
    out << "  rerun: mtasts-sim run " << r.file << '\n';
}

}  // namespace

int run_run(arguments args, streams io) {
    const auto options = parse(args, io);
    if (!options) return (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) ? exit_status::ok
                                                                                         : exit_status::usage;
    const auto files = collect(options->paths, io);
    if (!files) return exit_status::usage;

    // Nothing runs until every file has loaded: a suite with a broken file is not a result.
    std::vector<scenario_spec> specs;
    bool broken = false;
    for (const auto& f : *files) {
        auto loaded = load_scenario_file(f);
        if (!loaded) {
            for (const auto& e : loaded.error()) io.err << e.to_string() << '\n';
            broken = true;
            continue;
        }
        if (!options->filter || matches(*options->filter, *loaded)) specs.push_back(std::move(*loaded));
    }
    if (broken) {
        io.err << "mtasts-sim run: scenario files have mistakes; nothing was run\n";
        return exit_status::usage;
    }

    std::size_t passed = 0;
    for (const auto& spec : specs) {
        auto r = run_scenario(spec);
        std::optional<std::string> nondeterministic;
        if (r.passed && options->check_determinism) nondeterministic = check_determinism(spec);
        if (r.passed && !nondeterministic) {
            ++passed;
            io.out << "PASS " << r.name << " (" << r.file << ")\n";
            continue;
        }
        io.out << "FAIL " << r.name << " (" << r.file << ")\n";
        if (nondeterministic) {
            io.out << "  not deterministic: " << *nondeterministic << '\n'
                   << "  rerun: mtasts-sim run --check-determinism " << r.file << '\n';
        } else {
            print_failure(r, io.out);
        }
    }
    const auto failed_count = specs.size() - passed;
    io.out << fmt::format("{} scenario(s): {} passed, {} failed\n", specs.size(), passed, failed_count);
    return failed_count == 0 ? exit_status::ok : exit_status::failed;
}

}  // namespace sts::sim::cli
