// `mtasts-sim run [PATH...] [options]`: runs scenario files (docs/scenario-format.md) and
// prints one line per scenario and a summary. PATH is a scenario file or a folder searched
// recursively for *.toml; the default is scenarios/. Scenarios run in sorted path order and
// are printed in that order whatever --jobs says, so two runs print the same bytes.
// Every file is loaded before anything runs: a broken file is reported with all its
// mistakes and nothing runs (exit 2). A failing scenario prints its first unmet
// expectation, the engine log around it and the command that reruns it alone (exit 1).
//
// --jobs N runs independent scenarios on N threads. Each scenario has its own world,
// engine, io_context and virtual clock; the only state the threads share is the mocks'
// derived-key cache (mocks/certs/deterministic_key.cpp, guarded by its mutex), OpenSSL
// (thread-safe since 1.1) and the read-only requirement catalogue. Loopback scenarios
// always run one after the other: they all listen on the same --port-base.
//
// --swarm N runs generated worlds instead of files (sim/swarm/swarm_run.hpp): seeds --seed,
// +1, ..., each checked against the swarm invariants; a failing seed prints its
// violations and the command that replays it.
//
// On a terminal (stdout is a tty) passing scenarios show only on one progress line that
// is rewritten in place; failures and the summary print as elsewhere. Colours are used
// only there, and never when NO_COLOR is set to a non-empty value (https://no-color.org).
#include "sim/cli/cli.hpp"

#include "engine/core/planted_bug.hpp"
#include "reports/report_writer.hpp"
#include "sim/report/suite_record_builder.hpp"
#include "sim/scenario/scenario_files.hpp"
#include "sim/scenario/scenario_loader.hpp"
#include "sim/scenario/scenario_runner.hpp"
#include "sim/swarm/swarm_run.hpp"

#include <fmt/format.h>
#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace sts::sim::cli {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view run_usage =
    "usage: mtasts-sim run [PATH...] [options]\n"
    "  PATH                 a scenario file or a folder of them (default: scenarios/)\n"
    "  --filter GLOB        only scenarios whose name or path matches GLOB\n"
    "  --shard K/N          only every N-th scenario, starting with the K-th (1 <= K <= N)\n"
    "  --seed N             replace every scenario's seed\n"
    "  --jobs N             run N scenarios at a time (output is the same as with 1)\n"
    "  --network simulated|loopback\n"
    "                       the in-memory network (default) or real sockets on 127.0.0.0/8\n"
    "  --port-base N        loopback only: services listen on N + their port (default 32000)\n"
    "  --log-level info|debug\n"
    "                       replace every scenario's engine log level\n"
    "  --check-determinism  run each scenario twice and compare logs and transcripts\n"
    "  --report-dir DIR     write conformance.json, conformance.md, junit.xml, index.html\n"
    "  --swarm N            instead of PATHs: N random worlds from seeds --seed, +1, ...,\n"
    "                       each checked against the swarm invariants\n"
    "  --swarm-write DIR    with --swarm: write each seed's scenario file to DIR\n";

// A thread per scenario is pointless beyond this; it also bounds what a typo can start.
constexpr unsigned jobs_max = 64;
// A million seeds is days of work; more is a typo.
constexpr std::uint64_t swarm_seeds_max = 1'000'000;

struct run_options {
    std::vector<std::string> paths;
    std::optional<std::string> filter;
    bool check_determinism = false;
    network_kind network = network_kind::simulated;
    std::uint16_t port_base = 32000;
    std::size_t shard = 1;
    std::size_t shards = 1;
    std::optional<std::uint64_t> seed;
    unsigned jobs = 1;
    std::optional<log::level> log_level;
    std::optional<std::string> report_dir;
    core::planted_bug plant = core::planted_bug::none;
    std::optional<std::uint64_t> swarm;      // --swarm N
    std::optional<std::string> swarm_write;  // --swarm-write DIR
};

template <typename T>
std::optional<T> number(std::string_view text) {
    T value{};
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
    return value;
}

