// engine/dns/name.hpp
//
// Domain names in the two forms the codec deals in. On the wire (RFC 1035 §3.1) a name is
// a sequence of length-prefixed labels ending in the zero-length root label, at most 63
// bytes per label and 255 bytes in all (§2.3.4), possibly ending in a compression pointer
// to a suffix written earlier in the message (§4.1.4). In presentation form (§5.1) it is
// the labels joined by dots; bytes that are not printable, and the characters that have
// a meaning in master files, are escaped as \DDD (three decimal digits) or \X.
//
// The model (message.hpp) holds names in presentation form without the trailing root dot
// ("mx1.example.com"); the root itself is ".". Parsing accepts one trailing dot. Letter
// case is preserved exactly both ways: the encoder compresses only byte-identical
// suffixes, so decode(encode(m)) gives back m's names unchanged; same_name() is the
// case-insensitive comparison (RFC 4343 §3) for callers that match names.
//
// Decoding is strict: pointers must point strictly backwards, before the start of the
// labels that led to them, and past the 12-byte header, so a loop cannot form; a name
// may follow at most core::limits::dns_compression_pointers_max pointers; label types
// 01 and 10 (reserved by §4.1.4; RFC 6891 §5 deprecated the extended labels) are refused.
// No IDNA conversion happens here: labels are bytes.
#pragma once

#include "engine/core/finding.hpp"
#include "engine/core/result.hpp"
#include "engine/dns/wire.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sts::dns {

// Labels from the leftmost to the one before the root; empty for the root name.
using label_sequence = std::vector<std::string>;

// Presentation text to labels. Findings carry the 1-based position in `text`.
core::result<label_sequence, core::finding> parse_name(std::string_view text);

// Labels to canonical presentation text: no trailing dot, "." for the root.
std::string format_name(const label_sequence& labels);

// A whole uncompressed wire name and back. name_from_wire() refuses pointers (there is no
// message to point into) and bytes after the root label.
core::result<std::vector<std::uint8_t>, core::finding> name_to_wire(std::string_view text);
core::result<std::string, core::finding> name_from_wire(std::span<const std::uint8_t> wire);

// Whether two presentation names denote the same name: labels compared with ASCII case
// folding (RFC 4343 §3), a trailing dot ignored. False when either does not parse.
bool same_name(std::string_view a, std::string_view b);

// Reads the name at the reader's cursor. The labels stored in place (before any pointer)
// must end by `in_place_end`, which is the end of the RDATA for names inside RDATA; labels
// reached through pointers may lie anywhere earlier in the message. Leaves the cursor just
// after the in-place part.
core::result<label_sequence, core::finding> read_name(wire_reader& reader, std::size_t in_place_end);

// Appends the name, pointing at an earlier byte-identical suffix when the writer compresses.
void write_name(wire_writer& writer, const label_sequence& labels);

}  // namespace sts::dns
