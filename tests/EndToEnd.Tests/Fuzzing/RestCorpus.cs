using System.Text;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests.Fuzzing;

/// <summary>One bad request. <paramref name="Caller"/> is "user", "admin" or "none" (no token).</summary>
public sealed record RestCase(string Name, string Method, string Path, byte[]? Body, string ContentType, string Caller)
{
    public override string ToString() => $"{Method} {Path.Split('?')[0]}: {Name}";
}

/// <summary>
/// Bad requests derived from the OpenAPI document the Host serves: for every JSON body, each
/// field given a wrong type, a bad string, or alone; the body itself broken (not JSON, not an
/// object, invalid UTF-8, too deep, too large, the wrong media type); for every path and query
/// parameter, values no parameter takes. The example bodies are made real first (the world's
/// users, conversation and file), so a value the server wrongly accepts would be stored.
/// </summary>
public static class RestCorpus
{
    private static readonly string[] Methods = ["get", "post", "put", "delete", "patch"];

    /// <param name="realValues">Field or parameter name → a value that exists in the world (username, conversation_id, …).</param>
    public static List<RestCase> From(JsonNode document, IReadOnlyDictionary<string, JsonNode> realValues)
    {
        var cases = new List<RestCase>();
        foreach (var (path, item) in document["paths"]!.AsObject())
            foreach (var method in Methods.Where(m => item![m] is not null))
            {
                var operation = item![method]!;
                var caller = path.StartsWith("/v1/admin/", StringComparison.Ordinal) ? "admin" : path.StartsWith("/v1/connectors/", StringComparison.Ordinal) ? "none" : "user";
                var parameters = operation["parameters"]?.AsArray().Select(p => p!).ToList() ?? [];
                var realPath = Fill(path, parameters.Where(p => p["in"]!.GetValue<string>() == "path").Select(p => p["name"]!.GetValue<string>()), realValues, null, null);
                var body = operation["requestBody"]?["content"]?["application/json"];
                if (body is not null)
                {
                    var schema = Resolve(document, body["schema"]!);
                    var example = MakeReal(body["example"]?.DeepClone() ?? new JsonObject(), realValues);
                    cases.AddRange(BodyCases(document, schema, example.AsObject()).Select(c => new RestCase(c.Name, method.ToUpperInvariant(), realPath, c.Body, c.ContentType, caller)));
                }
                foreach (var parameter in parameters.Where(p => p["in"]!.GetValue<string>() is "path" or "query"))
                {
                    var name = parameter["name"]!.GetValue<string>();
                    // A parameter-only operation still needs its body to be well formed: send none, or its example.
                    var exampleBody = body is null ? null : Encoding.UTF8.GetBytes(MakeReal(body["example"]?.DeepClone() ?? new JsonObject(), realValues).ToJsonString());
                    var inPath = parameter["in"]!.GetValue<string>() == "path";
                    foreach (var (what, value) in BadParameterValues(name, inPath, realValues.GetValueOrDefault(name)?.GetValue<string>()))
                    {
                        var url = inPath
                            ? Fill(path, parameters.Where(p => p["in"]!.GetValue<string>() == "path").Select(p => p["name"]!.GetValue<string>()), realValues, name, value)
                            : $"{realPath}?{name}={value}";
                        cases.Add(new RestCase($"{name} is {what}", method.ToUpperInvariant(), url, exampleBody, "application/json", caller));
                    }
                }
            }
        return cases;
    }

    private static IEnumerable<(string Name, byte[] Body, string ContentType)> BodyCases(JsonNode document, JsonNode schema, JsonObject example)
    {
        const string json = "application/json";
        foreach (var broken in new[]
                 {
                     RawJson.Text("an empty body", ""), RawJson.Text("JSON null", "null"), RawJson.Text("an array", "[]"), RawJson.Text("a number", "42"),
                     RawJson.Text("a string", "\"fuzz\""), RawJson.Text("cut short", "{\"a"), RawJson.Text("an empty object", "{}"),
                     RawJson.Text("not JSON", "hello"), new RawJson("invalid UTF-8", [0xFF, 0xFE, (byte)'{', (byte)'}']), new RawJson("a NUL byte", [(byte)'{', 0x00, (byte)'}']),
                     RawJson.Text("nested 5000 deep", new string('[', 5000) + new string(']', 5000)),
                     RawJson.Text("a key with a NUL", "{\"\\u0000\":1}"),
                     RawJson.Text("256 KiB of whitespace around an empty object", new string(' ', 256 << 10) + "{}"),
                 })
            yield return ("body is " + broken.Name, broken.Bytes, json);
        yield return ("the example as text/plain", Encoding.UTF8.GetBytes(example.ToJsonString()), "text/plain");

        foreach (var (field, fieldSchema, value) in Fields(document, schema, example, ""))
        {
            var types = TypesOf(fieldSchema);
            var leaf = field.Split('.', '[')[^1].TrimEnd(']');
            var bad = BadValues.WrongTypes(types).ToList();
            if (types.Contains("string")) bad.AddRange(BadValues.BadStrings(value?.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : null, BadValues.FreeText.Contains(leaf), cleaned: leaf == "filename", emptyRemoves: BadValues.EmptyRemoves.Contains(leaf)));
            foreach (var raw in bad) yield return ($"{field} is {raw.Name}", With(example, field, raw), json);
            // The first wrong value again, among fields no schema knows: unknown fields change nothing.
            if (bad.Count > 0)
            {
                var extra = (JsonObject)example.DeepClone();
                extra["unknown_field"] = new JsonObject { ["deep"] = new JsonArray(1, "two", null) };
                extra["__proto__"] = new JsonObject { ["admin"] = true };
                yield return ($"{field} is {bad[0].Name}, with unknown fields", With(extra, field, bad[0]), json);
            }
            // The field twice, the second time wrong: the last one counts.
            if (!field.Contains('.') && !field.Contains('[') && bad.Count > 0)
                yield return ($"{field} given twice, wrong the second time", Duplicate(example, field, bad[0]), json);
        }
        // Each top-level field alone: every other field that matters is missing.
        if (example.Count > 1)
            foreach (var (name, value) in example)
                yield return ($"only {name}", Encoding.UTF8.GetBytes(new JsonObject { [name] = value?.DeepClone() }.ToJsonString()), json);
    }