std::optional<std::pair<std::size_t, std::size_t>> shard_of(std::string_view text) {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    const auto k = number<std::size_t>(text.substr(0, slash));
    const auto n = number<std::size_t>(text.substr(slash + 1));
    if (!k || !n || *k < 1 || *k > *n) return std::nullopt;
    return std::pair{*k, *n};
}

std::optional<run_options> parse(arguments args, streams io, bool& help) {
    run_options o;
    const auto bad = [&](const std::string& why) {
        io.err << "mtasts-sim run: " << why << '\n' << run_usage;
        return std::nullopt;
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        const bool takes_value = a == "--filter" || a == "--shard" || a == "--seed" || a == "--jobs" ||
                                 a == "--network" || a == "--port-base" || a == "--log-level" ||
                                 a == "--report-dir" || a == "--plant" || a == "--swarm" ||
                                 a == "--swarm-write";
        if (takes_value && i + 1 == args.size()) return bad(a + " needs a value");
        if (a == "--filter") {
            o.filter = args[++i];
        } else if (a == "--shard") {
            const auto s = shard_of(args[++i]);
            if (!s) return bad("--shard wants K/N with 1 <= K <= N, not '" + args[i] + "'");
            o.shard = s->first;
            o.shards = s->second;
        } else if (a == "--seed") {
            o.seed = number<std::uint64_t>(args[++i]);
            if (!o.seed) return bad("--seed wants an unsigned integer, not '" + args[i] + "'");
        } else if (a == "--jobs") {
            const auto n = number<unsigned>(args[++i]);
            if (!n || *n < 1 || *n > jobs_max)
                return bad(fmt::format("--jobs wants 1 to {}, not '{}'", jobs_max, args[i]));
            o.jobs = *n;
        } else if (a == "--network") {
            const auto& v = args[++i];
            if (v == "simulated") {
                o.network = network_kind::simulated;
            } else if (v == "loopback") {
                o.network = network_kind::loopback;
            } else {
                return bad("--network wants simulated or loopback, not '" + v + "'");
            }
        } else if (a == "--port-base") {
            const auto n = number<std::uint16_t>(args[++i]);
            // The highest well-known port a world uses is 3128 (a proxy).
            if (!n || *n < 1024 || *n > 65535 - 3128)
                return bad(fmt::format("--port-base wants 1024 to {}, not '{}'", 65535 - 3128, args[i]));
            o.port_base = *n;
        } else if (a == "--log-level") {
            const auto& v = args[++i];
            if (v == "info") {
                o.log_level = log::level::info;
            } else if (v == "debug") {
                o.log_level = log::level::debug;
            } else {
                return bad("--log-level wants info or debug, not '" + v + "'");
            }
        } else if (a == "--report-dir") {
            o.report_dir = args[++i];
        } else if (a == "--plant") {
            const auto b = core::planted_bug_named(args[++i]);
            if (!b) {
                std::string known = "none";
                for (const auto each : core::planted_bugs()) known += fmt::format(", {}", core::to_string(each));
                return bad("--plant: unknown bug '" + args[i] + "' (known: " + known + ")");
            }
            o.plant = *b;
        } else if (a == "--swarm") {
            const auto n = number<std::uint64_t>(args[++i]);
            if (!n || *n < 1 || *n > swarm_seeds_max)
                return bad(fmt::format("--swarm wants 1 to {}, not '{}'", swarm_seeds_max, args[i]));
            o.swarm = *n;
        } else if (a == "--swarm-write") {
            o.swarm_write = args[++i];
        } else if (a == "--check-determinism") {
            o.check_determinism = true;
        } else if (a == "--help" || a == "-h") {
            io.out << run_usage;
            help = true;
            return std::nullopt;
        } else if (a.starts_with("-")) {
            return bad("unknown option '" + a + "'");
        } else {
            o.paths.push_back(a);
        }
    }
    if (o.swarm) {
        // A swarm's scenarios come from its seeds; nothing else selects or changes them.
        if (!o.paths.empty()) return bad("--swarm takes no PATH");
        if (o.filter || o.shards > 1 || o.report_dir || o.check_determinism || o.log_level ||
            o.network != network_kind::simulated)
            return bad("--swarm goes only with --seed, --jobs, --plant and --swarm-write");
    } else if (o.swarm_write) {
        return bad("--swarm-write needs --swarm");
    }
    if (o.paths.empty()) o.paths.emplace_back("scenarios");
    return o;
}

