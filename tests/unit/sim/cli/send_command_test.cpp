// Tests `mtasts-sim send` (run_send in sim/cli/cli.hpp) in worlds on the simulated network,
// written to a fresh temporary directory per case: the documented mail log lines and the
// per-recipient summary of a delivery, the exit statuses (0 delivered, 1 bounced or still
// queued, 2 usage error), and --cache-file: written after a send, and restored by a later
// send that then still enforces the cached policy in a world where the policy host and
// the `_mta-sts` record are gone. One case runs the real binary (STS_CLI_PATH).
#include "sim/cli/cli.hpp"

#include "engine/mtasts/cache_file.hpp"
#include "sim/persistence/cache_store.hpp"
#include "tests/support/covers.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using sts::test::covers;

constexpr int ok = sts::sim::cli::exit_status::ok;
constexpr int failed = sts::sim::cli::exit_status::failed;
constexpr int usage = sts::sim::cli::exit_status::usage;

// example.test publishes an enforce policy naming its one MX, which offers STARTTLS with a
// valid certificate. `{rcpt}` is replaced by an `replies` entry for the MX, or nothing.
constexpr std::string_view policy_world = R"(
[world]
start = 2024-09-26T15:23:39Z
seed = 5

[profile."example.test"]
tls = "preferred"
mta_sts = true

[profile.default]
tls = "preferred"

[[dns]]
name = "example.test"
type = "MX"
data = "10 mx1.example.test"

[[dns]]
name = "_mta-sts.example.test"
type = "TXT"
data = "v=STSv1; id=20240926T1;"

[policy_host."example.test"]
body = """
version: STSv1
mode: enforce
mx: mx1.example.test
max_age: 604800
"""

[smtp."mx1.example.test"]
starttls = true
)";

// The same domain later: no `_mta-sts` record, no policy host, and its only MX is one the
// policy does not list, which offers no STARTTLS (an attacker's, say).
constexpr std::string_view hijacked_world = R"(
[world]
start = 2024-09-26T15:23:39Z
seed = 5

[profile."example.test"]
tls = "preferred"
mta_sts = true

[profile.default]
tls = "preferred"

[[dns]]
name = "example.test"
type = "MX"
data = "10 rogue.example.test"

[smtp."rogue.example.test"]
starttls = false
)";