    /// <summary>Every field of the body with its schema and example value: nested objects' fields, and the first item of arrays.</summary>
    private static IEnumerable<(string Path, JsonNode Schema, JsonNode? Value)> Fields(JsonNode document, JsonNode schema, JsonNode? value, string prefix)
    {
        foreach (var (name, property) in schema["properties"]?.AsObject() ?? [])
        {
            var propertySchema = Resolve(document, property!);
            var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            var propertyValue = value?[name];
            yield return (path, propertySchema, propertyValue);
            if (TypesOf(propertySchema).Contains("object"))
                foreach (var inner in Fields(document, propertySchema, propertyValue, path)) yield return inner;
            if (TypesOf(propertySchema).Contains("array") && propertySchema["items"] is { } items && propertyValue is JsonArray { Count: > 0 } array)
            {
                var itemSchema = Resolve(document, items);
                yield return ($"{path}[0]", itemSchema, array[0]);
                if (TypesOf(itemSchema).Contains("object"))
                    foreach (var inner in Fields(document, itemSchema, array[0], $"{path}[0]")) yield return inner;
            }
        }
    }

    /// <summary>The body with the value at <paramref name="path"/> ("payload.text", "to[0]") replaced by raw bytes.</summary>
    private static byte[] With(JsonObject example, string path, RawJson raw)
    {
        const string marker = "\u2063fuzz-marker\u2063";
        var body = (JsonObject)example.DeepClone();
        JsonNode parent = body;
        var steps = path.Replace("[", ".[").Split('.');
        foreach (var step in steps[..^1])
            parent = step.StartsWith('[') ? parent[int.Parse(step[1..^1])]! : parent[step] ??= new JsonObject();
        var last = steps[^1];
        if (last.StartsWith('[')) parent[int.Parse(last[1..^1])] = marker;
        else parent[last] = marker;
        var text = body.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var at = text.IndexOf($"\"{marker}\"", StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(text[..at]), .. raw.Bytes, .. Encoding.UTF8.GetBytes(text[(at + marker.Length + 2)..])];
    }

    private static byte[] Duplicate(JsonObject example, string field, RawJson raw)
    {
        var text = example.ToJsonString();
        return [.. Encoding.UTF8.GetBytes(text[..^1] + (example.Count > 0 ? "," : "") + $"\"{field}\":"), .. raw.Bytes, (byte)'}'];
    }

    /// <summary>Values no path or query parameter takes, URL-encoded as a client would send them.</summary>
    /// <remarks>A query filter may fairly match nothing (200, empty): only values no parameter takes go there. A path
    /// names one thing, so a look-alike of a real one must be refused; a count or sequence number takes only numbers.</remarks>
    private static IEnumerable<(string What, string Value)> BadParameterValues(string name, bool inPath, string? real)
    {
        // Kestrel itself refuses a NUL in the path (a bare 400, before any endpoint), so only a query carries one to the app.
        if (!inPath) yield return ("a NUL", "fuzz%00x");
        yield return ("a control character", "fuzz%07");
        yield return ("invalid UTF-8", "fuzz%C3%28%FF");
        if (!BadValues.FreeText.Contains(name)) yield return ("an encoded slash", "fuzz%2F..%2F..");
        yield return ("4000 characters", new string('z', 4000));
        if (name == "limit" || name.EndsWith("_seq", StringComparison.Ordinal))
        {
            yield return ("a word", "twelve");
            yield return ("a number past 64 bits", "123456789012345678901234567890");
            yield return ("negative", "-1");
            yield return ("a fraction", "1.5");
        }
        if (inPath && real is not null) yield return ("a look-alike of a real one", Uri.EscapeDataString(BadValues.LookAlike(real)));
    }

    private static string Fill(string path, IEnumerable<string> names, IReadOnlyDictionary<string, JsonNode> realValues, string? badName, string? badValue)
    {
        foreach (var name in names)
            path = path.Replace("{" + name + "}", name == badName ? badValue : Uri.EscapeDataString(realValues.GetValueOrDefault(name)?.GetValue<string>() ?? "none"));
        return path;
    }

    /// <summary>The example with the world's real users, conversation and file where the example names made-up ones.</summary>
    private static JsonNode MakeReal(JsonNode example, IReadOnlyDictionary<string, JsonNode> realValues)
    {
        if (example is JsonObject body)
            foreach (var name in body.Select(p => p.Key).ToList())
                if (realValues.TryGetValue(name, out var real)) body[name] = real.DeepClone();
        return example;
    }

    private static List<string> TypesOf(JsonNode schema) => schema["type"] switch
    {
        JsonArray many => many.Select(t => t!.GetValue<string>()).ToList(),
        JsonValue one => [one.GetValue<string>()],
        _ => schema["properties"] is not null ? ["object"] : [],
    };

    private static JsonNode Resolve(JsonNode document, JsonNode schema) =>
        schema["$ref"]?.GetValue<string>() is { } reference ? Resolve(document, document["components"]!["schemas"]![reference.Split('/')[^1]]!) : schema;
}
