//===- SarifLog.cpp - the SARIF 2.1.0 document ----------------------------===//
#include "basic/SarifLog.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

namespace tdl {

llvm::StringRef sarifLevel(Severity s) {
  // SARIF's levels for these are the names the text printer uses.
  std::string_view name = severityName(s);
  return llvm::StringRef(name.data(), name.size());
}

std::string sarifMessageText(llvm::StringRef text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    out += c;
    if (c == '{' || c == '}')
      out += c;
  }
  return out;
}

/// A kind's fmt format as a SARIF message string: `{N:spec}` and `{}` become
/// placeholders `{N}`; the escapes `{{` and `}}` mean the same in both.
static std::string messageTemplate(llvm::StringRef format) {
  std::string out;
  unsigned nextIndex = 0;
  for (size_t i = 0; i < format.size(); ++i) {
    char c = format[i];
    if ((c == '{' || c == '}') && i + 1 < format.size() && format[i + 1] == c) {
      out.append(2, c);
      ++i;
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    size_t close = format.find('}', i);
    if (close == llvm::StringRef::npos)
      break;
    llvm::StringRef field = format.slice(i + 1, close).split(':').first;
    unsigned index = nextIndex++;
    if (!field.empty())
      field.getAsInteger(10, index);
    out += "{" + std::to_string(index) + "}";
    i = close;
  }
  return out;
}

std::string sarifUri(llvm::StringRef path) {
  std::string out;
  if (llvm::sys::path::is_absolute(path, llvm::sys::path::Style::posix))
    out = "file://";
  for (unsigned char c : path) {
    if (llvm::isAlnum(c) || llvm::StringRef("-._~/").contains(c))
      out += char(c);
    else
      out += "%" + llvm::utohexstr(c, /*LowerCase=*/false, /*Width=*/2);
  }
  return out;
}

void SarifLog::addResult(DiagId id, llvm::json::Object result) {
  auto it = llvm::find(rules, id);
  size_t index = it - rules.begin();
  if (it == rules.end())
    rules.push_back(id);
  result["ruleId"] = getDiagInfo(id).name;
  result["ruleIndex"] = int64_t(index);
  results.push_back(std::move(result));
}

void SarifLog::addToolNotification(llvm::StringRef id, Severity level,
                                   llvm::StringRef message) {
  notifications.push_back(llvm::json::Object{
      {"descriptor", llvm::json::Object{{"id", id}}},
      {"level", sarifLevel(level)},
      {"message", llvm::json::Object{{"text", sarifMessageText(message)}}}});
}

llvm::json::Value SarifLog::toJson(int exitCode,
                                   bool executionSuccessful) const {
  llvm::json::Array ruleObjects;
  for (DiagId id : rules) {
    const DiagInfo &info = getDiagInfo(id);
    ruleObjects.push_back(llvm::json::Object{
        {"id", info.name},
        {"defaultConfiguration",
         llvm::json::Object{{"level", sarifLevel(info.severity)}}},
        {"messageStrings",
         llvm::json::Object{
             {"default",
              llvm::json::Object{{"text", messageTemplate(info.format)}}}}}});
  }
  llvm::json::Object driver{{"name", tool.name},
                            {"version", tool.version},
                            {"rules", std::move(ruleObjects)}};
  if (!tool.informationUri.empty())
    driver["informationUri"] = tool.informationUri;

  llvm::json::Object invocation{
      {"executionSuccessful", executionSuccessful},
      {"exitCode", exitCode},
      {"toolExecutionNotifications", llvm::json::Array(notifications)}};

  llvm::json::Object run{
      {"tool", llvm::json::Object{{"driver", std::move(driver)}}},
      // Columns count characters, not UTF-8 bytes (the printer converts).
      {"columnKind", "unicodeCodePoints"},
      {"invocations", llvm::json::Array{std::move(invocation)}},
      {"results", llvm::json::Array(results)}};

  return llvm::json::Object{
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", llvm::json::Array{std::move(run)}}};
}

void SarifLog::write(llvm::raw_ostream &os, int exitCode,
                     bool executionSuccessful) const {
  os << llvm::formatv("{0:2}", toJson(exitCode, executionSuccessful)) << '\n';
  os.flush();
}

} // namespace tdl