bool matches(const std::string& glob, const scenario_spec& s) {
    return ::fnmatch(glob.c_str(), s.name.c_str(), 0) == 0 || ::fnmatch(glob.c_str(), s.file.c_str(), 0) == 0;
}

// The command that reruns one scenario alone, with the options that change its result.
std::string rerun_command(const run_options& o, const std::string& file, bool determinism) {
    std::string cmd = "mtasts-sim run";
    if (determinism) cmd += " --check-determinism";
    if (o.seed) cmd += fmt::format(" --seed {}", *o.seed);
    if (o.plant != core::planted_bug::none) cmd += fmt::format(" --plant {}", core::to_string(o.plant));
    if (o.network == network_kind::loopback) {
        cmd += " --network loopback";
        if (o.port_base != 32000) cmd += fmt::format(" --port-base {}", o.port_base);
    }
    if (o.log_level == log::level::debug) cmd += " --log-level debug";
    return cmd + " " + file;
}

// What one scenario gave: its result and, with --check-determinism, the first difference
// between two runs.
struct scenario_outcome {
    scenario_result result;
    std::optional<std::string> nondeterministic;
    bool passed() const { return result.passed && !nondeterministic; }
};

scenario_outcome run_one(const scenario_spec& spec, const run_options& o) {
    scenario_run_options ro;
    ro.seed = o.seed;
    ro.log_level = o.log_level;
    ro.network = o.network;
    ro.port_base = o.port_base;
    ro.planted_bug = o.plant;
    scenario_outcome out;
    // A bug may throw; it fails this scenario instead of the process (or, on a worker
    // thread, std::terminate).
    try {
        out.result = run_scenario(spec, ro);
        if (out.result.passed && o.check_determinism) out.nondeterministic = check_determinism(spec, ro);
    } catch (const std::exception& e) {
        out.result.passed = false;
        out.result.error = fmt::format("internal error: {}", e.what());
    }
    out.result.file = spec.file;
    out.result.name = spec.name;
    return out;
}

void print_failure(const scenario_outcome& o, const run_options& options, std::ostream& out) {
    const auto& r = o.result;
    if (o.nondeterministic) {
        out << "  not deterministic: " << *o.nondeterministic << '\n'
            << "  rerun: " << rerun_command(options, r.file, true) << '\n';
        return;
    }
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
    out << "  rerun: " << rerun_command(options, r.file, false) << '\n';
}

// How the output looks: plain lines, or a progress line and colours on a terminal.
struct presentation {
    bool terminal = false;
    bool colour = false;

    static presentation for_stream(const std::ostream& out) {
        presentation p;
        p.terminal = &out == &std::cout && ::isatty(STDOUT_FILENO) == 1;
        const char* no_color = std::getenv("NO_COLOR");
        p.colour = p.terminal && (no_color == nullptr || *no_color == '\0');
        return p;
    }
    std::string paint(std::string_view text, std::string_view sgr) const {
        return colour ? fmt::format("\x1b[{}m{}\x1b[0m", sgr, text) : std::string(text);
    }
};

