// Tests `mtasts-sim check` (run_check in sim/cli/cli.hpp): exit status, the requirement id
// named for every refusal, JSON output, usage errors, and the wiring of the real binary.
#include "sim/cli/cli.hpp"

#include "engine/core/limits.hpp"
#include "tests/support/covers.hpp"

#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using sts::test::covers;

namespace {

struct run_output {
    int status = -1;
    std::string out;
    std::string err;
};

run_output check(const std::vector<std::string>& args, const std::string& input = {}) {
    std::istringstream in(input);
    std::ostringstream out;
    std::ostringstream err;
    run_output r;
    r.status = sts::sim::cli::run_check(args, {in, out, err});
    r.out = out.str();
    r.err = err.str();
    return r;
}

run_output check_txt(const std::vector<std::string>& records) {
    std::vector<std::string> args{"txt"};
    args.insert(args.end(), records.begin(), records.end());
    return check(args);
}

run_output check_policy(const std::string& body) { return check({"policy", "-"}, body); }

bool names(const run_output& r, const std::string& id) { return r.out.find("[" + id + "]") != std::string::npos; }

// A case of the table-driven tests: the input, the exit status, and the requirement id the
// output must name (empty when it need not name one).
struct txt_case {
    std::vector<std::string> records;
    int status;
    std::string id;
};

void expect_txt(const std::vector<txt_case>& cases) {
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT("records: " << c.records.front() << (c.records.size() > 1 ? " ..." : "")) {
            const auto r = check_txt(c.records);
            BOOST_TEST(r.status == c.status);
            if (!c.id.empty()) BOOST_TEST(names(r, c.id), "output does not name " << c.id << ":\n" << r.out);
            BOOST_TEST(r.err.empty());
        }
    }
}

struct policy_case {
    std::string body;
    int status;
    std::string id;
};

void expect_policy(const std::vector<policy_case>& cases) {
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT("policy:\n" << c.body) {
            const auto r = check_policy(c.body);
            BOOST_TEST(r.status == c.status);
            if (!c.id.empty()) BOOST_TEST(names(r, c.id), "output does not name " << c.id << ":\n" << r.out);
            if (c.status == 1) BOOST_TEST(names(r, "STS-PARSE-18"));
        }
    }
}

// The policy of RFC 8461 §3.2 with one line replaced (or dropped when `line` is empty).
std::string golden_with(const std::string& key, const std::string& line) {
    const std::vector<std::pair<std::string, std::string>> lines{{"version", "version: STSv1"},
                                                                 {"mode", "mode: enforce"},
                                                                 {"mx", "mx: mail.example.com"},
                                                                 {"max_age", "max_age: 604800"}};
    std::string body;
    for (const auto& [k, l] : lines) {
        const auto& text = k == key ? line : l;
        if (!text.empty()) body += text + "\n";
    }
    return body;
}

const std::string golden_policy =
    "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmx: backupmx.example.com\n"
    "max_age: 604800\n";

constexpr int ok = sts::sim::cli::exit_status::ok;
constexpr int failed = sts::sim::cli::exit_status::failed;
constexpr int usage = sts::sim::cli::exit_status::usage;

