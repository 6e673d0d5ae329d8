// Tests sim/persistence/cache_store.hpp on real files in a fresh temporary directory per
// case: a missing file is an empty cache, a save replaces the file atomically and leaves
// no temporary behind, failures are values, and a restart from the file keeps enforcing.
#include "sim/persistence/cache_store.hpp"

#include "engine/mtasts/cache_file.hpp"
#include "engine/mtasts/policy_cache.hpp"
#include "tests/support/covers.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

BOOST_TEST_DONT_PRINT_LOG_VALUE(std::vector<sts::mtasts::cache_entry>)
BOOST_TEST_DONT_PRINT_LOG_VALUE(sts::mtasts::cache_state)

namespace {

namespace fs = std::filesystem;
using namespace sts::mtasts;
using namespace std::chrono_literals;
using sts::sim::cache_store;
using sts::test::covers;

const sts::core::time_point t0 = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1};

// A directory of its own for one test case, removed with everything in it afterwards.
struct temp_dir {
    fs::path path;
    temp_dir() {
        std::string pattern = (fs::temp_directory_path() / "mtasts-sim-cache-store-XXXXXX").string();
        BOOST_TEST_REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path = pattern;
    }
    ~temp_dir() {
        std::error_code ec;
        fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(path, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
};

cache_entry make_entry(std::string domain, mode m = mode::enforce) {
    cache_entry e;
    e.domain = std::move(domain);
    e.policy_id = "id1";
    e.cached_policy.policy_mode = m;
    e.cached_policy.max_age = std::chrono::seconds{86400};
    if (m != mode::none) e.cached_policy.mx_patterns = {"mx.example.com"};
    e.cached_policy.policy_strings = {"version: STSv1", "mode: " + std::string(to_string(m))};
    e.fetched_at = t0;
    e.last_used_at = t0 + 1h;
    e.refresh_due_at = t0 + 12h;
    return e;
}

std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_all(const fs::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sim_persistence_cache_store)

BOOST_AUTO_TEST_CASE(a_missing_file_is_an_empty_cache_not_an_error) {
    temp_dir dir;
    const cache_store store(dir.path / "cache");
    BOOST_TEST(!store.exists());
    const auto loaded = store.load();
    BOOST_TEST_REQUIRE(loaded.has_value());
    BOOST_TEST(loaded->recognised);
    BOOST_TEST(loaded->entries.empty());
    BOOST_TEST(loaded->findings.empty());
}

BOOST_AUTO_TEST_CASE(what_is_saved_is_loaded_back, *covers("STS-SEC-04")) {
    temp_dir dir;
    const cache_store store(dir.path / "cache");
    const std::vector<cache_entry> entries = {make_entry("a.example"), make_entry("b.example", mode::none)};
    BOOST_TEST(!store.save(entries).has_value());
    BOOST_TEST(store.exists());
    BOOST_TEST(!fs::exists(store.temporary_path()));
    BOOST_TEST(read_all(store.path()) == encode_cache(entries));
    const auto loaded = store.load();
    BOOST_TEST_REQUIRE(loaded.has_value());
    BOOST_TEST(loaded->findings.empty());
    BOOST_TEST(loaded->entries == entries);
}

BOOST_AUTO_TEST_CASE(a_save_replaces_the_old_file_and_a_stale_temporary_file) {
    temp_dir dir;
    const cache_store store(dir.path / "cache");
    BOOST_TEST(!store.save({make_entry("a.example"), make_entry("b.example")}).has_value());
    write_all(store.temporary_path(), "left over from a crash\n");
    BOOST_TEST(!store.save({make_entry("c.example")}).has_value());
    BOOST_TEST(!fs::exists(store.temporary_path()));
    const auto loaded = store.load();
    BOOST_TEST_REQUIRE(loaded.has_value());
    BOOST_TEST(loaded->entries == std::vector<cache_entry>{make_entry("c.example")});
}

BOOST_AUTO_TEST_CASE(a_relative_path_is_saved_in_the_working_directory) {
    temp_dir dir;
    const auto previous = fs::current_path();
    fs::current_path(dir.path);
    const cache_store store("cache");
    const bool saved = !store.save({make_entry("a.example")}).has_value();
    fs::current_path(previous);
    BOOST_TEST(saved);
    BOOST_TEST(fs::exists(dir.path / "cache"));
}

BOOST_AUTO_TEST_CASE(a_save_that_cannot_write_is_an_error_and_keeps_the_old_file) {
    temp_dir dir;
    const cache_store store(dir.path / "cache");
    BOOST_TEST(!store.save({make_entry("a.example")}).has_value());
    const std::string before = read_all(store.path());
    // The temporary file's name is taken by a directory, so it cannot be created.
    fs::create_directory(store.temporary_path());
    const auto error = store.save({make_entry("b.example")});
    BOOST_TEST_REQUIRE(error.has_value());
    BOOST_TEST(error->operation == "create");
    BOOST_TEST(error->message().find("cache.tmp") != std::string::npos);
    BOOST_TEST(read_all(store.path()) == before);
}

BOOST_AUTO_TEST_CASE(a_save_into_a_missing_directory_is_an_error) {
    temp_dir dir;
    const cache_store store(dir.path / "no-such-directory" / "cache");
    const auto error = store.save({make_entry("a.example")});
    BOOST_TEST_REQUIRE(error.has_value());
    BOOST_TEST((error->code == std::errc::no_such_file_or_directory));
}

BOOST_AUTO_TEST_CASE(a_directory_in_place_of_the_file_cannot_be_loaded) {
    temp_dir dir;
    fs::create_directory(dir.path / "cache");
    const auto loaded = cache_store(dir.path / "cache").load();
    BOOST_TEST_REQUIRE(!loaded.has_value());
    BOOST_TEST((loaded.error().code == std::errc::is_a_directory));
}

BOOST_AUTO_TEST_CASE(a_fifo_in_place_of_the_file_is_refused_without_waiting_for_a_writer) {
    temp_dir dir;
    BOOST_TEST_REQUIRE(::mkfifo((dir.path / "cache").c_str(), 0600) == 0);
    const auto loaded = cache_store(dir.path / "cache").load();
    BOOST_TEST_REQUIRE(!loaded.has_value());
    BOOST_TEST((loaded.error().code == std::errc::invalid_argument));
}

BOOST_AUTO_TEST_CASE(a_damaged_file_still_gives_its_good_entries_with_findings_naming_the_file) {
    temp_dir dir;
    const cache_store store(dir.path / "cache");
    std::string text = encode_cache({make_entry("a.example"), make_entry("b.example")});
    text.replace(text.find("mode enforce"), 12, "mode maybe");
    write_all(store.path(), text);
    const auto loaded = store.load();
    BOOST_TEST_REQUIRE(loaded.has_value());
    BOOST_TEST(loaded->entries == std::vector<cache_entry>{make_entry("b.example")});
    BOOST_TEST(loaded->findings.size() == 1U);

    write_all(store.path(), "mtasts-sim-cache 7\n");
    const auto foreign = store.load();
    BOOST_TEST_REQUIRE(foreign.has_value());
    BOOST_TEST(!foreign->recognised);
    BOOST_TEST_REQUIRE(foreign->findings.size() == 1U);
    BOOST_TEST(foreign->findings[0].rule.find(store.path().string()) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_store_caps_the_entries_it_loads) {
    temp_dir dir;
    const cache_store writer(dir.path / "cache");
    BOOST_TEST(!writer.save({make_entry("a.example"), make_entry("b.example")}).has_value());
    const auto loaded = cache_store(dir.path / "cache", 1).load();
    BOOST_TEST_REQUIRE(loaded.has_value());
    BOOST_TEST(loaded->entries.size() == 1U);
    BOOST_TEST(loaded->findings.size() == 1U);
}

BOOST_AUTO_TEST_CASE(a_restarted_cache_keeps_enforcing_while_discovery_is_blocked,
                     *covers("STS-SEC-04", "STS-CACHE-04", "STS-CACHE-05")) {
    temp_dir dir;
    const cache_store store(dir.path / "cache");
    {
        policy_cache before;
        before.begin("example.com", txt_outcome::found("id1"), t0);
        policy p = make_entry("example.com").cached_policy;
        before.complete_fetch("example.com", "id1", p, t0);
        BOOST_TEST(!store.save(before.entries()).has_value());
    }
    policy_cache after;
    const auto loaded = store.load();
    BOOST_TEST_REQUIRE(loaded.has_value());
    BOOST_TEST(sts::sim::restore_into(after, *loaded).empty());
    const auto d = after.begin("example.com", txt_outcome::temp_error(), t0 + 23h);
    BOOST_TEST(d.state == cache_state::txt_error_cache_valid);
    BOOST_TEST((d.effective.policy_mode() == mode::enforce));
}

BOOST_AUTO_TEST_CASE(entries_a_full_cache_refuses_are_reported) {
    policy_cache cache(cache_config{txt_error_handling::proceed, 1});
    cache_file_contents contents;
    contents.recognised = true;
    contents.entries = {make_entry("a.example"), make_entry("b.example")};
    const auto refused = sts::sim::restore_into(cache, contents);
    BOOST_TEST_REQUIRE(refused.size() == 1U);
    BOOST_TEST(refused[0].rule.find("b.example") != std::string::npos);
    BOOST_TEST(refused[0].rule.find("cache_full") != std::string::npos);
    BOOST_TEST(cache.size() == 1U);
}

BOOST_AUTO_TEST_SUITE_END()
