// Tests `mtasts-sim replay` (run_replay in sim/cli/cli.hpp): every example trace under
// scenarios/traces/ is reproduced and its written scenario is byte for byte the committed
// one; a trace altered in one line is reported as diverging at that line; hostile input
// (binary junk, an empty file, a 1 MB line, a missing file) ends with exit 2 and a clear
// message or a bounded result, never a crash; bad options are usage errors; and a what-if
// shows the new outcome.
#include "sim/cli/cli.hpp"

#include "tests/support/covers.hpp"

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using sts::sim::cli::exit_status::failed;
using sts::sim::cli::exit_status::ok;
using sts::sim::cli::exit_status::usage;

struct outcome {
    int status;
    std::string out;
    std::string err;
};

outcome replay(std::vector<std::string> args) {
    std::istringstream in;
    std::ostringstream out, err;
    const int status = sts::sim::cli::run_replay(args, {in, out, err});
    return {status, out.str(), err.str()};
}

fs::path traces_dir() {
    return fs::path(STS_SOURCE_DIR) / "scenarios" / "traces";
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> read_lines(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// A file in a scratch folder of this process, removed with the fixture.
struct scratch {
    fs::path dir;
    scratch() {
        dir = fs::temp_directory_path() / ("replay_command_test_" + std::to_string(::getpid()));
        fs::create_directories(dir);
    }
    ~scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    fs::path write(const std::string& name, const std::string& content) const {
        const fs::path p = dir / name;
        std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
        return p;
    }
    fs::path write_lines(const std::string& name, const std::vector<std::string>& lines) const {
        std::string text;
        for (const auto& l : lines) text += l + "\n";
        return write(name, text);
    }
};

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::vector<fs::path> example_traces() {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(traces_dir())) {
        if (e.is_regular_file() && e.path().extension() == ".log") out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(replay_command)

BOOST_AUTO_TEST_CASE(every_example_trace_is_reproduced_and_writes_its_committed_scenario) {
    const scratch s;
    const auto traces = example_traces();
    BOOST_TEST_REQUIRE(traces.size() >= 3u, "the example traces are found under " << traces_dir());
    for (const auto& log : traces) {
        BOOST_TEST_CONTEXT(log.filename().string()) {
            const fs::path written = s.dir / (log.stem().string() + ".toml");
            const auto r = replay({log.string(), "--write-scenario", written.string()});
            BOOST_TEST(r.status == ok, r.out << r.err);
            BOOST_TEST(has(r.out, "Result: reproduced"), r.out);
            BOOST_TEST(has(r.out, "Scenario written to " + written.string()), r.out);
            fs::path committed = log;
            committed.replace_extension(".toml");
            if (fs::exists(committed)) {
                BOOST_TEST(read_file(written) == read_file(committed),
                           "the scenario replay writes differs from " << committed.filename().string());
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(the_report_shows_the_inferred_world_and_the_aligned_lines) {
    const auto r = replay({(traces_dir() / "hosted-domain-cert-mismatch.log").string()});
    BOOST_TEST(r.status == ok, r.out << r.err);
    BOOST_TEST(has(r.out, "replay: "), r.out);
    BOOST_TEST(has(r.out, "Inferred world:"), r.out);
    BOOST_TEST(has(r.out, "customer.example profile TLS = Required-Verify"), r.out);
    BOOST_TEST(has(r.out, "Traces side by side"), r.out);
    BOOST_TEST(has(r.out, "| DCID 902 TLS deferring: verify error: peer cert does not match domain\n"),
               r.out);
}

BOOST_AUTO_TEST_CASE(a_trace_with_a_line_deleted_diverges_at_that_line) {
    const scratch s;
    auto lines = read_lines(traces_dir() / "enforce-expired-mx-cert-bounced.log");
    BOOST_TEST_REQUIRE(lines.size() > 6u);
    BOOST_TEST_REQUIRE(has(lines[5], "DCID 31 TLS was required but could not be successfully negotiated"));
    lines.erase(lines.begin() + 5);
    const auto r = replay({s.write_lines("deleted.log", lines).string()});
    BOOST_TEST(r.status == failed, r.out << r.err);
    BOOST_TEST(has(r.out, "Result: diverged at trace line 6 after 5 agreeing lines"), r.out);
    BOOST_TEST(has(r.out, "customer: DCID 31 close"), r.out);
    BOOST_TEST(has(r.out, "engine:   DCID 1 TLS was required but could not be successfully negotiated"),
               r.out);
}

BOOST_AUTO_TEST_CASE(a_trace_with_a_connection_renumbered_diverges_at_that_line) {
    const scratch s;
    auto lines = read_lines(traces_dir() / "enforce-expired-mx-cert-bounced.log");
    BOOST_TEST_REQUIRE(has(lines.at(6), "DCID 31 close"));
    lines[6].replace(lines[6].find("DCID 31"), 7, "DCID 32");
    const auto r = replay({s.write_lines("renumbered.log", lines).string()});
    BOOST_TEST(r.status == failed, r.out << r.err);
    BOOST_TEST(has(r.out, "Result: diverged at trace line 7 after 6 agreeing lines"), r.out);
}

BOOST_AUTO_TEST_CASE(a_tls_success_changed_into_a_verify_error_diverges_where_the_engine_stops_delivering) {
    const scratch s;
    auto lines = read_lines(traces_dir() / "policy-fetch-timeout-via-proxy.log");
    const std::string success = "TLS success protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384";
    const auto at = std::find_if(lines.begin(), lines.end(),
                                 [&](const std::string& l) { return has(l, "DCID 5120 " + success); });
    BOOST_TEST_REQUIRE((at != lines.end()));
    BOOST_TEST_REQUIRE(has(*std::next(at), "Delivery start DCID 5120"));
    at->replace(at->find(success), success.size(), "TLS deferring: verify error: certificate has expired");
    const std::size_t altered = static_cast<std::size_t>(at - lines.begin()) + 1;
    const auto r = replay({s.write_lines("altered.log", lines).string()});
    BOOST_TEST(r.status == failed, r.out << r.err);
    // The world now has an expired certificate under Required-Verify: the engine reproduces
    // the altered line and then refuses to send, where the customer's next line delivers.
    BOOST_TEST(has(r.out, "Result: diverged at trace line " + std::to_string(altered + 1) + " "), r.out);
    BOOST_TEST(has(r.out, "customer: Delivery start DCID 5120 MID 88120 to RID [0]"), r.out);
}

BOOST_AUTO_TEST_CASE(binary_junk_is_refused_with_exit_2_and_a_clear_message) {
    const scratch s;
    std::string junk(100'000, '\0');
    for (std::size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<char>((i * 2654435761u) >> 13);
    const auto r = replay({s.write("junk.log", junk).string()});
    BOOST_TEST(r.status == usage, r.out << r.err);
    BOOST_TEST(has(r.err, "junk.log"), r.err);
    BOOST_TEST(has(r.err, "not a text log"), r.err);
    BOOST_TEST(r.out.size() < 4096u);
}

BOOST_AUTO_TEST_CASE(text_that_is_no_mail_log_is_refused_with_exit_2) {
    const scratch s;
    const auto r =
        replay({s.write("prose.log", "Dear support,\nmail to our partner is stuck.\nRegards\n").string()});
    BOOST_TEST(r.status == usage, r.out << r.err);
    BOOST_TEST(!r.err.empty());
}

BOOST_AUTO_TEST_CASE(an_empty_file_is_refused_with_exit_2) {
    const scratch s;
    const auto r = replay({s.write("empty.log", "").string()});
    BOOST_TEST(r.status == usage, r.out << r.err);
    BOOST_TEST(has(r.err, "empty.log"), r.err);
}

BOOST_AUTO_TEST_CASE(a_one_megabyte_line_before_a_valid_trace_is_cut_and_the_trace_still_replays) {
    const scratch s;
    const std::string trace = read_file(traces_dir() / "hosted-domain-cert-mismatch.log");
    const auto r = replay({s.write("long-line.log", std::string(1024 * 1024, 'x') + "\n" + trace).string()});
    BOOST_TEST(r.status == ok, r.out << r.err);
    BOOST_TEST(has(r.out, "Lines not understood"), r.out);
    BOOST_TEST(r.out.size() < 64u * 1024u, "the report stays small: " << r.out.size() << " bytes");
}

BOOST_AUTO_TEST_CASE(control_characters_of_a_line_not_understood_are_shown_escaped) {
    const scratch s;
    const std::string trace = read_file(traces_dir() / "hosted-domain-cert-mismatch.log");
    const auto r =
        replay({s.write("escape.log", "note \x1b[2J\x1b]0;owned\x07 from the customer\n" + trace).string()});
    BOOST_TEST(r.status == ok, r.out << r.err);
    BOOST_TEST(r.out.find('\x1b') == std::string::npos, "no raw escape byte reaches the terminal");
    BOOST_TEST(has(r.out, "note \\x1b[2J"), r.out);
}

BOOST_AUTO_TEST_CASE(a_delayed_line_with_a_damaged_reply_code_still_replays) {
    const scratch s;
    const auto r =
        replay({s.write_lines("code.log", {"Mon Mar  4 09:00:00 2024 Info: MID 1 queued for delivery",
                                           "Mon Mar  4 09:00:01 2024 Info: New SMTP DCID 5 interface "
                                           "192.0.2.10 address 203.0.113.7 port 25",
                                           "Mon Mar  4 09:00:02 2024 Info: Delayed: DCID 5 MID 1 From: "
                                           "<a@gw.example> To: <b@x.example> RID 0 - 4.2.2 - "
                                           "full ('999', ['full'])"})
                    .string()});
    BOOST_TEST(r.status != usage, r.out << r.err);
    BOOST_TEST(!has(r.err, "a replay bug"), r.err);
    BOOST_TEST(has(r.out, "reply code '999'"), r.out);
}

BOOST_AUTO_TEST_CASE(a_missing_file_is_exit_2) {
    const auto r = replay({(traces_dir() / "no-such-trace.log").string()});
    BOOST_TEST(r.status == usage);
    BOOST_TEST(has(r.err, "no-such-trace.log: cannot open"), r.err);
}

BOOST_AUTO_TEST_CASE(a_set_with_an_unknown_key_is_exit_2_naming_it) {
    const auto r =
        replay({(traces_dir() / "hosted-domain-cert-mismatch.log").string(), "--set", "profile.colour=blue"});
    BOOST_TEST(r.status == usage);
    BOOST_TEST(has(r.err, "profile.colour"), r.err);
    BOOST_TEST(has(r.err, "profile.tls"), r.err);
    BOOST_TEST(r.out.empty(), "nothing ran");
}

BOOST_AUTO_TEST_CASE(a_set_with_a_bad_value_is_exit_2_listing_the_values) {
    const auto r =
        replay({(traces_dir() / "hosted-domain-cert-mismatch.log").string(), "--set", "profile.tls=maybe"});
    BOOST_TEST(r.status == usage);
    BOOST_TEST(has(r.err, "required-verify-hosted"), r.err);
}

BOOST_AUTO_TEST_CASE(bad_arguments_are_usage_errors) {
    const std::string log = (traces_dir() / "hosted-domain-cert-mismatch.log").string();
    BOOST_TEST(replay({}).status == usage);
    BOOST_TEST(has(replay({}).err, "usage: mtasts-sim replay"));
    BOOST_TEST(replay({log, "--frobnicate"}).status == usage);
    BOOST_TEST(replay({log, log}).status == usage);
    BOOST_TEST(replay({log, "--year"}).status == usage);
    BOOST_TEST(replay({log, "--year", "19x"}).status == usage);
    BOOST_TEST(replay({log, "--year", "1969"}).status == usage);
    BOOST_TEST(replay({log, "--write-scenario"}).status == usage);
    BOOST_TEST(replay({log, "--domain"}).status == usage);
}

BOOST_AUTO_TEST_CASE(an_unwritable_scenario_file_is_exit_2) {
    const auto r = replay({(traces_dir() / "hosted-domain-cert-mismatch.log").string(), "--write-scenario",
                           "/nonexistent-folder/for/sure/out.toml"});
    BOOST_TEST(r.status == usage);
    BOOST_TEST(has(r.err, "cannot write"), r.err);
}

BOOST_AUTO_TEST_CASE(required_verify_hosted_turns_the_hosted_domains_deferral_into_delivery) {
    const auto r = replay({(traces_dir() / "hosted-domain-cert-mismatch.log").string(), "--set",
                           "profile.tls=required-verify-hosted"});
    BOOST_TEST(r.status == ok, r.out << r.err);
    BOOST_TEST(has(r.out, "What if profile.tls=required-verify-hosted:"), r.out);
    BOOST_TEST(has(r.out, "MID 4417 (to ap@customer.example): deferred -> delivered"), r.out);
    BOOST_TEST(has(r.out, "engine: DCID 1 TLS success"), r.out);
}

BOOST_AUTO_TEST_CASE(a_what_if_that_changes_nothing_says_so) {
    const auto r = replay({(traces_dir() / "hosted-domain-cert-mismatch.log").string(), "--set",
                           "profile.tls=required-verify"});
    BOOST_TEST(r.status == ok, r.out << r.err);
    BOOST_TEST(has(r.out, "deferred -> deferred (no change)"), r.out);
}

BOOST_AUTO_TEST_CASE(domain_narrows_the_replay_to_one_recipient_domain) {
    const auto whole = replay({(traces_dir() / "two-domains-interleaved.log").string()});
    BOOST_TEST(whole.status == ok, whole.out << whole.err);
    const auto r =
        replay({(traces_dir() / "two-domains-interleaved.log").string(), "--domain", "slow.example"});
    BOOST_TEST(r.status == ok, r.out << r.err);
    BOOST_TEST(has(r.out, "slow.example"), r.out);
    BOOST_TEST(!has(r.out, "MID 300 ="), "the other domain's message is not in the world: " << r.out);
    BOOST_TEST(has(r.out, "MID 301 = delivered"), r.out);
}

BOOST_AUTO_TEST_SUITE_END()
