#include "engine/dns/record.hpp"

#include "engine/core/peer_text.hpp"
#include "engine/dns/address.hpp"
#include "engine/dns/name.hpp"

#include <fmt/format.h>

#include <type_traits>

namespace sts::dns {

namespace {

// RFC 1035 §3.3: a <character-string> is one length byte and up to 255 bytes.
constexpr std::size_t character_string_bytes_max = 255;
// RFC 6698 §2.1: usage, selector and matching type precede the association data.
constexpr std::size_t tlsa_fixed_bytes = 3;
// RFC 1035 §3.3.13: SERIAL, REFRESH, RETRY, EXPIRE and MINIMUM follow the two names.
constexpr std::size_t soa_fixed_bytes = 20;

core::failure_value<core::finding> model_failure(std::string rule, std::string_view value) {
    core::finding f;
    f.rule = std::move(rule);
    f.detail = core::quote_peer_text(value);
    return core::failure(std::move(f));
}

std::string upper_hex(const std::vector<std::uint8_t>& bytes) {
    std::string out;
    out.reserve(2 * bytes.size());
    for (const auto b : bytes) out += fmt::format("{:02X}", b);
    return out;
}

// RFC 1035 §5.1: a quoted <character-string>, with \" \\ and \DDD for unprintable bytes.
std::string quoted_character_string(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte >= 0x20 && byte < 0x7F) {
            out += c;
        } else {
            out += fmt::format("\\{:03d}", byte);
        }
    }
    out += '"';
    return out;
}

// Reads a name inside RDATA and converts it to text.
core::result<std::string, core::finding> read_rdata_name(wire_reader& reader, std::size_t end) {
    auto labels = read_name(reader, end);
    if (!labels) return core::failure(std::move(labels).error());
    return format_name(*labels);
}

core::result<std::monostate, core::finding> write_rdata_name(wire_writer& writer, const std::string& text) {
    auto labels = parse_name(text);
    if (!labels) return core::failure(std::move(labels).error());
    write_name(writer, *labels);
    return std::monostate{};
}

class rdata_reader {
public:
    rdata_reader(wire_reader& reader, rr_type type, std::size_t length)
        : reader_(reader), type_(type), start_(reader.offset()), end_(reader.offset() + length) {}

    core::result<rdata, core::finding> read() {
        switch (type_) {
            case rr_type::a: return read_a();
            case rr_type::aaaa: return read_aaaa();
            case rr_type::ns: return read_single_name<ns_rdata>();
            case rr_type::cname: return read_single_name<cname_rdata>();
            case rr_type::soa: return read_soa();
            case rr_type::mx: return read_mx();
            case rr_type::txt: return read_txt();
            case rr_type::tlsa: return read_tlsa();
            default: {
                const auto bytes = reader_.bytes(end_ - start_);
                return raw_rdata{type_, std::vector<std::uint8_t>(bytes->begin(), bytes->end())};
            }
        }
    }

private:
    std::size_t left() const noexcept { return end_ - reader_.offset(); }

    core::failure_value<core::finding> wrong_length(std::size_t expected) const {
        return wire_reader::fail_at(start_, fmt::format("{} RDATA must be {} bytes, not {}", type_name(type_), expected,
                                                        end_ - start_));
    }
    core::failure_value<core::finding> cut_short() const {
        return reader_.fail(fmt::format("{} RDATA is cut short", type_name(type_)));
    }
    // RFC 1035 §3.2.1: RDLENGTH is the length of the RDATA, so the fields must fill it.
    core::result<rdata, core::finding> finish(rdata data) const {
        if (left() != 0) {
            return reader_.fail(fmt::format("{} RDATA has {} bytes after its last field", type_name(type_), left()));
        }
        return data;
    }

    core::result<rdata, core::finding> read_a() {
        if (left() != 4) return wrong_length(4);
        const auto b = reader_.bytes(4);
        return a_rdata{format_ipv4({(*b)[0], (*b)[1], (*b)[2], (*b)[3]})};
    }

    core::result<rdata, core::finding> read_aaaa() {
        if (left() != 16) return wrong_length(16);
        const auto b = reader_.bytes(16);
        ipv6_bytes address{};
        for (std::size_t i = 0; i < address.size(); ++i) address[i] = (*b)[i];
        return aaaa_rdata{format_ipv6(address)};
    }

    template <class T>
    core::result<rdata, core::finding> read_single_name() {
        auto name = read_rdata_name(reader_, end_);
        if (!name) return core::failure(std::move(name).error());
        return finish(T{std::move(*name)});
    }

