// Tests engine/tlsrpt/dkim_signature.hpp: the DKIM signature of report mail.
#include "engine/tlsrpt/dkim_signature.hpp"

#include "tests/support/covers.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <map>
#include <string>
#include <vector>

using namespace sts::tlsrpt;

namespace {

struct test_key {
    std::string private_pem;
    EVP_PKEY* pkey = nullptr;
    test_key() {
        pkey = EVP_RSA_gen(2048);
        BIO* bio = BIO_new(BIO_s_mem());
        PEM_write_bio_PrivateKey(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr);
        char* data = nullptr;
        const long size = BIO_get_mem_data(bio, &data);
        private_pem.assign(data, static_cast<std::size_t>(size));
        BIO_free(bio);
    }
    ~test_key() { EVP_PKEY_free(pkey); }
    test_key(const test_key&) = delete;
    test_key& operator=(const test_key&) = delete;
};

// One key for the whole suite: RSA generation is the slow part.
const test_key& suite_key() {
    static const test_key key;
    return key;
}

std::vector<unsigned char> unbase64(std::string_view text) {
    std::vector<unsigned char> out(text.size());
    const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                  static_cast<int>(text.size()));
    if (n < 0) return {};
    std::size_t size = static_cast<std::size_t>(n);
    if (text.ends_with("==")) size -= 2;
    else if (text.ends_with("=")) size -= 1;
    out.resize(size);
    return out;
}

std::map<std::string, std::string> tags_of(std::string_view value) {
    std::map<std::string, std::string> tags;
    std::size_t pos = 0;
    while (pos < value.size()) {
        auto end = value.find(';', pos);
        if (end == std::string_view::npos) end = value.size();
        auto item = value.substr(pos, end - pos);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        const auto eq = item.find('=');
        tags[std::string(item.substr(0, eq))] = std::string(item.substr(eq + 1));
        pos = end + 1;
    }
    return tags;
}

// Verifies the DKIM-Signature on top of `signed_message` with the public half of `key`,
// following RFC 6376 §3.7 and §6.1.3 (single-instance headers, as the message has).
bool verify(const std::string& signed_message, EVP_PKEY* key) {
    const auto first_end = signed_message.find("\r\n");
    const std::string field = signed_message.substr(0, first_end);
    const std::string prefix = "DKIM-Signature: ";
    if (!field.starts_with(prefix)) return false;
    const std::string value = field.substr(prefix.size());
    auto tags = tags_of(value);
    const std::string message = signed_message.substr(first_end + 2);
    const auto split = message.find("\r\n\r\n");
    const std::string body = dkim_relaxed_body(message.substr(split + 4));
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_size = 0;
    EVP_Digest(body.data(), body.size(), digest, &digest_size, EVP_sha256(), nullptr);
    if (unbase64(tags["bh"]) != std::vector<unsigned char>(digest, digest + digest_size)) return false;

    std::string data;
    std::size_t pos = 0;
    std::map<std::string, std::pair<std::string, std::string>> headers;  // lower name -> (name, value)
    const std::string head = message.substr(0, split + 2);
    while (pos < head.size()) {
        const auto end = head.find("\r\n", pos);
        const auto line = head.substr(pos, end - pos);
        const auto colon = line.find(':');
        std::string lower = line.substr(0, colon);
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        headers[lower] = {line.substr(0, colon), line.substr(colon + 1)};
        pos = end + 2;
    }
    std::string h = tags["h"];
    for (std::size_t p = 0; p <= h.size();) {
        auto e = h.find(':', p);
        if (e == std::string::npos) e = h.size();
        const auto it = headers.find(h.substr(p, e - p));
        if (it != headers.end()) data += dkim_relaxed_header(it->second.first, it->second.second);
        p = e + 1;
    }
    const auto b_at = value.find("; b=");
    std::string own = dkim_relaxed_header("DKIM-Signature", value.substr(0, b_at + 4));
    data += own.substr(0, own.size() - 2);
    const auto signature = unbase64(tags["b"]);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
                    EVP_DigestVerify(ctx, signature.data(), signature.size(),
                                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

const std::string sample =
    "From: tlsrpt@sender.example\r\nSubject: hello   world\r\nX-Other: 1\r\n\r\nbody line  \r\n\r\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(tlsrpt_dkim_signature)

BOOST_AUTO_TEST_CASE(relaxed_canonicalisation_matches_the_rfc_6376_example) {
    // RFC 6376 §3.4.5.
    BOOST_TEST(dkim_relaxed_header("A", " X ") == "a:X\r\n");
    BOOST_TEST(dkim_relaxed_header("B ", " Y\t\r\n\t Z  ") == "b:Y Z\r\n");
    BOOST_TEST(dkim_relaxed_body(" C \r\nD \t E\r\n\r\n\r\n") == " C\r\nD E\r\n");
    BOOST_TEST(dkim_relaxed_body("") == "");
    BOOST_TEST(dkim_relaxed_body("\r\n\r\n") == "");
    BOOST_TEST(dkim_relaxed_body("no final crlf") == "no final crlf\r\n");
}

BOOST_AUTO_TEST_CASE(a_signature_verifies_with_the_public_key, *sts::test::covers("TLSRPT-11")) {
    const dkim_key key{"sender.example", "tlsrpt", suite_key().private_pem};
    const std::vector<std::string> names{"From", "Subject"};
    const auto signature = dkim_signature(sample, key, names);
    BOOST_REQUIRE(signature.has_value());
    BOOST_TEST(verify(signature.value() + sample, suite_key().pkey));
    const auto tags = tags_of(signature.value().substr(16, signature.value().size() - 18));
    BOOST_TEST(tags.at("a") == "rsa-sha256");
    BOOST_TEST(tags.at("c") == "relaxed/relaxed");
    BOOST_TEST(tags.at("d") == "sender.example");
    BOOST_TEST(tags.at("s") == "tlsrpt");
    BOOST_TEST(tags.at("h") == "from:subject");
    BOOST_TEST(tags.count("l") == 0u);
}

BOOST_AUTO_TEST_CASE(a_changed_body_or_signed_header_breaks_the_signature, *sts::test::covers("TLSRPT-11")) {
    const dkim_key key{"sender.example", "tlsrpt", suite_key().private_pem};
    const std::vector<std::string> names{"From", "Subject"};
    const auto signature = dkim_signature(sample, key, names);
    BOOST_REQUIRE(signature.has_value());
    std::string body_changed = signature.value() + sample;
    body_changed.replace(body_changed.find("body line"), 4, "BODY");
    BOOST_TEST(!verify(body_changed, suite_key().pkey));
    std::string subject_changed = signature.value() + sample;
    subject_changed.replace(subject_changed.find("hello"), 5, "HELLO");
    BOOST_TEST(!verify(subject_changed, suite_key().pkey));
    // Whitespace changes are what relaxed canonicalisation forgives.
    std::string respaced = signature.value() + sample;
    respaced.replace(respaced.find("hello   world"), 13, "hello world");
    BOOST_TEST(verify(respaced, suite_key().pkey));
}

BOOST_AUTO_TEST_CASE(bad_keys_and_messages_are_errors) {
    const std::vector<std::string> names{"From"};
    BOOST_TEST(!dkim_signature(sample, dkim_key{"d", "s", "not a key"}, names).has_value());
    const dkim_key key{"sender.example", "tlsrpt", suite_key().private_pem};
    BOOST_TEST(!dkim_signature("From: a@b\r\nno empty line", key, names).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