struct temp_dir {
    fs::path path;
    temp_dir() {
        std::string pattern = (fs::temp_directory_path() / "mtasts-sim-send-command-XXXXXX").string();
        BOOST_TEST_REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path = pattern;
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    // Writes `text` to a file in this directory and returns its path.
    std::string write(const std::string& name, std::string_view text) const {
        const auto file = path / name;
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << text;
        return file.string();
    }
};

struct run_output {
    int status = -1;
    std::string out;
    std::string err;
    bool has(std::string_view text) const { return out.find(text) != std::string::npos; }
};

run_output send(const std::vector<std::string>& args) {
    std::istringstream in;
    std::ostringstream out;
    std::ostringstream err;
    run_output r;
    r.status = sts::sim::cli::run_send(args, {in, out, err});
    r.out = out.str();
    r.err = err.str();
    return r;
}

// The policy world with the MX answering RCPT with `reply`.
std::string world_with_rcpt_reply(const std::string& reply) {
    return std::string(policy_world) + "replies = [{ step = \"rcpt\", reply = \"" + reply + "\" }]\n";
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Runs the real binary through the shell; returns its exit status and standard output.
run_output spawn(const std::string& shell_args) {
    const std::string command = std::string("'") + STS_CLI_PATH + "' " + shell_args + " 2>/dev/null";
    run_output r;
    FILE* pipe = ::popen(command.c_str(), "r");
    BOOST_REQUIRE(pipe != nullptr);
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) r.out.append(buffer.data(), n);
    const int raw = ::pclose(pipe);
    BOOST_REQUIRE(WIFEXITED(raw));
    r.status = WEXITSTATUS(raw);
    return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sim_cli_send_command)

// --- a delivery ---

BOOST_AUTO_TEST_CASE(a_delivery_under_an_enforce_policy_prints_the_documented_lines_and_exits_0,
                     *covers("STS-APPLY-01")) {
    const temp_dir dir;
    const auto world = dir.write("world.toml", policy_world);
    const auto r = send({world, "--from", "a@gw.test", "--to", "b@example.test"});
    BOOST_TEST(r.status == ok);
    BOOST_TEST(r.err.empty(), r.err);
    BOOST_TEST(r.has("Info: MID 1 queued for delivery"));
    BOOST_TEST(r.has("Successfully fetched MTA-STS TXT record for domain(example.test)"));
    BOOST_TEST(r.has("Applying MTA-STS policy for the domain (example.test)"));
    BOOST_TEST(r.has("Info: New SMTP DCID 1 interface 10.0.0.1 address 10.25.0.1 port 25"));
    BOOST_TEST(r.has("Info: DCID 1 TLS success protocol TLSv1.3 cipher "));
    BOOST_TEST(r.has("Info: Delivery start DCID 1 MID 1 to RID [0]"));
    BOOST_TEST(r.has("Info: Message finished MID 1 done"));
    // The summary after the log: what became of the recipient, and over what.
    BOOST_TEST(r.has("\n\nMID 1 RID 0 <b@example.test>: delivered via mx1.example.test (10.25.0.1:25) TLSv1.3 - 250 "));
}

BOOST_AUTO_TEST_CASE(every_recipient_gets_a_summary_line) {
    const temp_dir dir;
    const auto world = dir.write("world.toml", policy_world);
    const auto r = send({world, "--from", "a@gw.test", "--to", "b@example.test", "--to", "c@example.test"});
    BOOST_TEST(r.status == ok);
    BOOST_TEST(r.has("MID 1 RID 0 <b@example.test>: delivered via mx1.example.test"));
    BOOST_TEST(r.has("MID 1 RID 1 <c@example.test>: delivered via mx1.example.test"));
}

BOOST_AUTO_TEST_CASE(a_bounced_recipient_exits_1) {
    const temp_dir dir;
    const auto world = dir.write("world.toml", world_with_rcpt_reply("550 5.1.1 no such user"));
    const auto r = send({world, "--from", "a@gw.test", "--to", "b@example.test"});
    BOOST_TEST(r.status == failed);
    BOOST_TEST(r.has("MID 1 RID 0 <b@example.test>: bounced"));
    BOOST_TEST(r.has("Info: Bounced: DCID 1 MID 1 From: <a@gw.test> To: <b@example.test> RID 0 - 5.1.1 - "));
    BOOST_TEST(r.has("('550', ['5.1.1 no such user'])"));
    BOOST_TEST(r.has("Info: MID 1 RID [0] bounce DSN generated to <a@gw.test>"));
    BOOST_TEST(!r.has(": delivered"));
}

BOOST_AUTO_TEST_CASE(a_recipient_still_queued_when_the_run_ends_exits_1) {
    const temp_dir dir;
    const auto world = dir.write("world.toml", world_with_rcpt_reply("451 4.3.0 try later"));
    const auto r = send({world, "--from", "a@gw.test", "--to", "b@example.test", "--run-for", "10m"});
    BOOST_TEST(r.status == failed);
    BOOST_TEST(r.has("MID 1 RID 0 <b@example.test>: queued"));
    BOOST_TEST(!r.has(": delivered"));
}

// --- usage errors ---

BOOST_AUTO_TEST_CASE(usage_errors_exit_2_with_the_usage) {
    const temp_dir dir;
    const auto world = dir.write("world.toml", policy_world);
    const std::vector<std::vector<std::string>> wrong = {
        {},
        {world, "--from", "a@gw.test"},
        {world, "--to", "b@example.test", "--bogus", "x"},
        {world, "--from", "a@gw.test", "--to"},
        {world, "--from", "a@gw.test", "--to", "b@example.test", "--cache-file", ""},
        {world, "--from", "a@gw.test", "--to", "b@example.test", "--run-for", "soon"},
        {world, "--from", "a@gw.test", "--to", "b@example.test", "--nameserver", "127.0.0.1:53"},
        {"--nameserver", "127.0.0.1:53", "--from", "a@gw.test", "--to", "b@example.test"},
        {world, world, "--from", "a@gw.test", "--to", "b@example.test"},
    };
    for (const auto& args : wrong) {
        const auto r = send(args);
        BOOST_TEST(r.status == usage);
        BOOST_TEST(r.err.find("usage: mtasts-sim send") != std::string::npos);
        BOOST_TEST(r.out.empty());
    }
}

BOOST_AUTO_TEST_CASE(a_missing_world_file_exits_2) {
    const temp_dir dir;
    const auto r = send({(dir.path / "absent.toml").string(), "--from", "a@gw.test", "--to", "b@example.test"});
    BOOST_TEST(r.status == usage);
    BOOST_TEST(!r.err.empty());
    BOOST_TEST(r.out.empty());
}

// --- --cache-file ---

BOOST_AUTO_TEST_CASE(the_cache_file_holds_the_fetched_policy_after_a_send) {
    const temp_dir dir;
    const auto world = dir.write("world.toml", policy_world);
    const auto cache = (dir.path / "policies.cache").string();
    const auto r = send({world, "--from", "a@gw.test", "--to", "b@example.test", "--cache-file", cache});
    BOOST_TEST(r.status == ok);
    BOOST_TEST(r.err.empty(), r.err);
    const auto loaded = sts::sim::cache_store(cache).load();
    BOOST_TEST_REQUIRE(loaded.has_value());
    BOOST_TEST(loaded->recognised);
    BOOST_TEST(loaded->findings.empty());
    BOOST_TEST_REQUIRE(loaded->entries.size() == 1u);
    const auto& entry = loaded->entries.front();
    BOOST_TEST(entry.domain == "example.test");
    BOOST_TEST(entry.policy_id == "20240926T1");
    BOOST_TEST((entry.cached_policy.policy_mode == sts::mtasts::mode::enforce));
    BOOST_TEST(entry.cached_policy.mx_patterns == std::vector<std::string>{"mx1.example.test"});
    // Written by rename: no temporary file is left behind.
    BOOST_TEST(!fs::exists(cache + ".tmp"));
}

BOOST_AUTO_TEST_CASE(a_later_send_enforces_the_cached_policy_when_the_policy_host_is_gone,
                     *covers("STS-SEC-04") * covers("STS-APPLY-09")) {
    const temp_dir dir;
    const auto first_world = dir.write("first.toml", policy_world);
    const auto second_world = dir.write("second.toml", hijacked_world);
    const auto cache = (dir.path / "policies.cache").string();
    const auto first = send({first_world, "--from", "a@gw.test", "--to", "b@example.test", "--cache-file", cache});
    BOOST_TEST_REQUIRE(first.status == ok);

    const auto second = send({second_world, "--from", "a@gw.test", "--to", "b@example.test", "--cache-file", cache,
                              "--run-for", "1h"});
    BOOST_TEST(second.status == failed);
    BOOST_TEST(second.err.empty(), second.err);
    BOOST_TEST(second.has("Applying MTA-STS policy for the domain (example.test)"));
    BOOST_TEST(second.has(
        "MX host rogue.example.test is not listed in the MTA-STS policy for the domain (example.test), skipping it"));
    // The unlisted MX never got a connection, let alone a MAIL command in clear text.
    BOOST_TEST(!second.has("New SMTP DCID"));
    BOOST_TEST(!second.has("Delivery start"));
    BOOST_TEST(second.has("MID 1 RID 0 <b@example.test>: queued"));
    // The cached policy is still in the file for the next run.
    const auto loaded = sts::sim::cache_store(cache).load();
    BOOST_TEST_REQUIRE(loaded.has_value());
    BOOST_TEST_REQUIRE(loaded->entries.size() == 1u);
    BOOST_TEST(loaded->entries.front().domain == "example.test");
}

BOOST_AUTO_TEST_CASE(without_the_cache_file_the_same_send_delivers_in_clear_text) {
    // The control for the case above: what made the difference was the file.
    const temp_dir dir;
    const auto second_world = dir.write("second.toml", hijacked_world);
    const auto r = send({second_world, "--from", "a@gw.test", "--to", "b@example.test", "--run-for", "1h"});
    BOOST_TEST(r.status == ok);
    BOOST_TEST(r.has("MID 1 RID 0 <b@example.test>: delivered via rogue.example.test"));
    BOOST_TEST(r.has("in clear text"));
}

BOOST_AUTO_TEST_CASE(a_missing_cache_file_is_an_empty_cache_and_is_created) {
    const temp_dir dir;
    const auto world = dir.write("world.toml", hijacked_world);
    const auto cache = (dir.path / "policies.cache").string();
    const auto r = send({world, "--from", "a@gw.test", "--to", "b@example.test", "--cache-file", cache});
    BOOST_TEST(r.status == ok);
    BOOST_TEST(r.err.empty(), r.err);
    const auto loaded = sts::sim::cache_store(cache).load();
    BOOST_TEST_REQUIRE(loaded.has_value());
    BOOST_TEST(loaded->recognised);
    BOOST_TEST(loaded->entries.empty());
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_a_cache_file_is_refused_and_left_alone) {
    const temp_dir dir;
    const auto world = dir.write("world.toml", policy_world);
    const auto cache = dir.write("notes.txt", "these are my notes\n");
    const auto r = send({world, "--from", "a@gw.test", "--to", "b@example.test", "--cache-file", cache});
    BOOST_TEST(r.status == usage);
    BOOST_TEST(r.err.find(cache) != std::string::npos, r.err);
    BOOST_TEST(r.out.empty());
    BOOST_TEST(read_text(cache) == "these are my notes\n");
}

BOOST_AUTO_TEST_CASE(a_cache_file_that_cannot_be_written_turns_success_into_exit_1) {
    const temp_dir dir;
    const auto world = dir.write("world.toml", policy_world);
    // A directory that does not exist: load sees no file (an empty cache), save fails.
    const auto cache = (dir.path / "no-such-dir" / "policies.cache").string();
    const auto r = send({world, "--from", "a@gw.test", "--to", "b@example.test", "--cache-file", cache});
    BOOST_TEST(r.status == failed);
    BOOST_TEST(r.has("MID 1 RID 0 <b@example.test>: delivered"));
    BOOST_TEST(r.err.find("no-such-dir") != std::string::npos, r.err);
}

// --- the binary ---

BOOST_AUTO_TEST_CASE(the_binary_sends_and_writes_the_cache_file) {
    const temp_dir dir;
    const auto world = dir.write("world.toml", policy_world);
    const auto cache = (dir.path / "policies.cache").string();
    const auto r =
        spawn("send '" + world + "' --from a@gw.test --to b@example.test --cache-file '" + cache + "'");
    BOOST_TEST(r.status == ok);
    BOOST_TEST(r.has("Info: DCID 1 TLS success protocol TLSv1.3"));
    BOOST_TEST(r.has("Info: Message finished MID 1 done"));
    BOOST_TEST(fs::exists(cache));
    const auto bad = spawn("send '" + world + "' --from a@gw.test");
    BOOST_TEST(bad.status == usage);
}

BOOST_AUTO_TEST_SUITE_END()
