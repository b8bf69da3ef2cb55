using System.Text;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests.Fuzzing;

/// <summary>
/// One bad client frame. <paramref name="Binary"/> sends it as a binary frame; <paramref name="FailsTheConnection"/>
/// marks invalid UTF-8 in a text frame, which RFC 6455 (8.1) answers by closing with 1007, not with an error frame.
/// </summary>
public sealed record FrameCase(string Name, byte[] Bytes, bool Binary = false, bool FailsTheConnection = false)
{
    public override string ToString() => Name;
}

/// <summary>
/// Bad frames derived from the client frame schemas in docs/frames/client: for each frame type,
/// each field missing, of a wrong type or a bad string (an existing id made a look-alike), with
/// unknown fields beside; the type itself mistyped, look-alike or unknown; and frames that are not
/// JSON objects at all.
/// </summary>
public static class FrameCorpus
{
    /// <param name="realValues">Field name → a value that exists (the world's conversation, a message id).</param>
    public static List<FrameCase> From(string schemaDirectory, IReadOnlyDictionary<string, JsonNode> realValues)
    {
        var cases = new List<FrameCase>
        {
            Text("not JSON", "hello"),
            Text("JSON null", "null"),
            Text("an array", "[{\"type\":\"ping\"}]"),
            Text("a string", "\"ping\""),
            Text("cut short", "{\"type\":\"pi"),
            Text("an empty object", "{}"),
            Text("nested 5000 deep", new string('[', 5000) + new string(']', 5000)),
            new("a raw NUL byte", [.. "{\"type\":\"pi"u8, 0x00, .. "ng\"}"u8]),
            new("invalid UTF-8", [.. "{\"type\":\"pi"u8, 0xC3, 0x28, .. "ng\"}"u8], FailsTheConnection: true),
            new("a binary frame", "{\"type\":\"ping\"}"u8.ToArray(), Binary: true),
            Text("a frame past the size limit", $"{{\"type\":\"ping\",\"pad\":\"{new string('z', 70_000)}\"}}"),
            Text("type unknown", "{\"type\":\"teleport\"}"),
            Text("type in capitals", "{\"type\":\"PING\"}"),
            Text("type a look-alike", $"{{\"type\":\"{BadValues.LookAlike("ping")}\"}}"),
            Text("type with a NUL", "{\"type\":\"ping\\u0000\"}"),
            Text("type a number", "{\"type\":7}"),
            Text("type null", "{\"type\":null}"),
            Text("type an array", "{\"type\":[\"ping\"]}"),
        };
        foreach (var file in Directory.GetFiles(Path.Combine(schemaDirectory, "client"), "*.json").Order(StringComparer.Ordinal))
        {
            var schema = JsonNode.Parse(File.ReadAllText(file))!;
            var type = Path.GetFileNameWithoutExtension(file);
            var required = schema["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToHashSet() ?? [];
            var example = new JsonObject { ["type"] = type };
            foreach (var (name, property) in schema["properties"]!.AsObject().Where(p => p.Key != "type"))
                // A real value only where it has the property's shape ("to" is a list in REST, one name in call.signal).
                example[name] = realValues.TryGetValue(name, out var real) && (!(property!["type"] is JsonValue declared && declared.GetValue<string>() == "string") || real is JsonValue)
                    ? real.DeepClone() : ValidLooking(property!);
            foreach (var (name, property) in schema["properties"]!.AsObject().Where(p => p.Key != "type"))
            {
                var types = property!["type"] is JsonValue t ? [t.GetValue<string>()] : property["enum"] is not null ? new List<string> { "string" } : [];
                if (required.Contains(name)) cases.Add(Text($"{type}: {name} missing", Without(example, name).ToJsonString()));
                var bad = BadValues.WrongTypes(types).Append(RawJson.Text("null", "null")).ToList();
                if (types.Contains("string"))
                    bad.AddRange(BadValues.BadStrings(example[name]?.GetValue<string>(), freeText: false)
                        .Where(b => b.Name != "invalid UTF-8" && b.Name != "200 KiB"));
                if (types.Contains("integer")) bad.AddRange([RawJson.Text("below the minimum", "-1"), RawJson.Text("a number in a string", "\"5\"")]);
                if (property["enum"] is not null) bad.Add(RawJson.Text("outside the enum", "\"sideways\""));
                foreach (var raw in bad) cases.Add(new FrameCase($"{type}: {name} is {raw.Name}", With(example, name, raw)));
                var extra = (JsonObject)example.DeepClone();
                extra["unknown_field"] = new JsonObject { ["deep"] = new JsonArray(1, "two") };
                cases.Add(new FrameCase($"{type}: {name} is {bad[0].Name}, with unknown fields", With(extra, name, bad[0])));
            }
        }
        return cases;
    }

    private static FrameCase Text(string name, string json) => new(name, Encoding.UTF8.GetBytes(json));

    /// <summary>Well-formed values of made-up things, so that no frame can change anything real.</summary>
    private static JsonNode ValidLooking(JsonNode property) =>
        property["enum"] is JsonArray values ? values[0]!.DeepClone() : property["type"]?.GetValue<string>() == "integer" ? 1 : "fuzz-made-up";

    private static JsonObject Without(JsonObject frame, string name)
    {
        var copy = (JsonObject)frame.DeepClone();
        copy.Remove(name);
        return copy;
    }

    private static byte[] With(JsonObject frame, string name, RawJson raw)
    {
        var without = Without(frame, name).ToJsonString();
        return [.. Encoding.UTF8.GetBytes(without[..^1] + $",\"{name}\":"), .. raw.Bytes, (byte)'}'];
    }
}
