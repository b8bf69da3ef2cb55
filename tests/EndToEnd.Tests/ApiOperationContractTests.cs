using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Chat.EndToEnd.Tests;

/// <summary>
/// Each operation docs/api.md documents says what the code answers: its request fields are the
/// properties of the request body in /openapi/v1.json and its status codes (the bold success codes
/// and those under <b>Errors</b>) are the responses there, no more and no fewer. How api.md writes them
/// is in its "How to read this file"; <see cref="ApiDocumentTests"/> holds the operations themselves.
/// </summary>
public sealed partial class ApiOperationContractTests(ChatServerFixture fixture) : IClassFixture<ChatServerFixture>
{
    /// <summary>Signed platform bodies are read as raw bytes (the signature covers them), so the document gives them no schema.</summary>
    private static readonly string[] BodiesReadRaw = ["POST /v1/connectors/{}/webhook", "POST /v1/connectors/telegram/webhook"];

    [Fact]
    public async Task Each_documented_operation_has_the_request_fields_and_status_codes_of_the_OpenAPI_document()
    {
        var openApi = await fixture.Server.Client().GetJsonAsync("/openapi/v1.json");
        var served = openApi["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => (Key: Key(op.Key, path.Key), Operation: op.Value!)))
            .ToDictionary(o => o.Key, o => o.Operation);

        var drift = new List<string>();
        var documented = DocumentedOperation.Read(Path.Combine(RepositoryRoot.Path, "docs", "api.md"));
        Assert.True(documented.Count > 50, $"only {documented.Count} operations read from docs/api.md");
        foreach (var doc in documented)
        {
            if (!served.TryGetValue(doc.Key, out var operation)) continue; // ApiDocumentTests reports it
            var codes = operation["responses"]!.AsObject().Select(r => r.Key).ToHashSet();
            Compare(drift, doc.Key, "status codes", doc.Codes, codes);
            if (!BodiesReadRaw.Contains(doc.Key)) Compare(drift, doc.Key, "request fields", doc.Fields, RequestFields(openApi, operation));
        }
        Assert.True(drift.Count == 0, "docs/api.md and /openapi/v1.json disagree:\n" + string.Join("\n", drift));
    }

    private static void Compare(List<string> drift, string operation, string what, IReadOnlySet<string> documented, IReadOnlySet<string> served)
    {
        var onlyDocumented = documented.Except(served).Order().ToList();
        var onlyServed = served.Except(documented).Order().ToList();
        if (onlyDocumented.Count > 0) drift.Add($"{operation}: {what} documented but not in the OpenAPI document: {string.Join(", ", onlyDocumented)}");
        if (onlyServed.Count > 0) drift.Add($"{operation}: {what} in the OpenAPI document but not documented: {string.Join(", ", onlyServed)}");
    }

    /// <summary>The top-level properties of the operation's request body schema (of its first content type).</summary>
    private static HashSet<string> RequestFields(JsonNode document, JsonNode operation)
    {
        var schema = operation["requestBody"]?["content"]?.AsObject().FirstOrDefault().Value?["schema"];
        if (schema?["$ref"]?.GetValue<string>() is { } reference) schema = document["components"]!["schemas"]![reference.Split('/')[^1]];
        return schema?["properties"]?.AsObject().Select(p => p.Key).ToHashSet() ?? [];
    }

    private static string Key(string method, string path) => $"{method.ToUpperInvariant()} {PathParameter().Replace(path, "{}")}";

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex PathParameter();

    /// <summary>
    /// One ``### `METHOD /path` `` section: the keys of the objects on its <b>Request</b> line (and of its
    /// json example, and sub-bullets naming an optional field), and the codes in bold or under <b>Errors</b>
    /// — "as above" takes the section's "**Errors** (each operation)" codes.
    /// </summary>
    private sealed partial record DocumentedOperation(string Key, IReadOnlySet<string> Fields, IReadOnlySet<string> Codes)
    {
        public static List<DocumentedOperation> Read(string path)
        {
            var operations = new List<DocumentedOperation>();
            string? key = null;
            var sectionErrors = new HashSet<string>();
            var body = new List<string>();
            void Flush()
            {
                if (key is not null) operations.Add(Parse(key, body, sectionErrors));
                key = null;
                body.Clear();
            }
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith("## ", StringComparison.Ordinal)) { Flush(); sectionErrors = []; continue; }
                if (line.StartsWith("### ", StringComparison.Ordinal))
                {
                    Flush();
                    if (Heading().Match(line) is { Success: true } heading) key = ApiOperationContractTests.Key(heading.Groups[1].Value, heading.Groups[2].Value);
                    continue;
                }
                if (key is not null) body.Add(line);
                else if (line.StartsWith("- **Errors** (each operation)", StringComparison.Ordinal)) sectionErrors = CodesIn(line).ToHashSet();
                else if (sectionErrors.Count > 0 && line.StartsWith("  ", StringComparison.Ordinal)) sectionErrors.UnionWith(CodesIn(line));
            }
            Flush();
            return operations;
        }

