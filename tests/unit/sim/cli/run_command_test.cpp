// Tests `mtasts-sim run` (run_run in sim/cli/cli.hpp) on scenario files written to a fresh
// temporary directory per case: one PASS line per scenario in sorted path order and a
// summary (exit 0), a failing scenario's first unmet expectation, log excerpt and rerun
// command (exit 1), a broken file's mistakes with nothing run (exit 2), --filter, and
// usage errors (exit 2).
#include "sim/cli/cli.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

constexpr int ok = sts::sim::cli::exit_status::ok;
constexpr int failed = sts::sim::cli::exit_status::failed;
constexpr int usage = sts::sim::cli::exit_status::usage;

// A world without MTA-STS: mx1 takes the mail over STARTTLS. `outcome` is what the
// scenario expects for b@example.test.
std::string scenario(std::string_view name, std::string_view outcome) {
    return "[scenario]\nname = \"" + std::string(name) + "\"\n" + R"(
[profile.default]
tls = "preferred"

[[dns]]
name = "example.test"
type = "MX"
data = "10 mx1.example.test"

[smtp."mx1.example.test"]
starttls = true

[[step]]
send = { from = "a@sender.test", to = ["b@example.test"] }
[[step]]
advance = "1h"

[[expect]]
recipient = "b@example.test"
outcome = ")" + std::string(outcome) + "\"\n";
}

