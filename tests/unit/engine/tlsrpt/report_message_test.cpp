// Tests engine/tlsrpt/report_message.hpp: the RFC 8460 §5.3 report mail.
#include "engine/tlsrpt/report_message.hpp"

#include "tests/support/covers.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <regex>
#include <string>
#include <vector>

using namespace sts::tlsrpt;
using namespace std::chrono_literals;

namespace {

reporter_identity reporter() {
    reporter_identity r;
    r.organization_name = "Sender Org";
    r.contact_info = "tlsrpt@sender.example";
    r.submitter_domain = "sender.example";
    r.sending_ip = "192.0.2.1";
    return r;
}

report_file sample_report() {
    sts::delivery::tlsrpt_record r;
    r.at = sts::core::time_point{std::chrono::sys_days{std::chrono::year{2024} / 9 / 26}.time_since_epoch() + 5h};
    r.policy_domain = "example.com";
    r.success = true;
    auto reports = build_daily_reports(std::vector{r}, reporter());
    BOOST_REQUIRE_EQUAL(reports.size(), 1u);
    return reports[0];
}

report_message_fields fields() {
    report_message_fields f;
    f.from_address = "tlsrpt@sender.example";
    f.to_address = "reports@example.com";
    f.date = sts::core::time_point{std::chrono::sys_days{std::chrono::year{2024} / 9 / 27}.time_since_epoch() + 2h};
    return f;
}

std::string header_value(const std::string& message, const std::string& name) {
    const auto head = message.substr(0, message.find("\r\n\r\n") + 2);
    const auto at = head.find("\r\n" + name + ": ");
    const auto start = head.starts_with(name + ": ") ? 0 : at + 2;
    if (!head.starts_with(name + ": ") && at == std::string::npos) return {};
    const auto value_start = start + name.size() + 2;
    return head.substr(value_start, head.find("\r\n", value_start) - value_start);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tlsrpt_report_message)

BOOST_AUTO_TEST_CASE(the_message_is_a_tlsrpt_multipart_report, *sts::test::covers("TLSRPT-12", "TLSRPT-16")) {
    const auto report = sample_report();
    const auto message = compose_report_message(report, reporter(), fields(), nullptr);
    BOOST_REQUIRE(message.has_value());
    const auto& m = message.value();
    const auto content_type = header_value(m, "Content-Type");
    BOOST_TEST(content_type.starts_with("multipart/report; report-type=\"tlsrpt\"; boundary=\""));
    BOOST_TEST(m.find("\r\nContent-Type: text/plain") != std::string::npos);
    BOOST_TEST(m.find("\r\nContent-Type: application/tlsrpt+gzip\r\n") != std::string::npos);
    BOOST_TEST(m.find("filename=\"" + report.file_name + "\"") != std::string::npos);
    // The attachment decodes to the gzip bytes of the report.
    const auto part = m.find("Content-Disposition: attachment");
    const auto data_start = m.find("\r\n\r\n", part) + 4;
    const auto data_end = m.find("\r\n\r\n--", data_start);
    std::string b64;
    for (char c : m.substr(data_start, data_end - data_start)) {
        if (c != '\r' && c != '\n') b64 += c;
    }
    std::vector<unsigned char> decoded(b64.size());
    const int n = EVP_DecodeBlock(decoded.data(), reinterpret_cast<const unsigned char*>(b64.data()),
                                  static_cast<int>(b64.size()));
    BOOST_REQUIRE(n > 0);
    const std::size_t padding = b64.ends_with("==") ? 2 : (b64.ends_with("=") ? 1 : 0);
    decoded.resize(static_cast<std::size_t>(n) - padding);
    BOOST_TEST((std::vector<std::uint8_t>(decoded.begin(), decoded.end()) == report.gzip_bytes));
    // Every line stays within the RFC 5322 limit.
    std::size_t pos = 0;
    while (pos < m.size()) {
        const auto end = m.find("\r\n", pos);
        BOOST_REQUIRE(end != std::string::npos);
        BOOST_TEST(end - pos <= 998u);
        pos = end + 2;
    }
}

BOOST_AUTO_TEST_CASE(the_report_headers_name_the_domain_and_the_submitter, *sts::test::covers("TLSRPT-13")) {
    const auto message = compose_report_message(sample_report(), reporter(), fields(), nullptr);
    BOOST_REQUIRE(message.has_value());
    BOOST_TEST(header_value(message.value(), "TLS-Report-Domain") == "example.com");
    const auto submitter = header_value(message.value(), "TLS-Report-Submitter");
    BOOST_TEST(submitter == "sender.example");
    // The submitter is the domain part of contact-info.
    BOOST_TEST(reporter().contact_info.substr(reporter().contact_info.find('@') + 1) == submitter);
}

BOOST_AUTO_TEST_CASE(the_subject_has_the_rfc_shape, *sts::test::covers("TLSRPT-14")) {
    const auto report = sample_report();
    const auto message = compose_report_message(report, reporter(), fields(), nullptr);
    BOOST_REQUIRE(message.has_value());
    const std::regex shape(R"(Report Domain: (\S+) Submitter: (\S+) Report-ID: <([^<>@]+@[^<>@]+)>)");
    std::smatch m;
    const auto subject = header_value(message.value(), "Subject");
    BOOST_REQUIRE(std::regex_match(subject, m, shape));
    BOOST_TEST(m[1].str() == "example.com");
    BOOST_TEST(m[2].str() == "sender.example");
    BOOST_TEST(m[3].str() == report.report_id);
    BOOST_TEST(header_value(message.value(), "Date") == "Fri, 27 Sep 2024 02:00:00 +0000");
}

BOOST_AUTO_TEST_CASE(a_signed_message_covers_the_report_headers_without_l, *sts::test::covers("TLSRPT-11", "TLSRPT-13")) {
    EVP_PKEY* pkey = EVP_RSA_gen(2048);
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    const dkim_key key{"sender.example", "tlsrpt", std::string(data, static_cast<std::size_t>(size))};
    BIO_free(bio);
    EVP_PKEY_free(pkey);

    const auto message = compose_report_message(sample_report(), reporter(), fields(), &key);
    BOOST_REQUIRE(message.has_value());
    const auto& m = message.value();
    BOOST_REQUIRE(m.starts_with("DKIM-Signature: "));
    const auto field = m.substr(0, m.find("\r\n"));
    BOOST_TEST(field.find("h=from:to:date:subject:message-id:tls-report-domain:tls-report-submitter:") !=
               std::string::npos);
    BOOST_TEST(field.find("; l=") == std::string::npos);
    BOOST_TEST(field.find("; d=sender.example;") != std::string::npos);
    // The same inputs give the same signed bytes (RSA PKCS#1 v1.5 is deterministic).
    BOOST_TEST((compose_report_message(sample_report(), reporter(), fields(), &key).value() == m));
    const dkim_key broken{"sender.example", "tlsrpt", "garbage"};
    BOOST_TEST(!compose_report_message(sample_report(), reporter(), fields(), &broken).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