        private static DocumentedOperation Parse(string key, List<string> lines, HashSet<string> sectionErrors)
        {
            var fields = new HashSet<string>();
            var codes = new HashSet<string>();
            var bullet = "";
            var inJson = false;
            var json = new System.Text.StringBuilder();
            var inSubBullets = false; // past the Request line: its sub-bullets describe fields, their objects are values
            foreach (var line in lines)
            {
                if (line.StartsWith("- ", StringComparison.Ordinal)) { bullet = line; inSubBullets = false; }
                else if (!line.StartsWith("  ", StringComparison.Ordinal)) bullet = "";
                if (bullet.StartsWith("- **Request**", StringComparison.Ordinal))
                {
                    if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
                    {
                        if (inJson) fields.UnionWith(Keys(json.ToString()));
                        inJson = !inJson && line.Contains("json", StringComparison.Ordinal);
                        json.Clear();
                        continue;
                    }
                    if (inJson) json.Append(line.Trim());
                    else if (line.StartsWith("  - ", StringComparison.Ordinal))
                    {
                        inSubBullets = true;
                        if (SubBulletField().Match(line) is { Success: true } optional) fields.Add(optional.Groups[1].Value);
                    }
                    else if (!inSubBullets)
                        foreach (Match obj in InlineObject().Matches(line)) fields.UnionWith(Keys(obj.Groups[1].Value));
                }
                foreach (Match bold in BoldCode().Matches(line)) codes.Add(bold.Groups[1].Value);
                if (bullet.StartsWith("- **Errors:**", StringComparison.Ordinal))
                {
                    codes.UnionWith(CodesIn(line));
                    if (line.Contains("as above", StringComparison.Ordinal)) codes.UnionWith(sectionErrors);
                }
            }
            return new DocumentedOperation(key, fields, codes);
        }

        private static IEnumerable<string> CodesIn(string line) => ErrorCode().Matches(line).Select(m => m.Groups[1].Value);

        /// <summary>The keys at the top level of <c>{"a","b":{"c"},"d"?:[…]}</c>: strings at depth one not after a ':' or '|'.</summary>
        private static IEnumerable<string> Keys(string text)
        {
            var depth = 0;
            var previous = ' ';
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c is '{' or '[') { depth++; previous = c; }
                else if (c is '}' or ']') { depth--; previous = c; }
                else if (c == '"')
                {
                    var end = text.IndexOf('"', i + 1);
                    if (end < 0) yield break;
                    if (depth == 1 && previous is not (':' or '|')) yield return text[(i + 1)..end];
                    i = end;
                    previous = 's';
                }
                else if (c is ':' or ',' or '|') previous = c;
            }
        }

        [GeneratedRegex(@"^### `(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (/\S*)`\s*$")]
        private static partial Regex Heading();

        [GeneratedRegex(@"`(\{[^`]*\})`")]
        private static partial Regex InlineObject();

        [GeneratedRegex(@"^\s+- `([a-z_]+)` \(optional")]
        private static partial Regex SubBulletField();

        [GeneratedRegex(@"\*\*(\d{3})\*\*")]
        private static partial Regex BoldCode();

        [GeneratedRegex(@"`(\d{3})`")]
        private static partial Regex ErrorCode();
    }
}