struct temp_dir {
    fs::path path;
    temp_dir() {
        std::string pattern = (fs::temp_directory_path() / "run-command-XXXXXX").string();
        path = ::mkdtemp(pattern.data());
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string write(const std::string& relative, const std::string& text) const {
        const auto p = path / relative;
        fs::create_directories(p.parent_path());
        std::ofstream(p) << text;
        return p.string();
    }
};

struct outcome {
    int status;
    std::string out;
    std::string err;
};

outcome run(std::vector<std::string> args) {
    std::istringstream in;
    std::ostringstream out, err;
    const int status = sts::sim::cli::run_run(args, {in, out, err});
    return {status, out.str(), err.str()};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(run_command)

BOOST_AUTO_TEST_CASE(passing_scenarios_print_one_line_each_in_path_order_and_exit_0) {
    temp_dir d;
    d.write("b/second.toml", scenario("b/second", "delivered"));
    d.write("a/first.toml", scenario("a/first", "delivered"));
    d.write("a/notes.txt", "not a scenario");
    const auto r = run({d.path.string()});
    BOOST_TEST(r.status == ok, r.err);
    const auto first = r.out.find("PASS a/first (");
    const auto second = r.out.find("PASS b/second (");
    BOOST_TEST(first != std::string::npos, r.out);
    BOOST_TEST(second != std::string::npos, r.out);
    BOOST_TEST(first < second);
    BOOST_TEST(r.out.find("2 scenario(s): 2 passed, 0 failed") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(a_failing_scenario_prints_its_first_unmet_expectation_and_exits_1) {
    temp_dir d;
    d.write("good.toml", scenario("good", "delivered"));
    const auto bad = d.write("bad.toml", scenario("bad", "bounced"));
    const auto r = run({d.path.string()});
    BOOST_TEST(r.status == failed);
    BOOST_TEST(r.out.find("FAIL bad (") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("first unmet expectation (" + bad + ":") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("recipient b@example.test outcome bounced") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("found delivered") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("engine log around it:") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("rerun: mtasts-sim run " + bad) != std::string::npos, r.out);
    BOOST_TEST(r.out.find("2 scenario(s): 1 passed, 1 failed") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(a_broken_file_is_reported_and_nothing_runs) {
    temp_dir d;
    d.write("good.toml", scenario("good", "delivered"));
    const auto broken = d.write("broken.toml", scenario("broken", "arrived"));
    const auto r = run({d.path.string()});
    BOOST_TEST(r.status == usage);
    BOOST_TEST(r.out.find("PASS") == std::string::npos, r.out);
    BOOST_TEST(r.err.find(broken + ":") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("expect[1].outcome") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(filter_selects_scenarios_by_name_glob) {
    temp_dir d;
    d.write("x.toml", scenario("apply/one", "delivered"));
    d.write("y.toml", scenario("discovery/two", "bounced"));
    const auto r = run({d.path.string(), "--filter", "apply/*"});
    BOOST_TEST(r.status == ok, r.out);
    BOOST_TEST(r.out.find("1 scenario(s): 1 passed, 0 failed") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(check_determinism_passes_for_a_deterministic_scenario) {
    temp_dir d;
    const auto f = d.write("x.toml", scenario("x", "delivered"));
    const auto r = run({"--check-determinism", f});
    BOOST_TEST(r.status == ok, r.out);
    BOOST_TEST(r.out.find("PASS x (") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2) {
    BOOST_TEST(run({"--frobnicate"}).status == usage);
    BOOST_TEST(run({"--filter"}).status == usage);
    BOOST_TEST(run({"/nonexistent/scenarios"}).status == usage);
    BOOST_TEST(run({"--help"}).status == ok);
}

BOOST_AUTO_TEST_CASE(shards_partition_the_sorted_scenarios_round_robin) {
    temp_dir d;
    for (const auto* name : {"a", "b", "c", "d", "e"}) d.write(std::string(name) + ".toml", scenario(name, "delivered"));
    const auto first = run({d.path.string(), "--shard", "1/2"});
    const auto second = run({d.path.string(), "--shard", "2/2"});
    BOOST_TEST(first.status == ok, first.out);
    BOOST_TEST(second.status == ok, second.out);
    for (const auto* name : {"a", "c", "e"}) {
        BOOST_TEST(first.out.find("PASS " + std::string(name) + " (") != std::string::npos, first.out);
        BOOST_TEST(second.out.find("PASS " + std::string(name) + " (") == std::string::npos, second.out);
    }
    for (const auto* name : {"b", "d"}) {
        BOOST_TEST(second.out.find("PASS " + std::string(name) + " (") != std::string::npos, second.out);
        BOOST_TEST(first.out.find("PASS " + std::string(name) + " (") == std::string::npos, first.out);
    }
    BOOST_TEST(first.out.find("3 scenario(s): 3 passed") != std::string::npos, first.out);
    BOOST_TEST(second.out.find("2 scenario(s): 2 passed") != std::string::npos, second.out);
}

BOOST_AUTO_TEST_CASE(shards_apply_after_the_filter) {
    temp_dir d;
    d.write("a.toml", scenario("keep/a", "delivered"));
    d.write("b.toml", scenario("drop/b", "delivered"));
    d.write("c.toml", scenario("keep/c", "delivered"));
    const auto r = run({d.path.string(), "--filter", "keep/*", "--shard", "2/2"});
    BOOST_TEST(r.status == ok, r.out);
    BOOST_TEST(r.out.find("PASS keep/c (") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("1 scenario(s)") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(bad_option_values_are_usage_errors) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"--shard", "0/2"}, {"--shard", "3/2"}, {"--shard", "2"}, {"--shard", "a/b"},
             {"--jobs", "0"}, {"--jobs", "x"}, {"--seed", "-1"}, {"--seed", "12x"},
             {"--network", "carrier-pigeon"}, {"--port-base", "80"}, {"--log-level", "trace"},
             {"--plant", "no_such_bug"}, {"--report-dir"}}) {
        const auto r = run(args);
        BOOST_TEST(r.status == usage, args.front() << " " << (args.size() > 1 ? args[1] : ""));
        BOOST_TEST(r.err.find("usage: mtasts-sim run") != std::string::npos, r.err);
    }
}

BOOST_AUTO_TEST_CASE(the_rerun_command_repeats_seed_plant_and_network) {
    temp_dir d;
    const auto bad = d.write("bad.toml", scenario("bad", "bounced"));
    const auto r = run({bad, "--seed", "42", "--plant", "skip_mx_match", "--network", "loopback", "--port-base", "41000"});
    BOOST_TEST(r.status == failed, r.out << r.err);
    BOOST_TEST(r.out.find("rerun: mtasts-sim run --seed 42 --plant skip_mx_match --network loopback --port-base 41000 " +
                          bad) != std::string::npos,
               r.out);
}

BOOST_AUTO_TEST_CASE(loopback_runs_a_scenario_on_real_sockets) {
    temp_dir d;
    const auto f = d.write("x.toml", scenario("x", "delivered"));
    const auto r = run({f, "--network", "loopback", "--port-base", "41100", "--jobs", "4"});
    BOOST_TEST(r.status == ok, r.out << r.err);
    BOOST_TEST(r.out.find("PASS x (") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(debug_log_level_shows_debug_lines_around_a_failure) {
    temp_dir d;
    // With MTA-STS on, the `_mta-sts` TXT lookup writes debug lines naming the domain.
    auto text = scenario("bad", "bounced");
    text.replace(text.find("tls = \"preferred\""), std::string_view("tls = \"preferred\"").size(),
                 "tls = \"preferred\"\nmta_sts = true");
    const auto bad = d.write("bad.toml", text);
    const auto info = run({bad});
    const auto debug = run({bad, "--log-level", "debug"});
    BOOST_TEST(info.out.find(" Debug: ") == std::string::npos, info.out);
    BOOST_TEST(debug.out.find(" Debug: ") != std::string::npos, debug.out);
    BOOST_TEST(debug.out.find("rerun: mtasts-sim run --log-level debug " + bad) != std::string::npos, debug.out);
}

BOOST_AUTO_TEST_CASE(report_dir_gets_the_reports) {
    temp_dir d;
    d.write("s/x.toml", scenario("x", "delivered"));
    const auto out = (d.path / "out").string();
    const auto r = run({(d.path / "s").string(), "--report-dir", out});
    BOOST_TEST(r.status == ok, r.out << r.err);
    for (const auto* name : {"conformance.json", "junit.xml"}) BOOST_TEST(fs::exists(fs::path(out) / name), name);
    std::ifstream junit(fs::path(out) / "junit.xml");
    const std::string text((std::istreambuf_iterator<char>(junit)), std::istreambuf_iterator<char>());
    BOOST_TEST(text.find("x") != std::string::npos);
}

// The suite on four threads prints exactly what it prints on one: scenarios share no
// mutable state that could leak between them, and results are printed in file order.
BOOST_AUTO_TEST_CASE(four_jobs_print_the_same_bytes_as_one_with_check_determinism) {
    const std::string suite = std::string(STS_SOURCE_DIR) + "/scenarios";
    const auto one = run({suite, "--check-determinism", "--jobs", "1"});
    const auto four = run({suite, "--check-determinism", "--jobs", "4"});
    BOOST_TEST(one.status == four.status);
    BOOST_TEST(one.out.find("scenario(s):") != std::string::npos, one.out << one.err);
    BOOST_TEST(one.out == four.out);
    BOOST_TEST(one.err == four.err);
}

// --swarm: generated seeds, a summary, a file per seed with --swarm-write; a planted bug
// is caught with the seed and the command that replays it.
BOOST_AUTO_TEST_CASE(swarm_runs_generated_seeds_and_writes_their_scenarios) {
    temp_dir d;
    const auto r = run({"--swarm", "3", "--seed", "10", "--jobs", "2", "--swarm-write", d.path.string()});
    BOOST_TEST(r.status == ok, r.out << r.err);
    BOOST_TEST(r.out.find("3 swarm seed(s) from 10: 3 passed, 0 failed") != std::string::npos, r.out);
    for (const auto* name : {"swarm-seed-10.toml", "swarm-seed-11.toml", "swarm-seed-12.toml"})
        BOOST_TEST(fs::exists(d.path / name), name);
    // The written file is a scenario like any other.
    const auto again = run({(d.path / "swarm-seed-11.toml").string()});
    BOOST_TEST(again.status == ok, again.out << again.err);
}

BOOST_AUTO_TEST_CASE(a_swarm_violation_prints_the_seed_and_its_replay_command_and_exits_1) {
    const auto r = run({"--swarm", "40", "--seed", "1", "--jobs", "2", "--plant", "refetch_on_same_id"});
    BOOST_TEST(r.status == failed, r.out << r.err);
    BOOST_TEST(r.out.find("FAIL swarm/seed-") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("fetch_bound: ") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("replay: mtasts-sim run --swarm 1 --seed ") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("--plant refetch_on_same_id") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(swarm_usage_errors_exit_2) {
    BOOST_TEST(run({"--swarm", "0"}).status == usage);
    BOOST_TEST(run({"--swarm", "2", "scenarios"}).status == usage);
    BOOST_TEST(run({"--swarm", "2", "--filter", "x"}).status == usage);
    BOOST_TEST(run({"--swarm-write", "/tmp/x"}).status == usage);
    BOOST_TEST(run({"--swarm", "2", "--seed", "18446744073709551615"}).status == usage);
}

BOOST_AUTO_TEST_SUITE_END()
