// Tests `mtasts-sim cache` (run_cache in sim/cli/cli.hpp) on cache files in a fresh
// temporary directory per case: listing and showing entries in text and JSON, purging one
// domain or the expired ones, exit statuses, damaged and foreign files, usage errors, and
// the wiring of the real binary.
#include "sim/cli/cli.hpp"

#include "engine/mtasts/cache_file.hpp"
#include "sim/persistence/cache_store.hpp"
#include "tests/support/covers.hpp"

#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

BOOST_TEST_DONT_PRINT_LOG_VALUE(std::vector<sts::mtasts::cache_entry>)

namespace {

namespace fs = std::filesystem;
using namespace sts::mtasts;
using namespace std::chrono_literals;
using sts::test::covers;
using json = nlohmann::json;

constexpr int ok = sts::sim::cli::exit_status::ok;
constexpr int failed = sts::sim::cli::exit_status::failed;
constexpr int usage = sts::sim::cli::exit_status::usage;

const sts::core::time_point t0 = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1};

struct temp_dir {
    fs::path path;
    temp_dir() {
        std::string pattern = (fs::temp_directory_path() / "mtasts-sim-cache-command-XXXXXX").string();
        BOOST_TEST_REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path = pattern;
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
};

cache_entry make_entry(std::string domain, std::chrono::seconds max_age = std::chrono::seconds{86400},
                       mode m = mode::enforce) {
    cache_entry e;
    e.domain = std::move(domain);
    e.policy_id = "id1";
    e.cached_policy.policy_mode = m;
    e.cached_policy.max_age = max_age;
    if (m != mode::none) e.cached_policy.mx_patterns = {"mx.example.com", "*.backup.example.com"};
    e.cached_policy.policy_strings = {"version: STSv1", "mode: " + std::string(to_string(m))};
    e.fetched_at = t0;
    e.last_used_at = t0 + 1h;
    e.refresh_due_at = t0 + 12h;
    return e;
}

struct run_output {
    int status = -1;
    std::string out;
    std::string err;
};

run_output cache(const std::vector<std::string>& args) {
    std::istringstream in;
    std::ostringstream out;
    std::ostringstream err;
    run_output r;
    r.status = sts::sim::cli::run_cache(args, {in, out, err});
    r.out = out.str();
    r.err = err.str();
    return r;
}

// A directory holding `cache` with the given entries.
struct fixture {
    temp_dir dir;
    std::string file;
    explicit fixture(const std::vector<cache_entry>& entries) : file((dir.path / "cache").string()) {
        BOOST_TEST_REQUIRE(!sts::sim::cache_store(file).save(entries).has_value());
    }
    std::vector<cache_entry> entries() const {
        const auto loaded = sts::sim::cache_store(file).load();
        BOOST_TEST_REQUIRE(loaded.has_value());
        return loaded->entries;
    }
    std::string text() const {
        std::ifstream in(file, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    }
    void write(const std::string& text) const {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << text;
    }
};

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

BOOST_AUTO_TEST_SUITE(sim_cli_cache_command)

// --- list ---

BOOST_AUTO_TEST_CASE(list_prints_every_entry_in_domain_order) {
    const fixture f({make_entry("b.example"), make_entry("a.example", 300s, mode::none)});
    const auto r = cache({"list", "--file", f.file});
    BOOST_TEST(r.status == ok);
    BOOST_TEST(r.err.empty());
    BOOST_TEST(r.out.find("a.example mode=none") < r.out.find("b.example mode=enforce"));
    BOOST_TEST(r.out.find("expires_at=2024-05-02T00:00:00.000Z") != std::string::npos);
    BOOST_TEST(r.out.find("2 entries in " + f.file) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(list_in_json_gives_every_field) {
    auto e = make_entry("a.example");
    e.refresh_due_at.reset();
    e.refresh_failures = 3;
    e.refresh_alert_raised = true;
    const fixture f({e});
    const auto r = cache({"list", "--json", "--file=" + f.file});
    BOOST_TEST(r.status == ok);
    const auto j = json::parse(r.out);
    BOOST_TEST(j["file"] == f.file);
    BOOST_TEST_REQUIRE(j["entries"].size() == 1U);
    const auto& x = j["entries"][0];
    BOOST_TEST(x["domain"] == "a.example");
    BOOST_TEST(x["policy_id"] == "id1");
    BOOST_TEST(x["mode"] == "enforce");
    BOOST_TEST(x["max_age"] == 86400);
    BOOST_TEST((x["mx"] == json{"mx.example.com", "*.backup.example.com"}));
    BOOST_TEST(x["fetched_at"] == "2024-05-01T00:00:00.000Z");
    BOOST_TEST(x["expires_at"] == "2024-05-02T00:00:00.000Z");
    BOOST_TEST(x["last_used_at"] == "2024-05-01T01:00:00.000Z");
    BOOST_TEST(x["refresh_due_at"].is_null());
    BOOST_TEST(x["refresh_failures"] == 3);
    BOOST_TEST(x["refresh_alert"] == true);
    BOOST_TEST(x["policy_strings"][1] == "mode: enforce");
    BOOST_TEST(j["findings"].empty());
}

BOOST_AUTO_TEST_CASE(list_of_a_missing_file_is_an_empty_cache_and_creates_nothing) {
    temp_dir dir;
    const auto file = (dir.path / "cache").string();
    const auto r = cache({"list", "--file", file});
    BOOST_TEST(r.status == ok);
    BOOST_TEST(r.out.find("0 entries") != std::string::npos);
    BOOST_TEST(!fs::exists(file));
}

BOOST_AUTO_TEST_CASE(list_of_a_damaged_file_shows_the_good_entries_and_warns_with_the_line) {
    const fixture f({make_entry("a.example"), make_entry("b.example")});
    std::string text = f.text();
    text.replace(text.find("max_age 86400"), 13, "max_age soon");
    f.write(text);
    const auto r = cache({"list", "--file", f.file});
    BOOST_TEST(r.status == ok);
    BOOST_TEST(r.out.find("a.example") == std::string::npos);
    BOOST_TEST(r.out.find("b.example") != std::string::npos);
    BOOST_TEST(r.err.find("warning: line 12, column 9") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("[STS-PARSE-04]") != std::string::npos);

    const auto j = cache({"list", "--json", "--file", f.file});
    BOOST_TEST(j.status == ok);
    BOOST_TEST(j.err.empty());
    BOOST_TEST(json::parse(j.out)["findings"][0]["line"] == 12);
}

BOOST_AUTO_TEST_CASE(a_file_of_another_format_is_refused_and_never_rewritten) {
    const fixture f({make_entry("a.example")});
    const std::string foreign = "mtasts-sim-cache 2\ndomain a.example\n";
    f.write(foreign);
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"list", "--file", f.file}, {"purge", "a.example", "--file", f.file},
          {"purge-expired", "--at", "2030-01-01T00:00:00Z", "--file", f.file}}) {
        const auto r = cache(args);
        BOOST_TEST(r.status == usage);
        BOOST_TEST(r.err.find("format version") != std::string::npos);
    }
    BOOST_TEST(f.text() == foreign);
}

BOOST_AUTO_TEST_CASE(a_directory_in_place_of_the_file_is_unreadable) {
    temp_dir dir;
    const auto r = cache({"list", "--file", dir.path.string()});
    BOOST_TEST(r.status == usage);
    BOOST_TEST(r.err.find("cannot read") != std::string::npos);
}

// --- show ---

BOOST_AUTO_TEST_CASE(show_prints_one_entry_and_finds_it_whatever_the_case_or_root_dot) {
    const fixture f({make_entry("a.example"), make_entry("b.example")});
    const auto r = cache({"show", "B.Example.", "--file", f.file});
    BOOST_TEST(r.status == ok);
    BOOST_TEST(r.out.find("domain: b.example\n") == 0U);
    BOOST_TEST(r.out.find("mx: mx.example.com\nmx: *.backup.example.com\n") != std::string::npos);
    BOOST_TEST(r.out.find("expires_at: 2024-05-02T00:00:00.000Z\n") != std::string::npos);
    BOOST_TEST(r.out.find("  mode: enforce\n") != std::string::npos);
    BOOST_TEST(r.out.find("a.example") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(show_of_an_uncached_domain_exits_1) {
    const fixture f({make_entry("a.example")});
    const auto r = cache({"show", "c.example", "--file", f.file});
    BOOST_TEST(r.status == failed);
    BOOST_TEST(r.out.empty());
    BOOST_TEST(r.err.find("no cached policy for c.example") != std::string::npos);
    const auto j = cache({"show", "c.example", "--json", "--file", f.file});
    BOOST_TEST(j.status == failed);
    BOOST_TEST(json::parse(j.out)["entry"].is_null());
}

BOOST_AUTO_TEST_CASE(show_in_json_gives_the_entry) {
    const fixture f({make_entry("a.example")});
    const auto r = cache({"show", "a.example", "--json", "--file", f.file});
    BOOST_TEST(r.status == ok);
    BOOST_TEST(json::parse(r.out)["entry"]["mx"][1] == "*.backup.example.com");
}

BOOST_AUTO_TEST_CASE(show_escapes_control_bytes_in_policy_lines) {
    auto e = make_entry("a.example");
    e.cached_policy.policy_strings = {"ext: \x1b[2J"};
    const fixture f({e});
    const auto r = cache({"show", "a.example", "--file", f.file});
    BOOST_TEST(r.status == ok);
    BOOST_TEST(r.out.find('\x1b') == std::string::npos);
    BOOST_TEST(r.out.find("ext: \\x1b[2J") != std::string::npos);
}

// --- purge ---

BOOST_AUTO_TEST_CASE(purge_removes_one_domain_and_keeps_the_others) {
    const fixture f({make_entry("a.example"), make_entry("b.example"), make_entry("c.example")});
    const auto r = cache({"purge", "b.example", "--file", f.file});
    BOOST_TEST(r.status == ok);
    BOOST_TEST(r.out.find("purged the cached policy for b.example") != std::string::npos);
    BOOST_TEST(f.entries() == (std::vector<cache_entry>{make_entry("a.example"), make_entry("c.example")}));
    BOOST_TEST(!fs::exists(f.file + ".tmp"));
}

BOOST_AUTO_TEST_CASE(purge_of_an_uncached_domain_exits_1_and_leaves_the_file_alone) {
    const fixture f({make_entry("a.example")});
    const std::string before = f.text();
    const auto r = cache({"purge", "b.example", "--json", "--file", f.file});
    BOOST_TEST(r.status == failed);
    BOOST_TEST(json::parse(r.out)["purged"] == false);
    BOOST_TEST(f.text() == before);

    temp_dir dir;
    const auto missing = (dir.path / "cache").string();
    BOOST_TEST(cache({"purge", "a.example", "--file", missing}).status == failed);
    BOOST_TEST(!fs::exists(missing));
}

BOOST_AUTO_TEST_CASE(purge_rewrites_a_damaged_file_without_its_damaged_entries) {
    const fixture f({make_entry("a.example"), make_entry("b.example"), make_entry("c.example")});
    std::string text = f.text();
    text.replace(text.find("mode enforce"), 12, "mode strict");
    f.write(text);
    const auto r = cache({"purge", "c.example", "--file", f.file});
    BOOST_TEST(r.status == ok);
    BOOST_TEST(r.err.find("not in the rewritten file") != std::string::npos);
    BOOST_TEST(f.entries() == std::vector<cache_entry>{make_entry("b.example")});
}

// --- purge-expired ---

BOOST_AUTO_TEST_CASE(purge_expired_removes_exactly_the_entries_expired_at_the_time,
                     *covers("STS-CACHE-01")) {
    // a.example expires at T0 + 1 day, b.example at T0 + 2 days.
    const fixture f({make_entry("a.example"), make_entry("b.example", std::chrono::seconds{2 * 86400})});
    const auto before = cache({"purge-expired", "--at", "2024-05-01T23:59:59.999Z", "--file", f.file});
    BOOST_TEST(before.status == ok);
    BOOST_TEST(before.out.find("removed 0 expired entries") != std::string::npos);
    BOOST_TEST(f.entries().size() == 2U);
    // The lifetime is half-open: at exactly fetched_at + max_age the policy has expired.
    const auto r = cache({"purge-expired", "--at=2024-05-02T00:00:00Z", "--json", "--file", f.file});
    BOOST_TEST(r.status == ok);
    const auto j = json::parse(r.out);
    BOOST_TEST(j["removed"] == 1);
    BOOST_TEST(j["remaining"] == 1);
    BOOST_TEST(j["at"] == "2024-05-02T00:00:00.000Z");
    BOOST_TEST(f.entries() == std::vector<cache_entry>{make_entry("b.example", std::chrono::seconds{2 * 86400})});
}

BOOST_AUTO_TEST_CASE(purge_expired_on_a_missing_file_creates_nothing) {
    temp_dir dir;
    const auto file = (dir.path / "cache").string();
    BOOST_TEST(cache({"purge-expired", "--at", "2024-05-02T00:00:00Z", "--file", file}).status == ok);
    BOOST_TEST(!fs::exists(file));
}

// --- usage ---

BOOST_AUTO_TEST_CASE(usage_errors_exit_2_and_print_the_usage) {
    const std::vector<std::vector<std::string>> cases = {
        {},
        {"list"},
        {"frobnicate", "--file", "x"},
        {"list", "extra", "--file", "x"},
        {"show", "--file", "x"},
        {"purge", "a.example", "b.example", "--file", "x"},
        {"purge-expired", "--file", "x"},
        {"purge-expired", "--at", "yesterday", "--file", "x"},
        {"list", "--at", "2024-05-02T00:00:00Z", "--file", "x"},
        {"list", "--file"},
        {"list", "--file", "x", "--verbose"},
    };
    for (const auto& args : cases) {
        std::string joined;
        for (const auto& a : args) joined += a + " ";
        BOOST_TEST_CONTEXT("args: " << joined) {
            const auto r = cache(args);
            BOOST_TEST(r.status == usage);
            BOOST_TEST(r.err.find("usage: mtasts-sim cache") != std::string::npos);
            BOOST_TEST(r.out.empty());
        }
    }
}

// --- the real binary ---

BOOST_AUTO_TEST_CASE(binary_lists_and_purges_a_cache_file) {
    const fixture f({make_entry("a.example"), make_entry("b.example")});
    const auto list = spawn("cache list --json --file '" + f.file + "'");
    BOOST_TEST(list.status == ok);
    BOOST_TEST(json::parse(list.out)["entries"].size() == 2U);
    BOOST_TEST(spawn("cache purge a.example --file '" + f.file + "'").status == ok);
    BOOST_TEST(spawn("cache show a.example --file '" + f.file + "' 2>/dev/null").status == failed);
    BOOST_TEST(spawn("cache 2>/dev/null").status == usage);
}

BOOST_AUTO_TEST_SUITE_END()
