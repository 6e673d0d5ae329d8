#include "engine/dns/message.hpp"

#include "engine/core/limits.hpp"
#include "engine/core/peer_text.hpp"
#include "engine/dns/name.hpp"
#include "engine/dns/wire.hpp"

#include <fmt/format.h>

#include <array>

namespace sts::dns {

namespace {

namespace limits = core::limits;

// RFC 1035 §4.1.1 flag bits of the second 16-bit header word; AD and CD from RFC 4035 §3.2.
constexpr std::uint16_t qr_bit = 0x8000;
constexpr std::uint16_t aa_bit = 0x0400;
constexpr std::uint16_t tc_bit = 0x0200;
constexpr std::uint16_t rd_bit = 0x0100;
constexpr std::uint16_t ra_bit = 0x0080;
constexpr std::uint16_t z_bit = 0x0040;
constexpr std::uint16_t ad_bit = 0x0020;
constexpr std::uint16_t cd_bit = 0x0010;
constexpr unsigned four_bit_max = 15;

// The smallest question is the root name (1 byte) plus QTYPE and QCLASS; the smallest
// record adds TTL and RDLENGTH. Used to refuse counts the remaining bytes cannot hold
// before any memory is reserved for them.
constexpr std::size_t question_bytes_min = 1 + 4;
constexpr std::size_t record_bytes_min = 1 + 10;

constexpr std::array<const char*, 4> section_names = {"question", "answer", "authority", "additional"};

core::failure_value<core::finding> model_failure(std::string rule, std::string_view value = {}) {
    core::finding f;
    f.rule = std::move(rule);
    f.detail = core::quote_peer_text(value);
    return core::failure(std::move(f));
}

core::result<std::monostate, core::finding> write_owner(wire_writer& writer, const std::string& name) {
    auto labels = parse_name(name);
    if (!labels) return core::failure(std::move(labels).error());
    write_name(writer, *labels);
    return std::monostate{};
}

core::result<std::monostate, core::finding> write_record(wire_writer& writer, const record& r) {
    if (auto w = write_owner(writer, r.name); !w) return w;
    writer.u16(static_cast<std::uint16_t>(r.type()));
    writer.u16(static_cast<std::uint16_t>(r.rclass));
    writer.u32(r.ttl);
    const std::size_t rdlength_at = writer.size();
    writer.u16(0);
    if (auto w = write_rdata(writer, r.data); !w) return w;
    const std::size_t rdlength = writer.size() - rdlength_at - 2;
    if (rdlength > 0xFFFF) return model_failure(fmt::format("{} RDATA is longer than 65535 bytes", type_name(r.type())));
    writer.patch_u16(rdlength_at, static_cast<std::uint16_t>(rdlength));
    return std::monostate{};
}

std::uint16_t pack_flags(const header& h) {
    std::uint16_t flags = 0;
    if (h.qr) flags |= qr_bit;
    flags = static_cast<std::uint16_t>(flags | (static_cast<unsigned>(h.opcode) << 11));
    if (h.aa) flags |= aa_bit;
    if (h.tc) flags |= tc_bit;
    if (h.rd) flags |= rd_bit;
    if (h.ra) flags |= ra_bit;
    if (h.z) flags |= z_bit;
    if (h.ad) flags |= ad_bit;
    if (h.cd) flags |= cd_bit;
    flags = static_cast<std::uint16_t>(flags | static_cast<unsigned>(h.rcode));
    return flags;
}

header unpack_header(std::uint16_t id, std::uint16_t flags) {
    header h;
    h.id = id;
    h.qr = (flags & qr_bit) != 0;
    h.opcode = static_cast<opcode>((flags >> 11) & 0x0F);
    h.aa = (flags & aa_bit) != 0;
    h.tc = (flags & tc_bit) != 0;
    h.rd = (flags & rd_bit) != 0;
    h.ra = (flags & ra_bit) != 0;
    h.z = (flags & z_bit) != 0;
    h.ad = (flags & ad_bit) != 0;
    h.cd = (flags & cd_bit) != 0;
    h.rcode = static_cast<rcode>(flags & 0x0F);
    return h;
}

core::result<question, core::finding> read_question(wire_reader& reader) {
    auto labels = read_name(reader, reader.message().size());
    if (!labels) return core::failure(std::move(labels).error());
    if (reader.remaining() < 4) return reader.fail("question is cut short before QTYPE and QCLASS");
    question q;
    q.qname = format_name(*labels);
    q.qtype = static_cast<rr_type>(*reader.u16());
    q.qclass = static_cast<rr_class>(*reader.u16());
    return q;
}

core::result<record, core::finding> read_record(wire_reader& reader) {
    auto labels = read_name(reader, reader.message().size());
    if (!labels) return core::failure(std::move(labels).error());
    // RFC 1035 §4.1.3: TYPE, CLASS, TTL and RDLENGTH follow the owner name.
    if (reader.remaining() < 10) return reader.fail("resource record is cut short before its RDATA");
    record r;
    r.name = format_name(*labels);
    const auto type = static_cast<rr_type>(*reader.u16());
    r.rclass = static_cast<rr_class>(*reader.u16());
    r.ttl = *reader.u32();
    const std::size_t rdlength_at = reader.offset();
    const std::size_t rdlength = *reader.u16();
    if (rdlength > reader.remaining()) {
        return wire_reader::fail_at(rdlength_at, fmt::format("RDLENGTH {} runs past the end of the message ({} bytes left)",
                                                             rdlength, reader.remaining()));
    }
    auto data = read_rdata(reader, type, rdlength);
    if (!data) return core::failure(std::move(data).error());
    r.data = std::move(*data);
    return r;
}

}  // namespace

std::string rcode_name(rcode code) {
    switch (code) {
        case rcode::noerror: return "NOERROR";
        case rcode::formerr: return "FORMERR";
        case rcode::servfail: return "SERVFAIL";
        case rcode::nxdomain: return "NXDOMAIN";
        case rcode::notimp: return "NOTIMP";
        case rcode::refused: return "REFUSED";
    }
    return fmt::format("RCODE{}", static_cast<unsigned>(code));
}

core::result<std::vector<std::uint8_t>, core::finding> encode(const message& m, encode_options options) {
    if (static_cast<unsigned>(m.header.opcode) > four_bit_max) return model_failure("OPCODE does not fit in 4 bits");
    if (static_cast<unsigned>(m.header.rcode) > four_bit_max) {
        return model_failure("RCODE does not fit in 4 bits (extended RCODEs need OPT)");
    }
    const std::array<std::size_t, 4> counts = {m.questions.size(), m.answers.size(), m.authorities.size(),
                                               m.additionals.size()};
    for (std::size_t i = 0; i < counts.size(); ++i) {
        if (counts[i] > 0xFFFF) return model_failure(fmt::format("{} section has more than 65535 entries", section_names[i]));
    }
    wire_writer writer(options.compress);
    writer.u16(m.header.id);
    writer.u16(pack_flags(m.header));
    for (const auto count : counts) writer.u16(static_cast<std::uint16_t>(count));
    for (const auto& q : m.questions) {
        if (auto w = write_owner(writer, q.qname); !w) return core::failure(std::move(w).error());
        writer.u16(static_cast<std::uint16_t>(q.qtype));
        writer.u16(static_cast<std::uint16_t>(q.qclass));
    }
    for (const auto* section : {&m.answers, &m.authorities, &m.additionals}) {
        for (const auto& r : *section) {
            if (auto w = write_record(writer, r); !w) return core::failure(std::move(w).error());
        }
    }
    if (writer.size() > limits::dns_message_bytes_max) {
        return model_failure(fmt::format("message of {} bytes is longer than {} bytes", writer.size(),
                                         limits::dns_message_bytes_max));
    }
    return std::move(writer).release();
}

core::result<message, core::finding> decode(std::span<const std::uint8_t> wire) {
    // RFC 1035 §4.2.2: the two-byte TCP length prefix caps a message at 65535 bytes, and
    // no transport carries more.
    if (wire.size() > limits::dns_message_bytes_max) {
        return wire_reader::fail_at(limits::dns_message_bytes_max,
                                    fmt::format("message of {} bytes is longer than {} bytes", wire.size(),
                                                limits::dns_message_bytes_max));
    }
    wire_reader reader(wire);
    if (wire.size() < header_bytes) {
        return wire_reader::fail_at(wire.size(), fmt::format("message of {} bytes is shorter than the {}-byte header",
                                                             wire.size(), header_bytes));
    }
    message m;
    const std::uint16_t id = *reader.u16();
    const std::uint16_t flags = *reader.u16();
    m.header = unpack_header(id, flags);
    std::array<std::size_t, 4> counts{};
    for (auto& count : counts) count = *reader.u16();

    // Bound every count before reserving: by the limit, and by the smallest entry that fits
    // in the bytes after the header (no entry can be shorter, so more cannot be there).
    const std::size_t body_bytes = wire.size() - header_bytes;
    std::size_t entries_bytes_min = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        const std::size_t count_at = 4 + 2 * i;
        if (counts[i] > limits::dns_records_per_section_max) {
            return wire_reader::fail_at(count_at, fmt::format("{} count {} is above the limit of {}", section_names[i],
                                                              counts[i], limits::dns_records_per_section_max));
        }
        entries_bytes_min += counts[i] * (i == 0 ? question_bytes_min : record_bytes_min);
        if (entries_bytes_min > body_bytes) {
            return wire_reader::fail_at(count_at, fmt::format("{} count {} needs more bytes than the message has",
                                                              section_names[i], counts[i]));
        }
    }

    m.questions.reserve(counts[0]);
    for (std::size_t i = 0; i < counts[0]; ++i) {
        auto q = read_question(reader);
        if (!q) return core::failure(std::move(q).error());
        m.questions.push_back(std::move(*q));
    }
    const std::array<std::vector<record>*, 3> sections = {&m.answers, &m.authorities, &m.additionals};
    for (std::size_t s = 0; s < sections.size(); ++s) {
        sections[s]->reserve(counts[s + 1]);
        for (std::size_t i = 0; i < counts[s + 1]; ++i) {
            auto r = read_record(reader);
            if (!r) return core::failure(std::move(r).error());
            sections[s]->push_back(std::move(*r));
        }
    }
    // interpretation: RFC 1035 does not say what to do with bytes after the last record.
    // They are never produced by a correct encoder, and a strict decoder refuses them so a
    // count that is too small cannot go unnoticed.
    if (reader.remaining() != 0) {
        return reader.fail(fmt::format("{} bytes follow the last record", reader.remaining()));
    }
    return m;
}

}  // namespace sts::dns