    core::result<rdata, core::finding> read_soa() {
        soa_rdata soa;
        auto mname = read_rdata_name(reader_, end_);
        if (!mname) return core::failure(std::move(mname).error());
        auto rname = read_rdata_name(reader_, end_);
        if (!rname) return core::failure(std::move(rname).error());
        if (left() < soa_fixed_bytes) return cut_short();
        soa.mname = std::move(*mname);
        soa.rname = std::move(*rname);
        soa.serial = *reader_.u32();
        soa.refresh = *reader_.u32();
        soa.retry = *reader_.u32();
        soa.expire = *reader_.u32();
        soa.minimum = *reader_.u32();
        return finish(std::move(soa));
    }

    core::result<rdata, core::finding> read_mx() {
        if (left() < 2) return cut_short();
        const std::uint16_t preference = *reader_.u16();
        auto exchange = read_rdata_name(reader_, end_);
        if (!exchange) return core::failure(std::move(exchange).error());
        return finish(mx_rdata{preference, std::move(*exchange)});
    }

    // RFC 1035 §3.3.14: TXT-DATA is one or more <character-string>s filling the RDATA.
    core::result<rdata, core::finding> read_txt() {
        if (left() == 0) return reader_.fail("TXT RDATA holds no character-string");
        txt_rdata txt;
        while (left() > 0) {
            const std::size_t length = *reader_.u8();
            if (length > left()) {
                return wire_reader::fail_at(reader_.offset() - 1,
                                            fmt::format("TXT character-string of {} bytes runs past the end of the RDATA",
                                                        length));
            }
            const auto bytes = reader_.bytes(length);
            txt.strings.emplace_back(reinterpret_cast<const char*>(bytes->data()), bytes->size());
        }
        return rdata{std::move(txt)};
    }

    core::result<rdata, core::finding> read_tlsa() {
        if (left() < tlsa_fixed_bytes) return cut_short();
        tlsa_rdata tlsa;
        tlsa.usage = *reader_.u8();
        tlsa.selector = *reader_.u8();
        tlsa.matching_type = *reader_.u8();
        const auto data = reader_.bytes(left());
        tlsa.association_data.assign(data->begin(), data->end());
        return rdata{std::move(tlsa)};
    }

    wire_reader& reader_;
    rr_type type_;
    std::size_t start_;
    std::size_t end_;
};

}  // namespace

rr_type type_of(const rdata& data) noexcept {
    return std::visit(
        [](const auto& d) -> rr_type {
            using T = std::decay_t<decltype(d)>;
            if constexpr (std::is_same_v<T, a_rdata>) return rr_type::a;
            else if constexpr (std::is_same_v<T, aaaa_rdata>) return rr_type::aaaa;
            else if constexpr (std::is_same_v<T, ns_rdata>) return rr_type::ns;
            else if constexpr (std::is_same_v<T, cname_rdata>) return rr_type::cname;
            else if constexpr (std::is_same_v<T, soa_rdata>) return rr_type::soa;
            else if constexpr (std::is_same_v<T, mx_rdata>) return rr_type::mx;
            else if constexpr (std::is_same_v<T, txt_rdata>) return rr_type::txt;
            else if constexpr (std::is_same_v<T, tlsa_rdata>) return rr_type::tlsa;
            else return d.type;
        },
        data);
}

std::string type_name(rr_type type) {
    switch (type) {
        case rr_type::a: return "A";
        case rr_type::ns: return "NS";
        case rr_type::cname: return "CNAME";
        case rr_type::soa: return "SOA";
        case rr_type::ptr: return "PTR";
        case rr_type::mx: return "MX";
        case rr_type::txt: return "TXT";
        case rr_type::aaaa: return "AAAA";
        case rr_type::opt: return "OPT";
        case rr_type::ds: return "DS";
        case rr_type::rrsig: return "RRSIG";
        case rr_type::nsec: return "NSEC";
        case rr_type::dnskey: return "DNSKEY";
        case rr_type::tlsa: return "TLSA";
        case rr_type::any: return "ANY";
    }
    return fmt::format("TYPE{}", static_cast<std::uint16_t>(type));
}

std::string class_name(rr_class rclass) {
    switch (rclass) {
        case rr_class::in: return "IN";
        case rr_class::ch: return "CH";
        case rr_class::any: return "ANY";
    }
    return fmt::format("CLASS{}", static_cast<std::uint16_t>(rclass));
}

