#include "reports/report_writer.hpp"

#include "reports/conformance_json.hpp"
#include "reports/conformance_markdown.hpp"
#include "reports/html_page.hpp"
#include "reports/junit_xml.hpp"
#include "reports/tlsrpt_placement.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace sts::reports {

namespace fs = std::filesystem;

rendered_reports render_reports(const suite_record& suite) {
    rendered_reports out;
    out.verdicts = judge(suite);
    const auto tlsrpt = place_tlsrpt_files(suite);
    auto json = render_conformance_json(suite, out.verdicts, tlsrpt);
    out.digest = json.digest;
    out.files.push_back({"conformance.json", std::move(json.text)});
    out.files.push_back({"conformance.md", render_conformance_markdown(suite, out.verdicts, out.digest)});
    out.files.push_back({"index.html", render_html_page(suite, out.verdicts, out.digest, tlsrpt)});
    out.files.push_back({"junit.xml", render_junit_xml(suite)});
    for (const auto& p : tlsrpt) {
        const auto& f = suite.scenarios[p.scenario].tlsrpt[p.file];
        out.files.push_back({p.path, f.json.empty() || f.json.back() == '\n' ? f.json : f.json + "\n"});
    }
    std::sort(out.files.begin(), out.files.end(),
              [](const report_file& a, const report_file& b) { return a.path < b.path; });
    return out;
}

core::result<std::vector<std::string>, std::string> write_files(const std::string& dir,
                                                                const std::vector<report_file>& files) {
    std::vector<std::string> written;
    for (const auto& f : files) {
        const fs::path path = fs::path(dir) / fs::path(f.path);
        std::error_code ec;
        fs::create_directories(path.parent_path(), ec);
        if (ec) return core::failure(path.parent_path().string() + ": cannot create folder: " + ec.message());
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(f.bytes.data(), static_cast<std::streamsize>(f.bytes.size()));
        out.close();
        if (!out) return core::failure(path.string() + ": cannot write");
        written.push_back(f.path);
    }
    return written;
}

core::result<written_reports, std::string> write_reports(const std::string& dir, const suite_record& suite) {
    auto rendered = render_reports(suite);
    auto files = write_files(dir, rendered.files);
    if (!files) return core::failure(std::move(files).error());
    return written_reports{.files = std::move(*files), .summary = rendered.verdicts.summary,
                           .digest = std::move(rendered.digest)};
}

}  // namespace sts::reports
