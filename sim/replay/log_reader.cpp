// sim/replay/log_reader.cpp
//
// The input is read log_read_bytes at a time into one buffer and split at LF; a physical
// line keeps at most trace_line_bytes_max bytes and the rest of it is passed over in the
// buffer, so neither a 100 MB line nor a 100 MB file is ever held. The first
// log_sniff_bytes are read once to decide whether the input is a text log at all, then
// served from memory like any other chunk.
#include "sim/replay/log_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <string_view>
#include <utility>

namespace sts::sim {
namespace {

// Control bytes other than the ordinary whitespace, DEL, and bytes >= 0x80 that do not
// form UTF-8: what a text log does not contain but a compressed or binary file is full of.
std::size_t count_non_printable(std::string_view s) {
    std::size_t count = 0;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') || c == 0x7f) ++count;
            ++i;
            continue;
        }
        std::size_t len = 0;
        if (c >= 0xc2 && c <= 0xdf) len = 2;
        if (c >= 0xe0 && c <= 0xef) len = 3;
        if (c >= 0xf0 && c <= 0xf4) len = 4;
        bool ok = len != 0 && i + len <= s.size();
        for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
        if (ok) {
            i += len;
        } else {
            ++count;
            ++i;
        }
    }
    return count;
}

bool any_line_begins_log_line(std::string_view block) {
    while (!block.empty()) {
        const auto nl = block.find('\n');
        const auto line = block.substr(0, nl);
        if (begins_log_line(line)) return true;
        if (nl == std::string_view::npos) break;
        block.remove_prefix(nl + 1);
    }
    return false;
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// Wrapped text never carries control bytes: a physical line that does is junk of its own,
// not the tail of the line before it (which it would turn unclassified).
bool has_control_bytes(std::string_view s) {
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
    }
    return false;
}

// Appends at most up to the cap; true when something was left out.
bool append_capped(std::string& to, std::string_view what) {
    const std::size_t room = trace_line_bytes_max - std::min(to.size(), trace_line_bytes_max);
    to.append(what.substr(0, room));
    return what.size() > room;
}

// How well a joined line reads: classified beats unclassified, a line that keeps to its
// family's shape beats one that departs from it, a complete one beats a truncated one.
int join_score(const trace_line& l) {
    if (l.family == line_family::unclassified) return 0;
    if (!l.problem.empty()) return 1;
    if (l.truncated) return 2;
    return 3;
}

log_read_error read_failure(std::uint64_t bytes) {
    return log_read_error{fmt::format("cannot read: the input failed after {} bytes", bytes)};
}

}  // namespace

log_reader::log_reader(std::istream& in, int default_year) : log_reader(in, default_year, log_read_bytes) {}

log_reader::log_reader(std::istream& in, int default_year, std::size_t read_bytes)
    : in_(&in), default_year_(default_year), read_bytes_(std::max<std::size_t>(read_bytes, 1)) {}

std::optional<log_read_error> log_reader::sniff_() {
    sniffed_block_.resize(log_sniff_bytes);
    in_->read(sniffed_block_.data(), static_cast<std::streamsize>(sniffed_block_.size()));
    const auto n = static_cast<std::size_t>(in_->gcount());
    sniffed_block_.resize(n);
    stats_.bytes += n;
    if (in_->bad()) {
        failed_ = true;
        return read_failure(stats_.bytes);
    }
    if (n < log_sniff_bytes) end_ = true;
    const std::string_view block = sniffed_block_;
    const auto nul = block.find('\0');
    const std::size_t non_printable = count_non_printable(block);
    // "Mostly" non-printable: random or compressed bytes are about 60 %, a text log with a
    // few damaged lines far below 30 %.
    const bool junk = nul != std::string_view::npos || non_printable * 10 > block.size() * 3;
    if (!junk || any_line_begins_log_line(block)) return std::nullopt;
    if (nul != std::string_view::npos)
        return log_read_error{fmt::format("not a text log: NUL byte at offset {}", nul)};
    return log_read_error{fmt::format("not a text log: {} of the first {} bytes are not printable text",
                                      non_printable, block.size())};
}

