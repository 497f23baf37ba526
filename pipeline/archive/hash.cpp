#include "pipeline/archive/hash.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <memory>
#include <vector>

#include <openssl/evp.h>

#include "models/errors.h"

namespace qikan {
namespace {

struct DigestDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr); }
  void Update(const void* data, size_t size) { EVP_DigestUpdate(ctx_.get(), data, size); }
  std::string HexDigest() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest.data(), &size);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < size; ++i) {
      hex += kHex[digest[i] >> 4];
      hex += kHex[digest[i] & 0xF];
    }
    return hex;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, DigestDeleter> ctx_;
};

}  // namespace

std::string Sha256OfFile(const std::filesystem::path& file, uint64_t* bytes) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw QikanError(ExitStatus::kInputMissing, file.string(), "cannot be read");
  Sha256 sha;
  std::vector<char> buffer(1 << 20);
  uint64_t total = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    sha.Update(buffer.data(), static_cast<size_t>(in.gcount()));
    total += static_cast<uint64_t>(in.gcount());
  }
  if (in.bad()) throw QikanError(ExitStatus::kInputMissing, file.string(), "read error");
  if (bytes) *bytes = total;
  return sha.HexDigest();
}

std::string Sha256Hex(std::string_view bytes) {
  Sha256 sha;
  sha.Update(bytes.data(), bytes.size());
  return sha.HexDigest();
}

std::string Sha256OfInput(const std::filesystem::path& input) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(input)) return Sha256OfFile(input);
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(input)) {
    if (entry.is_regular_file() && entry.path().filename().string().rfind('.', 0) != 0) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::string manifest;
  for (const auto& file : files) {
    manifest += file.filename().string() + '\t' + Sha256OfFile(file) + '\n';
  }
  return Sha256Hex(manifest);
}

}  // namespace qikan