// Runs the real binary through the shell; returns its exit status and standard output.
run_output spawn(const std::string& shell_args) {
    const std::string command = std::string("'") + STS_CLI_PATH + "' " + shell_args;
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

BOOST_AUTO_TEST_SUITE(sim_cli_check_command)

// --- check txt ---

BOOST_AUTO_TEST_CASE(txt_with_non_ascii_is_invalid, *covers("STS-DISC-02")) {
    expect_txt({{{"v=STSv1; id=a; x=\xc3\xa9"}, failed, "STS-DISC-02"}});
}

BOOST_AUTO_TEST_CASE(txt_without_id_is_invalid, *covers("STS-DISC-03")) {
    expect_txt({{{"v=STSv1;"}, failed, "STS-DISC-03"}});
}

BOOST_AUTO_TEST_CASE(txt_version_is_case_sensitive_and_first, *covers("STS-DISC-05")) {
    expect_txt({{{"V=STSv1; id=1"}, failed, "STS-DISC-05"},
                {{"v=stsv1; id=1"}, failed, "STS-DISC-05"},
                {{"id=1; v=STSv1"}, failed, "STS-DISC-05"},
                {{"v=STSv1; ext=1; id=abc"}, ok, ""}});
    BOOST_TEST(check_txt({"v=STSv1; ext=1; id=abc"}).out.find("id: abc\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(txt_id_is_1_to_32_letters_and_digits, *covers("STS-DISC-06", "STS-DISC-03")) {
    expect_txt({{{"v=STSv1; id=" + std::string(32, 'a')}, ok, ""},
                {{"v=STSv1; id=" + std::string(33, 'a')}, failed, "STS-DISC-06"},
                {{"v=STSv1; id=ab-1"}, failed, "STS-DISC-06"},
                {{"v=STSv1; id="}, failed, "STS-DISC-06"},
                {{"v=STSv1; ID=abc"}, failed, "STS-DISC-03"}});
}

BOOST_AUTO_TEST_CASE(txt_delimiters_follow_the_strict_abnf, *covers("STS-DISC-07")) {
    expect_txt({{{"v=STSv1;id=a"}, ok, ""},
                {{"v=STSv1;\tid=a;  "}, ok, ""},
                {{"v=STSv1; id=a  "}, failed, "STS-DISC-07"}});
}

BOOST_AUTO_TEST_CASE(txt_extensions_follow_their_grammar, *covers("STS-DISC-08")) {
    expect_txt({{{"v=STSv1; id=a; foo_bar=baz"}, ok, ""},
                {{"v=STSv1; id=a; foo="}, failed, "STS-DISC-08"},
                {{"v=STSv1; id=a; foo=b c"}, failed, "STS-DISC-08"}});
    BOOST_TEST(check_txt({"v=STSv1; id=a; foo_bar=baz"}).out.find("foo_bar=baz") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(txt_unknown_fields_are_accepted, *covers("STS-DISC-09")) {
    expect_txt({{{"v=STSv1; id=a; future=1"}, ok, ""}});
}

BOOST_AUTO_TEST_CASE(txt_other_records_in_the_rrset_are_set_aside, *covers("STS-DISC-10")) {
    const auto r = check_txt({"v=spf1 -all", "v=STSv1; id=a"});
    BOOST_TEST(r.status == ok);
    BOOST_TEST(r.out.find("id: a\n") != std::string::npos);
    BOOST_TEST(r.out.find("record 1, column 1: ") != std::string::npos);
    BOOST_TEST(names(r, "STS-DISC-10"));
}

BOOST_AUTO_TEST_CASE(txt_whitespace_before_the_semicolon_is_not_discovered, *covers("STS-DISC-10")) {
    expect_txt({{{"v=STSv1 ;id=x"}, failed, "STS-DISC-10"}});
}

BOOST_AUTO_TEST_CASE(txt_two_sts_records_give_no_policy, *covers("STS-DISC-11")) {
    expect_txt({{{"v=STSv1; id=a", "v=STSv1; id=b"}, failed, "STS-DISC-11"}});
}

BOOST_AUTO_TEST_CASE(txt_single_invalid_record_gives_no_policy, *covers("STS-DISC-12")) {
    const auto r = check_txt({"v=STSv1; id=a b"});
    BOOST_TEST(r.status == failed);
    BOOST_TEST(names(r, "STS-DISC-12"));
    BOOST_TEST(r.out.find("column 14: ") != std::string::npos);
    BOOST_TEST(names(r, "STS-DISC-06"));
}

BOOST_AUTO_TEST_CASE(txt_without_an_sts_record_gives_no_policy, *covers("STS-DISC-13")) {
    expect_txt({{{"v=spf1 -all"}, failed, "STS-DISC-13"}});
}

BOOST_AUTO_TEST_CASE(txt_quoted_strings_are_joined_without_spaces, *covers("STS-DISC-14")) {
    const auto ab = check_txt({"\"v=STSv1; id=ab\" \"cd\""});
    BOOST_TEST(ab.status == ok);
    BOOST_TEST(ab.out.find("id: abcd\n") != std::string::npos);
    const auto x = check_txt({"\"v=STS\" \"v1; id=x\""});
    BOOST_TEST(x.status == ok);
    BOOST_TEST(x.out.find("id: x\n") != std::string::npos);
    // dig's escapes: \" is a quote and \059 a ';'.
    const auto escaped = check_txt({R"("v=STSv1\059 id=e; x=\"q\"")"});
    BOOST_TEST(escaped.status == ok);
    BOOST_TEST(escaped.out.find("x=\"q\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(txt_other_versions_give_no_policy, *covers("STS-DISC-21")) {
    expect_txt({{{"v=STSv2; id=a"}, failed, "STS-DISC-21"}, {{"v=STSv10; id=a"}, failed, "STS-DISC-21"}});
}

BOOST_AUTO_TEST_CASE(txt_duplicate_id_uses_the_first_and_says_so, *covers("STS-DISC-04")) {
    const auto r = check_txt({"v=STSv1; id=b; id=a"});
    BOOST_TEST(r.status == ok);
    BOOST_TEST(r.out.find("id: b\n") != std::string::npos);
    BOOST_TEST(r.out.find("note: column 16: ") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(txt_json_output_has_status_id_and_findings, *covers("STS-DISC-06")) {
    const auto good = check({"--json", "txt", "v=STSv1; id=abc; foo=bar"});
    BOOST_TEST(good.status == ok);
    const auto g = nlohmann::json::parse(good.out);
    BOOST_TEST(g["valid"] == true);
    BOOST_TEST(g["status"] == "found");
    BOOST_TEST(g["id"] == "abc");
    BOOST_TEST(g["extensions"][0]["name"] == "foo");
    BOOST_TEST(g["extensions"][0]["value"] == "bar");
    BOOST_TEST(g["findings"].empty());

    // --json may come anywhere.
    const auto bad = check({"txt", "v=STSv1; id=ab-1", "--json"});
    BOOST_TEST(bad.status == failed);
    const auto b = nlohmann::json::parse(bad.out);
    BOOST_TEST(b["valid"] == false);
    BOOST_TEST(b["status"] == "invalid_record");
    BOOST_TEST(b["requirement"] == "STS-DISC-12");
    BOOST_REQUIRE(b["findings"].size() == 1u);
    BOOST_TEST(b["findings"][0]["requirement"] == "STS-DISC-06");
    BOOST_TEST(b["findings"][0]["record"] == 1);
    BOOST_TEST(b["findings"][0]["column"] == 15);
    BOOST_TEST(b["findings"][0]["detail"] == "id=ab-1");
}

BOOST_AUTO_TEST_CASE(txt_json_of_non_ascii_input_is_still_valid_json, *covers("STS-DISC-02")) {
    const auto r = check({"--json", "txt", "v=STSv1; id=\xff\xfe"});
    BOOST_TEST(r.status == failed);
    BOOST_TEST(nlohmann::json::accept(r.out));
}

// --- check policy ---

BOOST_AUTO_TEST_CASE(policy_from_the_rfc_is_valid_and_printed, *covers("STS-PARSE-01", "STS-PARSE-15")) {
    const auto r = check_policy(golden_policy);
    BOOST_TEST(r.status == ok);
    BOOST_TEST(r.out.find("mode: enforce\n") != std::string::npos);
    BOOST_TEST(r.out.find("max_age: 604800\n") != std::string::npos);
    BOOST_TEST(r.out.find("mx: mail.example.com\nmx: *.example.net\nmx: backupmx.example.com\n") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(policy_version_is_case_sensitive, *covers("STS-PARSE-02")) {
    expect_policy({{golden_with("version", "version: stsv1"), failed, "STS-PARSE-02"},
                   {golden_with("version", "Version: STSv1"), failed, "STS-PARSE-08"}});
}

BOOST_AUTO_TEST_CASE(policy_mode_is_one_of_three_exact_words, *covers("STS-PARSE-03")) {
    expect_policy({{golden_with("mode", "mode: Enforce"), failed, "STS-PARSE-03"},
                   {golden_with("mode", "mode: report"), failed, "STS-PARSE-03"},
                   {golden_with("mode", "mode: enforce;"), failed, "STS-PARSE-03"}});
}

BOOST_AUTO_TEST_CASE(policy_max_age_is_up_to_ten_digits, *covers("STS-PARSE-04")) {
    expect_policy({{golden_with("max_age", "max_age: 31557600"), ok, ""},
                   {golden_with("max_age", "max_age: 0000086400"), ok, ""},
                   {golden_with("max_age", "max_age: -1"), failed, "STS-PARSE-04"},
                   {golden_with("max_age", "max_age: 1e5"), failed, "STS-PARSE-04"},
                   {golden_with("max_age", "max_age: 86400s"), failed, "STS-PARSE-04"},
                   {golden_with("max_age", "max_age: "), failed, "STS-PARSE-04"},
                   {golden_with("max_age", "max_age: 12345678901"), failed, "STS-PARSE-04"}});
}

BOOST_AUTO_TEST_CASE(policy_mx_is_a_domain_with_an_optional_wildcard, *covers("STS-PARSE-05")) {
    expect_policy({{golden_with("mx", "mx: mail.example.com"), ok, ""},
                   {golden_with("mx", "mx: *.example.net"), ok, ""}});
    for (const char* bad : {"*mail.example.com", "mail.*.example.com", "*", "*.", "mx_1.example.com",
                            "mail.example.com."}) {
        expect_policy({{golden_with("mx", std::string("mx: ") + bad), failed, "STS-PARSE-05"}});
    }
}

BOOST_AUTO_TEST_CASE(policy_mx_value_is_never_split_into_several, *covers("STS-PARSE-06")) {
    expect_policy({{golden_with("mx", "mx: a.example, b.example"), failed, "STS-PARSE-06"},
                   {golden_with("mx", "mx: a.example b.example"), failed, "STS-PARSE-06"}});
}

BOOST_AUTO_TEST_CASE(policy_idn_patterns_must_be_a_labels, *covers("STS-PARSE-07")) {
    expect_policy({{golden_with("mx", "mx: xn--bcher-kva.example"), ok, ""},
                   {golden_with("mx", "mx: b\xc3\xbc" "cher.example"), failed, "STS-PARSE-07"}});
}

BOOST_AUTO_TEST_CASE(policy_required_fields_must_be_present, *covers("STS-PARSE-08")) {
    expect_policy({{golden_with("version", ""), failed, "STS-PARSE-08"},
                   {golden_with("mode", ""), failed, "STS-PARSE-08"},
                   {golden_with("max_age", ""), failed, "STS-PARSE-08"},
                   {golden_with("mx", ""), failed, "STS-PARSE-08"},
                   {"version: STSv1\nmode: testing\nmax_age: 86400\n", failed, "STS-PARSE-08"},
                   {"version: STSv1\nmode: none\nmax_age: 86400\n", ok, ""}});
}

BOOST_AUTO_TEST_CASE(policy_lines_end_with_lf_or_crlf, *covers("STS-PARSE-09")) {
    expect_policy({{"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 86400\n", ok, ""},
                   {"version: STSv1\r\nmode: enforce\r\nmx: a.example\r\nmax_age: 86400\r\n", ok, ""},
                   {"version: STSv1\r\nmode: enforce\nmx: a.example\r\nmax_age: 86400\n", ok, ""},
                   {"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 86400", ok, ""},
                   {"version: STSv1\rmode: enforce\rmx: a.example\rmax_age: 86400\r", failed, "STS-PARSE-09"}});
}

BOOST_AUTO_TEST_CASE(policy_delimiter_is_a_colon_right_after_the_key, *covers("STS-PARSE-10")) {
    expect_policy({{golden_with("mode", "mode:enforce"), ok, ""},
                   {golden_with("mode", "mode : enforce"), failed, "STS-PARSE-10"}});
}

BOOST_AUTO_TEST_CASE(policy_lines_allow_trailing_but_not_leading_whitespace, *covers("STS-PARSE-11")) {
    expect_policy({{golden_with("mode", "mode: enforce  "), ok, ""},
                   {golden_with("mode", " mode: enforce"), failed, "STS-PARSE-11"},
                   {golden_with("mode", "\nmode: enforce"), failed, "STS-PARSE-11"}});
}

BOOST_AUTO_TEST_CASE(policy_extensions_follow_their_grammar, *covers("STS-PARSE-12")) {
    expect_policy({{golden_policy + "note: hello w\xc3\xb6rld\n", ok, ""},
                   {golden_policy + "note: a\tb\n", failed, "STS-PARSE-12"},
                   {golden_policy + "note: a\xff\n", failed, "STS-PARSE-12"},
                   {golden_policy + std::string(33, 'n') + ": a\n", failed, "STS-PARSE-12"}});
}

BOOST_AUTO_TEST_CASE(policy_unknown_fields_are_ignored, *covers("STS-PARSE-13")) {
    const auto r = check_policy(golden_policy + "foo: bar\nMode: none\n");
    BOOST_TEST(r.status == ok);
    BOOST_TEST(r.out.find("mode: enforce\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(policy_first_of_duplicate_fields_wins, *covers("STS-PARSE-14")) {
    const auto r = check_policy("version: STSv1\nmode: enforce\nmode: none\nmx: a.example\nmax_age: 86400\n"
                                "max_age: 1\nversion: STSv1\n");
    BOOST_TEST(r.status == ok);
    BOOST_TEST(r.out.find("mode: enforce\n") != std::string::npos);
    BOOST_TEST(r.out.find("max_age: 86400\n") != std::string::npos);
    BOOST_TEST(r.out.find("note: line 3") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(policy_fields_may_come_in_any_order, *covers("STS-PARSE-16")) {
    expect_policy({{"mx: a.example\nmax_age: 86400\nmode: enforce\nversion: STSv1\n", ok, ""}});
}

BOOST_AUTO_TEST_CASE(policy_non_ascii_outside_extension_values_is_invalid, *covers("STS-PARSE-17")) {
    expect_policy({{golden_with("mode", "mode: enforc\xc3\xa9"), failed, "STS-PARSE-17"},
                   {golden_with("mode", "m\xc3\xb6" "de: enforce"), failed, "STS-PARSE-17"}});
}

BOOST_AUTO_TEST_CASE(policy_that_does_not_parse_is_no_policy, *covers("STS-PARSE-18")) {
    const auto r = check_policy("<html><body>Not found</body></html>\n");
    BOOST_TEST(r.status == failed);
    BOOST_TEST(names(r, "STS-PARSE-18"));
    BOOST_TEST(r.out.find("line 1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(policy_json_output_has_the_policy_or_the_errors, *covers("STS-PARSE-03")) {
    const auto good = check({"policy", "--json", "-"}, golden_policy);
    BOOST_TEST(good.status == ok);
    const auto g = nlohmann::json::parse(good.out);
    BOOST_TEST(g["valid"] == true);
    BOOST_TEST(g["mode"] == "enforce");
    BOOST_TEST(g["max_age"] == 604800);
    BOOST_TEST(g["mx"].size() == 3u);
    BOOST_TEST(g["mx"][1] == "*.example.net");
    BOOST_TEST(g["errors"].empty());

    const auto bad = check({"--json", "policy", "-"}, golden_with("mode", "mode: Enforce"));
    BOOST_TEST(bad.status == failed);
    const auto b = nlohmann::json::parse(bad.out);
    BOOST_TEST(b["valid"] == false);
    BOOST_TEST(!b.contains("mode"));
    BOOST_REQUIRE(!b["errors"].empty());
    BOOST_TEST(b["errors"][0]["requirement"] == "STS-PARSE-03");
    BOOST_TEST(b["errors"][0]["line"] == 2);
}

BOOST_AUTO_TEST_CASE(policy_at_the_size_cap_is_read_and_one_byte_more_is_refused, *covers("STS-FETCH-14")) {
    const std::size_t cap = sts::core::limits::policy_body_bytes_max;
    std::string body = golden_policy;
    while (body.size() + 100 < cap) body += "note: " + std::string(93, 'x') + "\n";
    body += "note: " + std::string(cap - body.size() - 7, 'y') + "\n";
    BOOST_REQUIRE_EQUAL(body.size(), cap);
    BOOST_TEST(check_policy(body).status == ok);

    const auto over = check_policy(body + "z");
    BOOST_TEST(over.status == failed);
    BOOST_TEST(names(over, "STS-FETCH-14"));
}

BOOST_AUTO_TEST_CASE(huge_standard_input_is_not_read_past_the_cap, *covers("STS-FETCH-14")) {
    std::istringstream in(std::string(10 * 1024 * 1024, 'a'));
    std::ostringstream out;
    std::ostringstream err;
    const std::vector<std::string> args{"policy", "-"};
    BOOST_TEST(sts::sim::cli::run_check(args, {in, out, err}) == failed);
    BOOST_TEST(static_cast<std::size_t>(in.tellg()) == sts::core::limits::policy_body_bytes_max + 1);
}

BOOST_AUTO_TEST_CASE(policy_is_read_from_a_file) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("sts_check_command_test_" + std::to_string(::getpid()) + ".txt");
    {
        std::ofstream file(path, std::ios::binary);
        file << golden_policy;
    }
    const auto r = check({"policy", path.string()});
    std::filesystem::remove(path);
    BOOST_TEST(r.status == ok);
    BOOST_TEST(r.out.find("mode: enforce\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unreadable_policy_file_is_a_usage_error_naming_the_file) {
    const auto missing = check({"policy", "/nonexistent/sts-policy.txt"});
    BOOST_TEST(missing.status == usage);
    BOOST_TEST(missing.err.find("'/nonexistent/sts-policy.txt'") != std::string::npos);
    BOOST_TEST(missing.out.empty());
    const auto directory = check({"policy", std::filesystem::temp_directory_path().string()});
    BOOST_TEST(directory.status == usage);
    BOOST_TEST(directory.err.find("directory") != std::string::npos);
}

// --- check mx ---

BOOST_AUTO_TEST_CASE(mx_exact_pattern_matches_only_the_same_name, *covers("STS-MX-03")) {
    BOOST_TEST(check({"mx", "mail.example.com", "mail.example.com"}).status == ok);
    for (const char* host : {"mail.example.com.evil.net", "sub.mail.example.com", "example.com"}) {
        const auto r = check({"mx", "mail.example.com", host});
        BOOST_TEST(r.status == failed);
        BOOST_TEST(names(r, "STS-MX-03"));
    }
}

BOOST_AUTO_TEST_CASE(mx_wildcard_covers_one_label, *covers("STS-MX-04", "STS-MX-09")) {
    BOOST_TEST(check({"mx", "*.example.com", "mail.example.com"}).status == ok);
    BOOST_TEST(check({"mx", "*.example.com", "dhcp-123.example.com"}).status == ok);
    for (const char* host : {"example.com", "foo.bar.example.com", "x.example.com.au"}) {
        const auto r = check({"mx", "*.example.com", host});
        BOOST_TEST(r.status == failed);
        BOOST_TEST(names(r, "STS-MX-04"));
    }
}

BOOST_AUTO_TEST_CASE(mx_matching_ignores_case_and_the_root_dot, *covers("STS-MX-05", "STS-MX-06")) {
    BOOST_TEST(check({"mx", "mx1.example.com", "MX1.Example.COM"}).status == ok);
    BOOST_TEST(check({"mx", "*.EXAMPLE.com", "mx1.example.com"}).status == ok);
    BOOST_TEST(check({"mx", "mx1.example.com", "mx1.example.com."}).status == ok);
}

BOOST_AUTO_TEST_CASE(mx_invalid_pattern_or_u_label_host_never_matches, *covers("STS-PARSE-05", "STS-MX-07")) {
    const auto dot = check({"mx", "mx1.example.com.", "mx1.example.com"});
    BOOST_TEST(dot.status == failed);
    BOOST_TEST(names(dot, "STS-PARSE-05"));
    const auto ulabel = check({"mx", "xn--bcher-kva.example", "b\xc3\xbc" "cher.example"});
    BOOST_TEST(ulabel.status == failed);
    BOOST_TEST(names(ulabel, "STS-MX-07"));
    BOOST_TEST(check({"mx", "xn--bcher-kva.example", "xn--bcher-kva.example"}).status == ok);
}

BOOST_AUTO_TEST_CASE(mx_json_output_says_whether_and_why, *covers("STS-MX-04")) {
    const auto r = check({"mx", "--json", "*.example.com", "a.b.example.com"});
    BOOST_TEST(r.status == failed);
    const auto j = nlohmann::json::parse(r.out);
    BOOST_TEST(j["matches"] == false);
    BOOST_TEST(j["result"] == "no_match");
    BOOST_TEST(j["requirement"] == "STS-MX-04");
    // Arbitrary bytes from the command line do not break the JSON.
    BOOST_TEST(nlohmann::json::accept(check({"--json", "mx", "\xff", "\xc3"}).out));
}

// --- usage ---

BOOST_AUTO_TEST_CASE(usage_errors_exit_2_with_the_usage_text) {
    const std::vector<std::vector<std::string>> cases{{},
                                                      {"--json"},
                                                      {"dns", "x"},
                                                      {"txt"},
                                                      {"policy"},
                                                      {"policy", "a", "b"},
                                                      {"mx", "a.example"},
                                                      {"mx", "a", "b", "c"},
                                                      {"--yaml", "txt", "v=STSv1; id=a"},
                                                      {"txt", "\"v=STSv1; id=a"}};
    for (const auto& args : cases) {
        BOOST_TEST_CONTEXT("args: " << (args.empty() ? std::string("(none)") : args.front())
                                    << (args.size() > 1 ? " " + args[1] : std::string())) {
            const auto r = check(args);
            BOOST_TEST(r.status == usage);
            BOOST_TEST(r.err.find("usage: mtasts-sim check") != std::string::npos);
            BOOST_TEST(r.out.empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(double_dash_lets_a_record_start_with_a_dash) {
    const auto r = check({"txt", "--", "-v=STSv1; id=a"});
    BOOST_TEST(r.status == failed);
    BOOST_TEST(names(r, "STS-DISC-10"));
}

// --- the real binary ---

BOOST_AUTO_TEST_CASE(binary_checks_a_record_and_exits_by_verdict, *covers("STS-DISC-06")) {
    const auto good = spawn("check txt 'v=STSv1; id=abc'");
    BOOST_TEST(good.status == ok);
    BOOST_TEST(good.out.find("id: abc") != std::string::npos);
    const auto bad = spawn("check --json txt 'v=STSv1; id=ab-1'");
    BOOST_TEST(bad.status == failed);
    BOOST_TEST(nlohmann::json::parse(bad.out)["findings"][0]["requirement"] == "STS-DISC-06");
}

BOOST_AUTO_TEST_CASE(binary_reads_a_policy_from_standard_input_and_reports_usage_errors,
                     *covers("STS-PARSE-03")) {
    const auto bad = spawn("check policy - <<'EOF'\nversion: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 1\nEOF\n");
    BOOST_TEST(bad.status == failed);
    BOOST_TEST(bad.out.find("[STS-PARSE-03]") != std::string::npos);
    const auto missing = spawn("check policy /nonexistent/sts-policy.txt 2>&1");
    BOOST_TEST(missing.status == usage);
    BOOST_TEST(missing.out.find("/nonexistent/sts-policy.txt") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
