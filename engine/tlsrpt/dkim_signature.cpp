#include "engine/tlsrpt/dkim_signature.hpp"

#include "engine/core/domain_name.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <optional>
#include <vector>

namespace sts::tlsrpt {

namespace {

constexpr bool is_wsp(char c) noexcept { return c == ' ' || c == '\t'; }

struct header_field {
    std::string_view name;
    std::string_view value;  // after the colon, folding CRLFs included, final CRLF excluded
};

struct split_message {
    std::vector<header_field> fields;
    std::string_view body;
};

// The header fields and the body of `message`, or nothing without the empty line.
std::optional<split_message> split(std::string_view message) {
    split_message out;
    std::size_t header_end = 0;
    if (message.starts_with("\r\n")) {
        out.body = message.substr(2);
        return out;
    }
    header_end = message.find("\r\n\r\n");
    if (header_end == std::string_view::npos) return std::nullopt;
    out.body = message.substr(header_end + 4);
    const auto header = message.substr(0, header_end + 2);
    std::size_t pos = 0;
    while (pos < header.size()) {
        // A field runs until a CRLF that is not followed by WSP (RFC 5322 §2.2.3 folding).
        std::size_t end = header.find("\r\n", pos);
        while (end != std::string_view::npos && end + 2 < header.size() && is_wsp(header[end + 2]))
            end = header.find("\r\n", end + 2);
        if (end == std::string_view::npos) end = header.size();
        const auto field = header.substr(pos, end - pos);
        const auto colon = field.find(':');
        if (colon == std::string_view::npos) return std::nullopt;
        out.fields.push_back({field.substr(0, colon), field.substr(colon + 1)});
        pos = end + 2;
    }
    return out;
}

std::string base64(const unsigned char* data, std::size_t size) {
    std::string out(4 * ((size + 2) / 3) + 1, '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

// Collapses WSP runs into one SP and drops WSP at both ends (unfolded text only).
std::string squeeze_wsp(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool pending_space = false;
    for (const char c : text) {
        if (is_wsp(c)) {
            pending_space = true;
            continue;
        }
        if (pending_space && !out.empty()) out += ' ';
        pending_space = false;
        out += c;
    }
    return out;
}

struct pkey_deleter {
    void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};
struct md_ctx_deleter {
    void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
struct bio_deleter {
    void operator()(BIO* b) const noexcept { BIO_free(b); }
};

}  // namespace

std::string dkim_relaxed_header(std::string_view name, std::string_view value) {
    // RFC 6376 §3.4.2: unfold (delete every CRLF), then squeeze and trim the WSP.
    std::string unfolded;
    unfolded.reserve(value.size());
    for (const char c : value) {
        if (c != '\r' && c != '\n') unfolded += c;
    }
    return core::to_ascii_lower(squeeze_wsp(name)) + ":" + squeeze_wsp(unfolded) + "\r\n";
}

std::string dkim_relaxed_body(std::string_view body) {
    // RFC 6376 §3.4.4, line by line; a last line without CRLF counts as a line.
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < body.size()) {
        auto end = body.find("\r\n", pos);
        if (end == std::string_view::npos) end = body.size();
        std::string line;
        bool pending_space = false;
        for (const char c : body.substr(pos, end - pos)) {
            if (is_wsp(c)) {
                pending_space = true;
                continue;
            }
            if (pending_space) line += ' ';
            pending_space = false;
            line += c;
        }
        lines.push_back(std::move(line));
        pos = end + 2;
    }
    while (!lines.empty() && lines.back().empty()) lines.pop_back();
    std::string out;
    for (const auto& line : lines) {
        out += line;
        out += "\r\n";
    }
    return out;
}

core::result<std::string, std::string> dkim_signature(std::string_view message, const dkim_key& key,
                                                      std::span<const std::string> signed_header_names) {
    const auto parts = split(message);
    if (!parts) return core::failure(std::string("the message has no header/body separator"));

    const std::string made_pem =
        key.private_key_pem.empty() && key.private_key_pem_source ? key.private_key_pem_source() : std::string();
    const std::string& pem = made_pem.empty() ? key.private_key_pem : made_pem;
    std::unique_ptr<BIO, bio_deleter> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) return core::failure(std::string("cannot read the DKIM key"));
    std::unique_ptr<EVP_PKEY, pkey_deleter> pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!pkey) return core::failure(std::string("the DKIM key is not a PEM private key"));
    if (EVP_PKEY_get_base_id(pkey.get()) != EVP_PKEY_RSA) {
        return core::failure(std::string("the DKIM key is not an RSA key (a=rsa-sha256)"));
    }

    // RFC 6376 §3.7: the body hash over the canonical body, all of it (no l=, TLSRPT-11).
    const std::string body = dkim_relaxed_body(parts->body);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_size = 0;
    if (EVP_Digest(body.data(), body.size(), digest, &digest_size, EVP_sha256(), nullptr) != 1) {
        return core::failure(std::string("SHA-256 failed"));
    }

    std::string h;
    for (const auto& name : signed_header_names) {
        if (!h.empty()) h += ':';
        h += core::to_ascii_lower(name);
    }
    const std::string tags = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + key.domain + "; s=" + key.selector +
                             "; h=" + h + "; bh=" + base64(digest, digest_size) + "; b=";

    // RFC 6376 §5.4.2: each named field once, the last instance first; then the
    // signature field itself with b= empty and no final CRLF.
    std::string signed_data;
    std::vector<bool> used(parts->fields.size(), false);
    for (const auto& name : signed_header_names) {
        for (std::size_t i = parts->fields.size(); i-- > 0;) {
            if (used[i] || !core::equal_ignoring_case(parts->fields[i].name, name)) continue;
            used[i] = true;
            signed_data += dkim_relaxed_header(parts->fields[i].name, parts->fields[i].value);
            break;
        }
    }
    std::string own = dkim_relaxed_header("DKIM-Signature", tags);
    own.resize(own.size() - 2);
    signed_data += own;

    std::unique_ptr<EVP_MD_CTX, md_ctx_deleter> ctx(EVP_MD_CTX_new());
    std::size_t signature_size = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &signature_size,
                       reinterpret_cast<const unsigned char*>(signed_data.data()), signed_data.size()) != 1) {
        return core::failure(std::string("RSA signing failed"));
    }
    std::vector<unsigned char> signature(signature_size);
    if (EVP_DigestSign(ctx.get(), signature.data(), &signature_size,
                       reinterpret_cast<const unsigned char*>(signed_data.data()), signed_data.size()) != 1) {
        return core::failure(std::string("RSA signing failed"));
    }
    return "DKIM-Signature: " + tags + base64(signature.data(), signature_size) + "\r\n";
}

}  // namespace sts::tlsrpt
