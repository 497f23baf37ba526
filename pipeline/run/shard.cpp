#include "pipeline/run/shard.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "models/errors.h"
#include "pipeline/archive/hash.h"

namespace qikan {
namespace fs = std::filesystem;
namespace {

bool ParseInt(std::string_view text, int& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

constexpr std::streamoff kSampleBytes = 64 * 1024;

// The file's size and its first and last 64 KiB (the whole of a smaller file).
void AppendSample(const fs::path& file, std::string& out) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw QikanError(ExitStatus::kInputMissing, file.string(), "cannot be read");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  out += std::to_string(size) + '\n';
  auto read = [&](std::streamoff from, std::streamoff count) {
    std::string bytes(static_cast<size_t>(count), '\0');
    in.seekg(from);
    in.read(bytes.data(), count);
    out.append(bytes.data(), static_cast<size_t>(in.gcount()));
  };
  if (size <= 2 * kSampleBytes) {
    read(0, size);
  } else {
    read(0, kSampleBytes);
    read(size - kSampleBytes, kSampleBytes);
  }
}

std::string_view HashSuffix(const std::string& key) {
  return key.size() >= 8 ? std::string_view(key).substr(key.size() - 8) : std::string_view(key);
}

}  // namespace

ShardSpec ParseShard(const std::string& text) {
  const auto slash = text.find('/');
  ShardSpec spec;
  if (slash == std::string::npos || !ParseInt(std::string_view(text).substr(0, slash), spec.index) ||
      !ParseInt(std::string_view(text).substr(slash + 1), spec.count) || spec.count < 1 ||
      spec.index < 0 || spec.index >= spec.count) {
    throw QikanError(ExitStatus::kUsage, "--shard",
                     "expected K/N with 0 <= K < N (e.g. 0/4), got '" + text + "'");
  }
  return spec;
}

int ShardOfHash(const std::string& sha256, int count) {
  uint64_t value = 0;
  const std::string head = sha256.substr(0, 16);
  std::from_chars(head.data(), head.data() + head.size(), value, 16);
  return static_cast<int>(value % static_cast<uint64_t>(std::max(count, 1)));
}

fs::path ShardDir(const fs::path& archive, int index) {
  return archive / "shards" / std::to_string(index);
}

std::string ShardFingerprint(const fs::path& input) {
  std::string sample;
  if (!fs::is_directory(input)) {
    AppendSample(input, sample);
    return Sha256Hex(sample);
  }
  // The files Sha256OfInput takes, in its order, each by name and sample.
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(input)) {
    if (entry.is_regular_file() && entry.path().filename().string().rfind('.', 0) != 0) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    sample += file.filename().string() + '\t';
    AppendSample(file, sample);
  }
  return Sha256Hex(sample);
}

int ShardOfInput(const fs::path& input, int count) {
  try {
    return ShardOfHash(ShardFingerprint(input), count);
  } catch (const std::exception&) {
    return ShardOfHash(Sha256Hex(input.lexically_normal().string()), count);
  }
}

std::vector<fs::path> SelectShard(const std::vector<fs::path>& inputs, const ShardSpec& spec) {
  std::vector<fs::path> selected;
  for (const auto& input : inputs) {
    if (ShardOfInput(input, spec.count) == spec.index) selected.push_back(input);
  }
  return selected;
}

ArchivedContent::ArchivedContent(const fs::path& archive) : issues_(archive / "issues") {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(issues_, error)) {
    if (entry.is_directory(error)) keys_.push_back(entry.path().filename().string());
  }
  std::sort(keys_.begin(), keys_.end(), [](const std::string& a, const std::string& b) {
    return HashSuffix(a) < HashSuffix(b);
  });
}

std::optional<std::string> ArchivedContent::Find(const std::string& sha256) const {
  if (sha256.size() < 8) return std::nullopt;
  const std::string_view prefix = std::string_view(sha256).substr(0, 8);
  auto it = std::lower_bound(keys_.begin(), keys_.end(), prefix,
                             [](const std::string& key, std::string_view p) {
                               return HashSuffix(key) < p;
                             });
  for (; it != keys_.end() && HashSuffix(*it) == prefix; ++it) {
    std::ifstream in(issues_ / *it / "record.json");
    if (!in) continue;
    try {
      const auto record = nlohmann::json::parse(in);
      if (record.at("source").at("sha256").get<std::string>() == sha256) return *it;
    } catch (const std::exception& e) {
      spdlog::debug("{}: cannot read record.json: {}", (issues_ / *it).string(), e.what());
    }
  }
  return std::nullopt;
}

RunOptions ShardRunOptions(const RunOptions& options, const ShardSpec& spec) {
  if (options.force || options.reprocess_stale) {
    throw QikanError(ExitStatus::kUsage, "--shard",
                     "cannot be combined with --force or --reprocess-stale (a shard only adds "
                     "issues; redo those with a run on the archive itself)");
  }
  RunOptions shard = options;
  shard.archive = ShardDir(options.archive, spec.index);
  auto main_archive = std::make_shared<const ArchivedContent>(options.archive);
  shard.archived_elsewhere = [main_archive](const std::string& sha256) {
    return main_archive->Find(sha256);
  };
  return shard;
}

}  // namespace qikan
