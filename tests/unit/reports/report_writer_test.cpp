// Tests reports/report_writer.hpp and the writers behind it on small suites: the file list,
// byte-identical output for identical input, the conformance.json digest and summary,
// junit.xml parsed back, the HTML page's content, TLS-RPT placement, and that hostile text
// from a run never reaches any report raw.
#include "reports/report_writer.hpp"

#include "reports/sha256.hpp"
#include "tests/unit/reports/sample_suite.hpp"

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using sts::reports::render_reports;

std::map<std::string, std::string> files_of(const sts::reports::rendered_reports& r) {
    std::map<std::string, std::string> files;
    for (const auto& f : r.files) files[f.path] = f.bytes;
    return files;
}

std::string file(const sts::reports::suite_record& suite, const std::string& path) {
    return files_of(render_reports(suite)).at(path);
}

sts::reports::suite_record hostile_suite() {
    auto suite = sts::test::sample_suite();
    auto& s = suite.scenarios[1];  // the failing one
    s.name = "fetch/" + sts::test::hostile_text;
    s.summary = sts::test::hostile_text;
    s.expectations[0].detail = sts::test::hostile_text;
    s.expectations[0].description = sts::test::hostile_text;
    s.failure_log = {sts::test::hostile_text};
    s.log_lines.push_back(sts::test::hostile_text);
    s.timeline.push_back({.at = s.timeline.back().at, .host = sts::test::hostile_text, .kind = "smtp<",
                          .text = sts::test::hostile_text});
    s.rerun = "mtasts-sim run " + sts::test::hostile_text;
    suite.requirements[0].rule = sts::test::hostile_text;
    return suite;
}

