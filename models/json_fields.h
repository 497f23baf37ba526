#pragma once

#include <nlohmann/json.hpp>

// nlohmann's NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT defines its functions inline, so
// they cannot implement the to_json/from_json declared in a header. This is the same expansion,
// out of line: missing fields keep the struct's default member values.
#define QIKAN_JSON_FIELDS(Type, ...)                                                   \
  void to_json(nlohmann::json& nlohmann_json_j, const Type& nlohmann_json_t) {        \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(NLOHMANN_JSON_TO, __VA_ARGS__))           \
  }                                                                                    \
  void from_json(const nlohmann::json& nlohmann_json_j, Type& nlohmann_json_t) {      \
    const Type nlohmann_json_default_obj{};                                            \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(NLOHMANN_JSON_FROM_WITH_DEFAULT, __VA_ARGS__)) \
  }
