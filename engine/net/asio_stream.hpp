// engine/net/asio_stream.hpp
//
// Adapts a byte_stream (either network) to Asio's AsyncReadStream / AsyncWriteStream, so
// asio::ssl::stream, asio::async_read_until and Boost.Beast run over it unchanged: real
// OpenSSL TLS and real HTTP parsing on in-memory links as well as on kernel sockets.
// It does not own the byte_stream. Include it only from the few .cpp files that speak a
// protocol: Asio headers are slow to compile.
#pragma once

#include <utility>  // Boost 1.74's Asio uses std::exchange without including <utility>

#include "engine/net/byte_stream.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>

namespace sts::net {

class asio_stream {
public:
    using executor_type = boost::asio::any_io_executor;
    using lowest_layer_type = asio_stream;

    asio_stream(executor_type executor, byte_stream& stream) : executor_(std::move(executor)), stream_(&stream) {}

    executor_type get_executor() const noexcept { return executor_; }
    lowest_layer_type& lowest_layer() noexcept { return *this; }
    const lowest_layer_type& lowest_layer() const noexcept { return *this; }
    byte_stream& stream() noexcept { return *stream_; }

    template <class MutableBufferSequence, class ReadToken>
    auto async_read_some(const MutableBufferSequence& buffers, ReadToken&& token) {
        return boost::asio::async_initiate<ReadToken, void(error_code, std::size_t)>(
            [this](auto handler, const MutableBufferSequence& bufs) {
                const boost::asio::mutable_buffer b = first_non_empty(bufs);
                stream_->async_read_some(
                    std::span<std::byte>(static_cast<std::byte*>(b.data()), b.size()),
                    [h = std::move(handler)](error_code ec, std::size_t n) mutable { std::move(h)(ec, n); });
            },
            token, buffers);
    }

    template <class ConstBufferSequence, class WriteToken>
    auto async_write_some(const ConstBufferSequence& buffers, WriteToken&& token) {
        return boost::asio::async_initiate<WriteToken, void(error_code, std::size_t)>(
            [this](auto handler, const ConstBufferSequence& bufs) {
                const boost::asio::const_buffer b = first_non_empty_const(bufs);
                stream_->async_write_some(
                    std::span<const std::byte>(static_cast<const std::byte*>(b.data()), b.size()),
                    [h = std::move(handler)](error_code ec, std::size_t n) mutable { std::move(h)(ec, n); });
            },
            token, buffers);
    }

    void close() { stream_->close(); }

private:
    template <class Buffers>
    static boost::asio::mutable_buffer first_non_empty(const Buffers& buffers) {
        for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers);
             ++it) {
            boost::asio::mutable_buffer b(*it);
            if (b.size() != 0) return b;
        }
        return {};
    }
    template <class Buffers>
    static boost::asio::const_buffer first_non_empty_const(const Buffers& buffers) {
        for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers);
             ++it) {
            boost::asio::const_buffer b(*it);
            if (b.size() != 0) return b;
        }
        return {};
    }

    executor_type executor_;
    byte_stream* stream_;
};

}  // namespace sts::net
