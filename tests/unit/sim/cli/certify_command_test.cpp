// Tests `mtasts-sim certify` (run_certify in sim/cli/cli.hpp) on small suites written to a
// fresh temporary directory: two certifications are byte-identical file for file, the
// certificate names the build, the suite digest, the semantics and every requirement's
// verdict, a suite that leaves MUSTs uncovered is not certified (exit 1), and broken files
// and usage mistakes exit 2 without writing anything.
#include "sim/cli/cli.hpp"

#include "sim/catalogue/requirement_catalogue.hpp"
#include "sim/report/suite_digest.hpp"
#include "tests/unit/sim/report/scenario_text.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

constexpr int failed = sts::sim::cli::exit_status::failed;
constexpr int usage = sts::sim::cli::exit_status::usage;

struct temp_dir {
    fs::path path;
    temp_dir() {
        std::string pattern = (fs::temp_directory_path() / "certify-XXXXXX").string();
        path = ::mkdtemp(pattern.data());
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string write(const std::string& relative, const std::string& text) const {
        const auto p = path / relative;
        fs::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << text;
        return p.string();
    }
};

struct outcome {
    int status;
    std::string out;
    std::string err;
};

outcome certify(std::vector<std::string> args) {
    std::istringstream in;
    std::ostringstream out;
    std::ostringstream err;
    const int status = sts::sim::cli::run_certify(args, {in, out, err});
    return {status, out.str(), err.str()};
}

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Every file under `root` by relative path.
std::map<std::string, std::string> tree(const fs::path& root) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (e.is_regular_file()) files[e.path().lexically_relative(root).generic_string()] = read(e.path());
    }
    return files;
}

// A suite of two scenarios, one of them failing.
void write_suite(const temp_dir& dir) {
    dir.write("suite/apply/good.toml", sts::test::enforce_scenario("apply/good", "delivered"));
    dir.write("suite/apply/bad.toml", sts::test::enforce_scenario("apply/bad", "bounced"));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sim_cli_certify_command)

BOOST_AUTO_TEST_CASE(two_certifications_of_one_build_are_byte_identical) {
    temp_dir dir;
    write_suite(dir);
    const auto suite = (dir.path / "suite").string();
    const auto first = certify({"--out", (dir.path / "one").string(), suite});
    const auto second = certify({"--out", (dir.path / "two").string(), suite});
    BOOST_TEST(first.status == failed);
    BOOST_TEST(second.status == failed);
    const auto one = tree(dir.path / "one");
    const auto two = tree(dir.path / "two");
    std::vector<std::string> names;
    // The TLS-RPT reports of the run sit under tlsrpt/.
    for (const auto& [name, bytes] : one)
        if (!name.starts_with("tlsrpt/")) names.push_back(name);
    BOOST_TEST(names == (std::vector<std::string>{"certificate.json", "conformance.json", "conformance.md",
                                                  "index.html", "junit.xml"}),
               boost::test_tools::per_element());
    BOOST_TEST(one.size() > names.size());
    BOOST_REQUIRE(one.size() == two.size());
    for (const auto& [name, bytes] : one) {
        BOOST_TEST_CONTEXT(name) { BOOST_TEST((bytes == two.at(name))); }
    }
}

BOOST_AUTO_TEST_CASE(the_order_of_path_arguments_does_not_change_the_certificate) {
    temp_dir dir;
    write_suite(dir);
    const auto suite = dir.path / "suite";
    certify({"--out", (dir.path / "folder").string(), suite.string()});
    certify({"--out", (dir.path / "files").string(), (suite / "apply/good.toml").string(),
             (suite / "apply/bad.toml").string()});
    const auto by_folder = nlohmann::json::parse(read(dir.path / "folder/certificate.json"));
    const auto by_files = nlohmann::json::parse(read(dir.path / "files/certificate.json"));
    BOOST_TEST(by_folder.at("results_digest") == by_files.at("results_digest"));
    BOOST_TEST(by_folder.at("requirements") == by_files.at("requirements"));
}