// Runs specs[i] for every i on `jobs` threads and hands each result to `report` in index
// order, as soon as it and every earlier one are done.
template <typename Report>
void run_all(const std::vector<scenario_spec>& specs, const run_options& o, unsigned jobs, Report report) {
    std::vector<std::optional<scenario_outcome>> done(specs.size());
    std::mutex mutex;
    std::condition_variable ready;
    std::atomic<std::size_t> next{0};
    const auto worker = [&] {
        for (std::size_t i = next++; i < specs.size(); i = next++) {
            auto outcome = run_one(specs[i], o);
            const std::lock_guard lock{mutex};
            done[i] = std::move(outcome);
            ready.notify_all();
        }
    };
    if (jobs <= 1) {
        for (std::size_t i = 0; i < specs.size(); ++i) report(i, run_one(specs[i], o));
        return;
    }
    std::vector<std::jthread> threads;
    const auto count = std::min<std::size_t>(jobs, specs.size());
    for (std::size_t t = 0; t < count; ++t) threads.emplace_back(worker);
    for (std::size_t i = 0; i < specs.size(); ++i) {
        std::unique_lock lock{mutex};
        ready.wait(lock, [&] { return done[i].has_value(); });
        auto outcome = std::move(*done[i]);
        done[i].reset();
        lock.unlock();
        report(i, outcome);
    }
}

// `--swarm N`: seeds S, S+1, ... (S = --seed, 1 by default), each a generated world
// checked against the swarm invariants (sim/swarm/swarm_run.hpp). A failing seed prints
// its violations and the command that replays it alone.
int run_swarm_mode(const run_options& o, streams io) {
    const auto first = o.seed.value_or(1);
    const auto count = *o.swarm;
    if (first > UINT64_MAX - (count - 1)) {
        io.err << "mtasts-sim run: --seed + --swarm runs past the largest seed\n" << run_usage;
        return exit_status::usage;
    }
    if (o.swarm_write) {
        std::error_code ec;
        fs::create_directories(*o.swarm_write, ec);
        if (ec) {
            io.err << fmt::format("mtasts-sim run: --swarm-write {}: {}\n", *o.swarm_write, ec.message());
            return exit_status::usage;
        }
    }
    const auto look = presentation::for_stream(io.out);
    std::uint64_t passed = 0, index = 0;
    bool write_failed = false;
    swarm_tally tally;
    run_swarm(first, count, o.jobs, o.plant, [&](const swarm_seed_result& r) {
        ++index;
        tally += r.tally;
        if (o.swarm_write) {
            const auto path = fs::path(*o.swarm_write) / fmt::format("swarm-seed-{}.toml", r.seed);
            std::ofstream file(path, std::ios::binary);
            file << r.toml;
            if (!file) {
                io.err << fmt::format("mtasts-sim run: cannot write {}\n", path.string());
                write_failed = true;
            }
        }
        if (look.terminal) io.out << "\r\x1b[K";
        if (r.passed()) {
            ++passed;
        } else {
            io.out << look.paint("FAIL", "31") << ' ' << r.name << '\n';
            // A broken rule tends to break many times in one world; the first few tell.
            constexpr std::size_t shown_max = 10;
            for (std::size_t i = 0; i < r.violations.size() && i < shown_max; ++i)
                io.out << "  " << r.violations[i].invariant << ": " << r.violations[i].detail << '\n';
            if (r.violations.size() > shown_max)
                io.out << fmt::format("  ... and {} more violation(s)\n", r.violations.size() - shown_max);
            auto replay = fmt::format("mtasts-sim run --swarm 1 --seed {}", r.seed);
            if (o.plant != core::planted_bug::none) replay += fmt::format(" --plant {}", core::to_string(o.plant));
            io.out << "  replay: " << replay << " (add --swarm-write DIR for its scenario file)\n";
        }
        if (look.terminal && index < count)
            io.out << fmt::format("\r\x1b[K[{}/{}] seed {}", index, count, r.seed + 1) << std::flush;
    });
    if (look.terminal) io.out << "\r\x1b[K";
    const auto failed = count - passed;
    const auto summary =
        fmt::format("{} swarm seed(s) from {}: {} passed, {} failed", count, first, passed, failed);
    io.out << fmt::format("recipients: {} delivered ({} in clear), {} bounced, {} queued; {} domain(s) under "
                          "enforce, {} host(s) under DANE\n",
                          tally.delivered, tally.delivered_in_clear, tally.bounced, tally.queued,
                          tally.enforce_domains, tally.dane_hosts);
    io.out << look.paint(summary, failed == 0 ? "32" : "31") << '\n';
    if (write_failed) return exit_status::usage;
    return failed == 0 ? exit_status::ok : exit_status::failed;
}

}  // namespace