bool log_reader::fill_() {
    chunk_.clear();
    chunk_pos_ = 0;
    if (sniffed_pos_ < sniffed_block_.size()) {
        const std::size_t n = std::min(read_bytes_, sniffed_block_.size() - sniffed_pos_);
        chunk_.assign(sniffed_block_, sniffed_pos_, n);
        sniffed_pos_ += n;
        if (sniffed_pos_ == sniffed_block_.size()) {
            std::string().swap(sniffed_block_);
            sniffed_pos_ = 0;
        }
        return true;
    }
    if (end_) return false;
    chunk_.resize(read_bytes_);
    in_->read(chunk_.data(), static_cast<std::streamsize>(chunk_.size()));
    const auto n = static_cast<std::size_t>(in_->gcount());
    chunk_.resize(n);
    stats_.bytes += n;
    if (in_->bad()) failed_ = true;
    if (n < read_bytes_ || failed_) end_ = true;
    return n > 0;
}

bool log_reader::read_physical_(std::string& out, bool& cut) {
    out.clear();
    cut = false;
    bool any = false;
    while (true) {
        if (chunk_pos_ == chunk_.size() && !fill_()) {
            if (!any) return false;
            break;
        }
        any = true;
        const char* begin = chunk_.data() + chunk_pos_;
        const std::size_t available = chunk_.size() - chunk_pos_;
        const auto* nl = static_cast<const char*>(std::memchr(begin, '\n', available));
        const std::size_t len = nl != nullptr ? static_cast<std::size_t>(nl - begin) : available;
        // A CR before the LF is not content, so it does not make a line at the cap "cut".
        const std::size_t content = (nl != nullptr && len > 0 && begin[len - 1] == '\r') ? len - 1 : len;
        if (append_capped(out, std::string_view(begin, content))) cut = true;
        chunk_pos_ += len + (nl != nullptr ? 1 : 0);
        if (nl != nullptr) break;
    }
    while (!out.empty() && out.back() == '\r') out.pop_back();
    ++physical_number_;
    ++stats_.physical_lines;
    return true;
}

trace_line log_reader::join_(std::string& logical, const std::string& continuation, bool& cut) {
    // A soft line break keeps its blank at the end of the first part (RFC 3676 §4.2), and
    // a continuation that starts with a blank brings its own: no choice to make.
    if (continuation.empty() || logical.empty() || is_blank(logical.back()) || is_blank(continuation.front())) {
        if (append_capped(logical, continuation)) cut = true;
        return classify_line(logical, 0, default_year_);
    }
    std::string tight = logical;
    const bool tight_cut = append_capped(tight, continuation);
    std::string spaced = logical;
    bool spaced_cut = append_capped(spaced, " ");
    spaced_cut = append_capped(spaced, continuation) || spaced_cut;
    auto tight_line = classify_line(tight, 0, default_year_);
    auto spaced_line = classify_line(spaced, 0, default_year_);
    // interpretation: a terminal wraps inside words, a mail client between them; when both
    // joins read equally well the blank is kept, as the words are more often whole.
    if (join_score(tight_line) > join_score(spaced_line)) {
        logical = std::move(tight);
        cut = cut || tight_cut;
        return tight_line;
    }
    logical = std::move(spaced);
    cut = cut || spaced_cut;
    return spaced_line;
}

core::result<std::optional<trace_line>, log_read_error> log_reader::next() {
    if (!sniffed_) {
        sniffed_ = true;
        if (auto error = sniff_()) return core::failure(std::move(*error));
    }
    if (!has_pending_) {
        if (!read_physical_(pending_, pending_cut_)) {
            if (failed_) return core::failure(read_failure(stats_.bytes));
            return std::optional<trace_line>{};
        }
        pending_number_ = physical_number_;
        has_pending_ = true;
    }
    std::string logical = std::move(pending_);
    pending_.clear();
    has_pending_ = false;
    bool cut = pending_cut_;
    const std::size_t number = pending_number_;

    std::optional<trace_line> line;  // the classification of `logical` once a join made one
    std::size_t joins = 0;
    std::string physical;
    bool physical_cut = false;
    while (read_physical_(physical, physical_cut)) {
        if (joins == continuation_lines_max || begins_log_line(physical) || has_control_bytes(physical)) {
            pending_ = std::move(physical);
            pending_cut_ = physical_cut;
            pending_number_ = physical_number_;
            has_pending_ = true;
            break;
        }
        ++joins;
        ++stats_.joined;
        cut = cut || physical_cut;
        line = join_(logical, physical, cut);
    }
    if (failed_) return core::failure(read_failure(stats_.bytes));
    if (!line) line = classify_line(logical, number, default_year_);
    line->number = number;
    if (cut) line->truncated = true;

    ++stats_.logical_lines;
    if (line->family == line_family::unclassified) {
        ++stats_.unclassified;
    } else {
        ++stats_.classified;
    }
    if (line->truncated) ++stats_.truncated;
    return line;
}

}  // namespace sts::sim