BOOST_AUTO_TEST_CASE(certificate_names_build_suite_semantics_verdicts_and_results) {
    temp_dir dir;
    write_suite(dir);
    const auto result = certify({"--out", (dir.path / "out").string(), (dir.path / "suite").string()});
    BOOST_TEST(result.status == failed);
    BOOST_TEST(result.out.find("FAIL apply/bad") != std::string::npos);
    BOOST_TEST(result.out.find("PASS apply/good") != std::string::npos);
    BOOST_TEST(result.out.find("not certified") != std::string::npos);

    const auto cert = nlohmann::json::parse(read(dir.path / "out/certificate.json"));
    const auto conformance = nlohmann::json::parse(read(dir.path / "out/conformance.json"));
    BOOST_TEST(cert.at("verdict").get<std::string>() == "not-certified");
    BOOST_TEST(cert.at("build_id").get<std::string>().size() == 64U);
    BOOST_TEST(cert.at("build_id") == conformance.at("run").at("build_id"));
    BOOST_TEST(cert.at("results_digest") == conformance.at("digest"));
    BOOST_TEST(cert.at("semantics") == nlohmann::json::array({"gateway"}));
    BOOST_TEST(cert.at("scenario_files").get<int>() == 2);
    const std::vector<sts::sim::suite_file> files{
        {"apply/bad.toml", sts::test::enforce_scenario("apply/bad", "bounced")},
        {"apply/good.toml", sts::test::enforce_scenario("apply/good", "delivered")}};
    BOOST_TEST(cert.at("suite_digest").get<std::string>() == sts::sim::suite_digest(files));
    BOOST_TEST(cert.at("requirements").size() == sts::sim::builtin_catalogue().all().size());
    // The failing scenario covers STS-APPLY-01, a MUST, and STS-APPLY-10, informative.
    BOOST_TEST(cert.at("requirements").at("STS-APPLY-01").at("verdict").get<std::string>() == "fail");
    BOOST_TEST(cert.at("requirements").at("STS-APPLY-10").at("verdict").get<std::string>() == "observed");
    BOOST_TEST(cert.at("summary").at("must_failed").get<int>() >= 1);
    BOOST_TEST(cert.at("summary") == conformance.at("summary"));
}

BOOST_AUTO_TEST_CASE(a_broken_scenario_file_runs_nothing_and_writes_nothing) {
    temp_dir dir;
    write_suite(dir);
    dir.write("suite/broken.toml", "[scenario]\nname = \"x\"\nsurprise = 1\n");
    const auto result = certify({"--out", (dir.path / "out").string(), (dir.path / "suite").string()});
    BOOST_TEST(result.status == usage);
    BOOST_TEST(result.err.find("broken.toml") != std::string::npos);
    BOOST_TEST(result.err.find("surprise") != std::string::npos);
    BOOST_TEST(result.out.find("PASS") == std::string::npos);
    BOOST_TEST(!fs::exists(dir.path / "out"));
}

BOOST_AUTO_TEST_CASE(usage_mistakes_exit_two) {
    temp_dir dir;
    BOOST_TEST(certify({"--bogus"}).status == usage);
    BOOST_TEST(certify({"--out"}).status == usage);
    BOOST_TEST(certify({(dir.path / "missing").string()}).status == usage);
    fs::create_directories(dir.path / "empty");
    const auto empty = certify({"--out", (dir.path / "out").string(), (dir.path / "empty").string()});
    BOOST_TEST(empty.status == usage);
    BOOST_TEST(empty.err.find("no scenario files") != std::string::npos);
    const auto help = certify({"--help"});
    BOOST_TEST(help.status == sts::sim::cli::exit_status::ok);
    BOOST_TEST(help.out.find("usage: mtasts-sim certify") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