int run_run(arguments args, streams io) {
    bool help = false;
    const auto options = parse(args, io, help);
    if (!options) return help ? exit_status::ok : exit_status::usage;
    if (options->swarm) return run_swarm_mode(*options, io);
    const auto files = find_scenario_files(options->paths);
    if (!files) {
        io.err << "mtasts-sim run: " << files.error() << '\n';
        return exit_status::usage;
    }

    // Nothing runs until every file has loaded: a suite with a broken file is not a result.
    std::vector<scenario_spec> specs;
    bool broken = false;
    for (const auto& f : *files) {
        auto loaded = load_scenario_file(f.path);
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
    // --shard K/N: scenario i (0-based, in path order after --filter) belongs to shard
    // (i mod N) + 1, so the shards partition the suite and each gets every area.
    if (options->shards > 1) {
        std::vector<scenario_spec> mine;
        for (std::size_t i = 0; i < specs.size(); ++i)
            if (i % options->shards + 1 == options->shard) mine.push_back(std::move(specs[i]));
        specs = std::move(mine);
    }

    const auto look = presentation::for_stream(io.out);
    const unsigned jobs = options->network == network_kind::loopback ? 1 : options->jobs;
    std::size_t passed = 0;
    std::vector<scenario_result> results;  // kept for --report-dir only
    const auto progress = [&](std::size_t i) {
        if (look.terminal && i < specs.size())
            io.out << fmt::format("\r\x1b[K[{}/{}] {}", i + 1, specs.size(), specs[i].name) << std::flush;
    };
    progress(0);
    run_all(specs, *options, jobs, [&](std::size_t i, const scenario_outcome& o) {
        const auto& r = o.result;
        if (look.terminal) io.out << "\r\x1b[K";
        if (o.passed()) {
            ++passed;
            if (!look.terminal) io.out << "PASS " << r.name << " (" << r.file << ")\n";
        } else {
            io.out << look.paint("FAIL", "31") << ' ' << r.name << " (" << r.file << ")\n";
            print_failure(o, *options, io.out);
        }
        if (options->report_dir) {
            results.push_back(r);
            if (o.nondeterministic) {
                results.back().passed = false;
                results.back().error = "not deterministic: " + *o.nondeterministic;
            }
        }
        progress(i + 1);
    });
    if (look.terminal) io.out << "\r\x1b[K";

    const auto failed_count = specs.size() - passed;
    const auto summary = fmt::format("{} scenario(s): {} passed, {} failed", specs.size(), passed, failed_count);
    io.out << look.paint(summary, failed_count == 0 ? "32" : "31") << '\n';

    if (options->report_dir) {
        suite_record_options so;
        so.network = options->network == network_kind::loopback ? "loopback" : "simulated";
        so.seed = options->seed;
        auto suite = make_suite_record(specs, results, so);
        // The reports' rerun commands carry the options that change a result, as printed.
        for (std::size_t i = 0; i < suite.scenarios.size() && i < results.size(); ++i)
            suite.scenarios[i].rerun =
                rerun_command(*options, results[i].file, results[i].error.starts_with("not deterministic: "));
        const auto written = reports::write_reports(*options->report_dir, suite);
        if (!written) {
            io.err << "mtasts-sim run: reports: " << written.error() << '\n';
            return exit_status::usage;
        }
        io.out << fmt::format("reports written to {}\n", *options->report_dir);
    }
    return failed_count == 0 ? exit_status::ok : exit_status::failed;
}

}  // namespace sts::sim::cli
