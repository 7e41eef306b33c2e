#pragma once
// Standard base64 (RFC 4648, with padding), as Go's encoding/json uses for []byte fields such as
// certificate-authority-data: the kubeconfig decoder must accept exactly what kubectl accepts.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aksarc::kube {

// Decodes standard base64. Line breaks and spaces are ignored (Go's decoder skips \r and \n;
// YAML folding may leave spaces). Returns nullopt for any other character, a bad length or
// misplaced padding. Pure; thread-safe.
inline std::optional<std::string> base64_decode(std::string_view text) {
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  size_t symbols = 0;
  size_t padding = 0;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == ' ' || c == '\t') continue;
    ++symbols;
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0) return std::nullopt;  // data after padding
    size_t pos = kAlphabet.find(c);
    if (pos == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFFu));
    }
  }
  if (symbols % 4 != 0 || padding > 2) return std::nullopt;
  return out;
}

// Encodes bytes as standard base64 with padding. Pure; thread-safe.
inline std::string base64_encode(std::string_view bytes) {
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                 (uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8) |
                 uint32_t{static_cast<unsigned char>(bytes[i + 2])};
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kAlphabet[(n >> shift) & 63u]);
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t n = uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
    if (rest == 2) n |= uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8;
    out.push_back(kAlphabet[(n >> 18) & 63u]);
    out.push_back(kAlphabet[(n >> 12) & 63u]);
    out.push_back(rest == 2 ? kAlphabet[(n >> 6) & 63u] : '=');
    out.push_back('=');
  }
  return out;
}

}  // namespace aksarc::kube