struct temp_dir {
    fs::path path;
    temp_dir() {
        std::string pattern = (fs::temp_directory_path() / "reports-XXXXXX").string();
        path = ::mkdtemp(pattern.data());
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reports_report_writer)

BOOST_AUTO_TEST_CASE(the_four_reports_are_rendered_in_path_order) {
    const auto r = render_reports(sts::test::sample_suite());
    std::vector<std::string> paths;
    for (const auto& f : r.files) paths.push_back(f.path);
    BOOST_TEST(paths == (std::vector<std::string>{"conformance.json", "conformance.md", "index.html", "junit.xml"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(identical_input_gives_identical_bytes) {
    const auto a = files_of(render_reports(hostile_suite()));
    const auto b = files_of(render_reports(hostile_suite()));
    BOOST_TEST(a.size() == b.size());
    for (const auto& [path, bytes] : a) {
        BOOST_TEST_CONTEXT(path) { BOOST_TEST((bytes == b.at(path))); }
    }
}

BOOST_AUTO_TEST_CASE(digest_is_sha256_of_the_canonical_document_without_the_digest) {
    const auto r = render_reports(sts::test::sample_suite());
    auto doc = nlohmann::json::parse(files_of(r).at("conformance.json"));
    BOOST_TEST(doc.at("digest").get<std::string>() == r.digest);
    doc.erase("digest");
    BOOST_TEST(sts::reports::sha256_hex(doc.dump()) == r.digest);
    BOOST_TEST(r.digest.size() == 64U);
}

BOOST_AUTO_TEST_CASE(digest_changes_with_any_content_and_only_with_content) {
    const auto base = render_reports(sts::test::sample_suite()).digest;
    BOOST_TEST(render_reports(sts::test::sample_suite()).digest == base);
    auto log_changed = sts::test::sample_suite();
    log_changed.scenarios[1].failure_log[0] += "!";
    BOOST_TEST(render_reports(log_changed).digest != base);
    auto verdict_changed = sts::test::sample_suite();
    verdict_changed.scenarios[0].passed = false;
    BOOST_TEST(render_reports(verdict_changed).digest != base);
    auto catalogue_changed = sts::test::sample_suite();
    catalogue_changed.requirements[0].level = "SHOULD";
    BOOST_TEST(render_reports(catalogue_changed).digest != base);
}

BOOST_AUTO_TEST_CASE(summary_object_has_exactly_the_seven_figures) {
    const auto doc = nlohmann::json::parse(file(sts::test::sample_suite(), "conformance.json"));
    const auto& summary = doc.at("summary");
    BOOST_TEST(summary.size() == 7U);
    BOOST_TEST(summary.at("scenarios").get<int>() == 2);
    BOOST_TEST(summary.at("passed").get<int>() == 1);
    BOOST_TEST(summary.at("failed").get<int>() == 1);
    BOOST_TEST(summary.at("requirements").get<int>() == 7);
    BOOST_TEST(summary.at("covered").get<int>() == 4);
    BOOST_TEST(summary.at("must_failed").get<int>() == 1);
    BOOST_TEST(summary.at("must_uncovered").get<int>() == 1);
}

BOOST_AUTO_TEST_CASE(conformance_json_lists_every_requirement_and_scenario_with_verdicts) {
    const auto doc = nlohmann::json::parse(file(sts::test::sample_suite(), "conformance.json"));
    BOOST_TEST(doc.at("requirements").size() == 7U);
    const auto& cache = doc.at("requirements").at(4);
    BOOST_TEST(cache.at("id").get<std::string>() == "STS-CACHE-07");
    BOOST_TEST(cache.at("verdict").get<std::string>() == "deviation");
    BOOST_TEST(cache.at("deviation").get<std::string>() == "no proactive refresh in a simulated run");
    const auto& fetch = doc.at("requirements").at(3);
    BOOST_TEST(fetch.at("verdict").get<std::string>() == "fail");
    BOOST_TEST(fetch.at("scenarios").at(0).at("name").get<std::string>() == "fetch/media-type");
    BOOST_TEST(fetch.at("scenarios").at(0).at("verdict").get<std::string>() == "fail");
    const auto& failed = doc.at("scenarios").at(1);
    BOOST_TEST(failed.at("verdict").get<std::string>() == "fail");
    BOOST_TEST(failed.at("first_failure").at("line").get<int>() == 12);
    BOOST_TEST(failed.at("first_failure").at("detail").get<std::string>() == "bounced: 550 no");
    BOOST_TEST(failed.at("failure_log").size() == 1U);
    BOOST_TEST(doc.at("scenarios").at(0).at("first_failure").is_null());
}

BOOST_AUTO_TEST_CASE(hostile_text_never_reaches_html_xml_or_markdown_raw) {
    const auto files = files_of(render_reports(hostile_suite()));
    for (const auto* path : {"index.html", "junit.xml", "conformance.md"}) {
        BOOST_TEST_CONTEXT(path) {
            const auto& text = files.at(path);
            BOOST_TEST(text.find("<script") == std::string::npos);
            BOOST_TEST(text.find("]]>") == std::string::npos);
            BOOST_TEST(text.find("& ]") == std::string::npos);
        }
    }
    BOOST_TEST(files.at("index.html").find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    // Markdown gives pipes a meaning (table cells): none is left unescaped there.
    BOOST_TEST(files.at("conformance.md").find("a|b") == std::string::npos);
    BOOST_TEST(files.at("conformance.md").find("a\\|b") != std::string::npos);
    BOOST_TEST(files.at("conformance.md").find("a&#124;b") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(hostile_text_round_trips_exactly_through_json) {
    const auto doc = nlohmann::json::parse(file(hostile_suite(), "conformance.json"));
    BOOST_TEST(doc.at("scenarios").at(1).at("failure_log").at(0).get<std::string>() == sts::test::hostile_text);
    BOOST_TEST(doc.at("scenarios").at(1).at("summary").get<std::string>() == sts::test::hostile_text);
}

BOOST_AUTO_TEST_CASE(invalid_utf8_in_a_log_line_still_gives_valid_json) {
    auto suite = sts::test::sample_suite();
    suite.scenarios[1].failure_log = {"bad \xFF\xFE byte"};
    const auto doc = nlohmann::json::parse(file(suite, "conformance.json"));
    BOOST_TEST(doc.at("scenarios").at(1).at("failure_log").at(0).get<std::string>() == "bad \xEF\xBF\xBD\xEF\xBF\xBD byte");
}

BOOST_AUTO_TEST_CASE(junit_xml_parses_with_one_testcase_per_scenario_and_requirement_properties) {
    std::istringstream in(file(hostile_suite(), "junit.xml"));
    boost::property_tree::ptree tree;
    BOOST_REQUIRE_NO_THROW(boost::property_tree::read_xml(in, tree));
    const auto& suite = tree.get_child("testsuites.testsuite");
    BOOST_TEST(suite.get<int>("<xmlattr>.tests") == 2);
    BOOST_TEST(suite.get<int>("<xmlattr>.failures") == 1);
    std::vector<const boost::property_tree::ptree*> cases;
    for (const auto& [name, child] : suite) {
        if (name == "testcase") cases.push_back(&child);
    }
    BOOST_REQUIRE(cases.size() == 2U);
    BOOST_TEST(cases[0]->get<std::string>("<xmlattr>.classname") == "mx");
    BOOST_TEST(cases[1]->get<std::string>("<xmlattr>.name") == "fetch/" + sts::test::hostile_text);
    std::vector<std::string> ids;
    for (const auto& [name, p] : cases[0]->get_child("properties")) {
        if (name == "property") ids.push_back(p.get<std::string>("<xmlattr>.value"));
    }
    BOOST_TEST(ids == (std::vector<std::string>{"STS-MX-01", "STS-DISC-01", "STS-FETCH-05"}),
               boost::test_tools::per_element());
    BOOST_TEST(!cases[0]->get_child_optional("failure"));
    const auto& failure = cases[1]->get_child("failure");
    BOOST_TEST(failure.get<std::string>("<xmlattr>.message") == "line 12: " + sts::test::hostile_text);
    BOOST_TEST(failure.data().find("engine log around it:\n  " + sts::test::hostile_text) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(html_page_shows_summary_matrix_links_and_timeline) {
    const auto html = file(sts::test::sample_suite(), "index.html");
    BOOST_TEST(html.find("<dd id=\"summary-scenarios\">2</dd>") != std::string::npos);
    BOOST_TEST(html.find("<dd id=\"summary-must_uncovered\">1</dd>") != std::string::npos);
    BOOST_TEST(count(html, "<tr id=\"req-") == 7U);
    BOOST_TEST(html.find("<a href=\"#sc-fetch-media-type\" class=\"v-fail\">fetch/media-type</a>") != std::string::npos);
    BOOST_TEST(html.find("<section class=\"scenario failed\" id=\"sc-fetch-media-type\">") != std::string::npos);
    BOOST_TEST(html.find("<a href=\"#req-sts-mx-01\" class=\"mono\">STS-MX-01</a>") != std::string::npos);
    // DNS, then HTTPS, then SMTP, with the virtual time and the time since the first exchange.
    const auto dns = html.find("<td class=\"mono\">2024-09-26T10:00:00.000Z</td><td class=\"k\">DNS</td>");
    const auto https = html.find("+0.250 s</td><td class=\"mono\">2024-09-26T10:00:00.250Z</td><td class=\"k\">HTTPS");
    const auto smtp = html.find("+1.500 s</td><td class=\"mono\">2024-09-26T10:00:01.500Z</td><td class=\"k\">SMTP");
    BOOST_TEST((dns != std::string::npos && https != std::string::npos && smtp != std::string::npos));
    BOOST_TEST((dns < https && https < smtp));
    BOOST_TEST(html.find("2024-09-26T10:00:01.000Z info done") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(html_page_loads_nothing_from_outside_and_runs_no_script) {
    const auto html = file(hostile_suite(), "index.html");
    BOOST_TEST(html.find("Content-Security-Policy\" content=\"default-src 'none'") != std::string::npos);
    BOOST_TEST(html.find("<script") == std::string::npos);
    BOOST_TEST(html.find("src=") == std::string::npos);
    BOOST_TEST(html.find("<link") == std::string::npos);
    BOOST_TEST(html.find("href=\"http") == std::string::npos);
    BOOST_TEST(html.find("url(") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(markdown_report_has_summary_matrix_and_failure_log) {
    const auto md = file(sts::test::sample_suite(), "conformance.md");
    BOOST_TEST(md.find("| 2 | 1 | 1 | 7 | 4 | 1 | 1 |") != std::string::npos);
    BOOST_TEST(md.find("| STS-CACHE-07 | LEVEL | sender | RFC 8461 §3.1 | deviation: no proactive refresh in a "
                       "simulated run |  |") != std::string::npos);
    BOOST_TEST(md.find("### fetch/media-type") != std::string::npos);
    BOOST_TEST(md.find("<pre>\n2024-09-26T10:00:00.000Z warning delivery bounced\n</pre>") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(tlsrpt_files_keep_their_names_and_move_into_scenario_folders_when_names_clash) {
    auto suite = sts::test::sample_suite();
    suite.scenarios[0].tlsrpt = {{.policy_domain = "a.test", .name = "s!a.test!1!2.json", .json = "{\"a\":1}"},
                                 {.policy_domain = "b.test", .name = "s!b.test!1!2.json", .json = "{}"}};
    suite.scenarios[1].tlsrpt = {{.policy_domain = "a.test", .name = "s!a.test!1!2.json", .json = "{\"a\":2}"},
                                 {.policy_domain = "c.test", .name = "../../etc/passwd", .json = "{}"}};
    const auto files = files_of(render_reports(suite));
    BOOST_TEST(files.at("tlsrpt/s!b.test!1!2.json") == "{}\n");
    BOOST_TEST(files.at("tlsrpt/mx-pattern-match/s!a.test!1!2.json") == "{\"a\":1}\n");
    BOOST_TEST(files.at("tlsrpt/fetch-media-type/s!a.test!1!2.json") == "{\"a\":2}\n");
    BOOST_TEST(files.count("tlsrpt/_.._.._etc_passwd") == 1U);
    BOOST_TEST(files.size() == 8U);
    const auto doc = nlohmann::json::parse(files.at("conformance.json"));
    BOOST_TEST(doc.at("scenarios").at(0).at("tlsrpt").at(0).get<std::string>() == "tlsrpt/mx-pattern-match/s!a.test!1!2.json");
}

BOOST_AUTO_TEST_CASE(write_reports_writes_the_rendered_bytes_and_reports_the_summary) {
    temp_dir dir;
    const auto suite = sts::test::sample_suite();
    const auto written = sts::reports::write_reports((dir.path / "out").string(), suite);
    BOOST_REQUIRE(written.has_value());
    const auto rendered = render_reports(suite);
    BOOST_TEST(written->files.size() == rendered.files.size());
    for (const auto& f : rendered.files) {
        BOOST_TEST_CONTEXT(f.path) { BOOST_TEST((read(dir.path / "out" / f.path) == f.bytes)); }
    }
    BOOST_TEST(written->digest == rendered.digest);
    BOOST_TEST(written->summary.must_uncovered == 1U);
}

BOOST_AUTO_TEST_CASE(write_reports_names_the_path_it_cannot_write) {
    temp_dir dir;
    std::ofstream(dir.path / "plain-file") << "x";
    const auto written = sts::reports::write_reports((dir.path / "plain-file").string(), sts::test::sample_suite());
    BOOST_REQUIRE(!written.has_value());
    BOOST_TEST(written.error().find("plain-file") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