std::string rdata_to_text(const rdata& data) {
    return std::visit(
        [](const auto& d) -> std::string {
            using T = std::decay_t<decltype(d)>;
            if constexpr (std::is_same_v<T, a_rdata> || std::is_same_v<T, aaaa_rdata>) {
                return d.address;
            } else if constexpr (std::is_same_v<T, ns_rdata>) {
                return d.host;
            } else if constexpr (std::is_same_v<T, cname_rdata>) {
                return d.target;
            } else if constexpr (std::is_same_v<T, soa_rdata>) {
                return fmt::format("{} {} {} {} {} {} {}", d.mname, d.rname, d.serial, d.refresh, d.retry, d.expire,
                                   d.minimum);
            } else if constexpr (std::is_same_v<T, mx_rdata>) {
                return fmt::format("{} {}", d.preference, d.exchange);
            } else if constexpr (std::is_same_v<T, txt_rdata>) {
                std::string out;
                for (const auto& s : d.strings) {
                    if (!out.empty()) out += ' ';
                    out += quoted_character_string(s);
                }
                return out;
            } else if constexpr (std::is_same_v<T, tlsa_rdata>) {
                std::string out = fmt::format("{} {} {}", d.usage, d.selector, d.matching_type);
                if (!d.association_data.empty()) out += ' ' + upper_hex(d.association_data);
                return out;
            } else {
                // RFC 3597 §5: the generic RDATA encoding.
                std::string out = fmt::format("\\# {}", d.bytes.size());
                if (!d.bytes.empty()) out += ' ' + upper_hex(d.bytes);
                return out;
            }
        },
        data);
}

std::string record_to_text(const record& r) {
    return fmt::format("{} {} {} {} {}", r.name, r.ttl, class_name(r.rclass), type_name(r.type()), rdata_to_text(r.data));
}

core::result<rdata, core::finding> read_rdata(wire_reader& reader, rr_type type, std::size_t length) {
    return rdata_reader(reader, type, length).read();
}

core::result<std::monostate, core::finding> write_rdata(wire_writer& writer, const rdata& data) {
    return std::visit(
        [&writer](const auto& d) -> core::result<std::monostate, core::finding> {
            using T = std::decay_t<decltype(d)>;
            if constexpr (std::is_same_v<T, a_rdata>) {
                const auto address = parse_ipv4(d.address);
                if (!address) return model_failure("A address is not dotted-decimal IPv4", d.address);
                writer.bytes(*address);
            } else if constexpr (std::is_same_v<T, aaaa_rdata>) {
                const auto address = parse_ipv6(d.address);
                if (!address) return model_failure("AAAA address is not IPv6 text", d.address);
                writer.bytes(*address);
            } else if constexpr (std::is_same_v<T, ns_rdata>) {
                return write_rdata_name(writer, d.host);
            } else if constexpr (std::is_same_v<T, cname_rdata>) {
                return write_rdata_name(writer, d.target);
            } else if constexpr (std::is_same_v<T, soa_rdata>) {
                if (auto w = write_rdata_name(writer, d.mname); !w) return w;
                if (auto w = write_rdata_name(writer, d.rname); !w) return w;
                for (const auto field : {d.serial, d.refresh, d.retry, d.expire, d.minimum}) writer.u32(field);
            } else if constexpr (std::is_same_v<T, mx_rdata>) {
                writer.u16(d.preference);
                return write_rdata_name(writer, d.exchange);
            } else if constexpr (std::is_same_v<T, txt_rdata>) {
                // RFC 1035 §3.3.14: one or more strings, each at most 255 bytes.
                if (d.strings.empty()) return model_failure("TXT RDATA needs at least one character-string", "");
                for (const auto& s : d.strings) {
                    if (s.size() > character_string_bytes_max) {
                        return model_failure(fmt::format("TXT character-string is longer than {} bytes",
                                                         character_string_bytes_max),
                                             s);
                    }
                    writer.u8(static_cast<std::uint8_t>(s.size()));
                    writer.bytes(s);
                }
            } else if constexpr (std::is_same_v<T, tlsa_rdata>) {
                writer.u8(d.usage);
                writer.u8(d.selector);
                writer.u8(d.matching_type);
                writer.bytes(d.association_data);
            } else {
                writer.bytes(d.bytes);
            }
            return std::monostate{};
        },
        data);
}

}  // namespace sts::dns
